-- The durable per-chat inbox (issue #14). Only PostgreSQL uses it (several instances share one
-- database); the table exists here too so both dialects keep the same versions.
-- An update is stored before it is acknowledged to Telegram; the instance owning its chat (an
-- advisory lock) dispatches it. `state`: 'waiting' (stored), 'handed' (given to the bot by `owner`),
-- 'started' (its answer began writing to Telegram), 'done' (handled, whatever the outcome).
-- Done rows are pruned after a week, as processed_updates are.
CREATE TABLE inbox_updates (
  update_id    INTEGER PRIMARY KEY,
  chat_id      INTEGER NOT NULL,
  payload      TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
  received_at  INTEGER NOT NULL CHECK (received_at >= 0),
  state        TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'handed', 'started', 'done')),
  owner        TEXT,
  started_at   INTEGER,
  done_at      INTEGER
) STRICT;

CREATE INDEX inbox_updates_open ON inbox_updates (chat_id, update_id) WHERE state <> 'done';
CREATE INDEX inbox_updates_done ON inbox_updates (done_at) WHERE state = 'done';
