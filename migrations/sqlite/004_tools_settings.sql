-- Per-chat tool settings (issue #11). `show_tool_calls`: whether the final answer shows the collapsed
-- record of its tool calls (/tools show|hide). `disabled_tool_sources`: a JSON array of tool sources
-- (MCP server names, or `builtin`) switched off in this chat with /tools; a server added to MCP_CONFIG
-- later is on until a chat turns it off.
ALTER TABLE chats ADD COLUMN show_tool_calls INTEGER NOT NULL DEFAULT 1 CHECK (show_tool_calls IN (0, 1));
ALTER TABLE chats ADD COLUMN disabled_tool_sources TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(disabled_tool_sources) AND json_type(disabled_tool_sources) = 'array');
