-- Tool calls an answer made and their results (issue #11), so later turns can send them back to the
-- model in its own format. A JSON array of provider-neutral messages, in order: an assistant turn with
-- its text, tool calls and signed thinking blocks, then one tool result per call, round after round.
-- The answer's `content` stays the text the user saw (every round's text); the last round's text is
-- what follows the final tool results. NULL for answers that called no tool.
ALTER TABLE messages ADD COLUMN tool_turns TEXT
  CHECK (tool_turns IS NULL OR (json_valid(tool_turns) AND json_type(tool_turns) = 'array'));
