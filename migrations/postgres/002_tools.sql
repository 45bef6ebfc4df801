-- Tool calls an answer made and their results (issue #11); see migrations/sqlite/002_tools.sql.
ALTER TABLE messages ADD COLUMN tool_turns text
  CHECK (tool_turns IS NULL OR jsonb_typeof(tool_turns::jsonb) = 'array');
