-- Per-chat tool settings (issue #11); see migrations/sqlite/004_tools_settings.sql.
ALTER TABLE chats ADD COLUMN show_tool_calls integer NOT NULL DEFAULT 1 CHECK (show_tool_calls IN (0, 1));
ALTER TABLE chats ADD COLUMN disabled_tool_sources text NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(disabled_tool_sources::jsonb) = 'array');
