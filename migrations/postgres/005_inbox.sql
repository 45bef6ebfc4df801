-- The durable per-chat inbox (issue #14); see migrations/sqlite/005_inbox.sql for the meaning.
CREATE TABLE inbox_updates (
  update_id    bigint PRIMARY KEY,
  chat_id      bigint NOT NULL,
  payload      text NOT NULL CHECK (jsonb_typeof(payload::jsonb) = 'object'),
  received_at  bigint NOT NULL CHECK (received_at >= 0),
  state        text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'handed', 'started', 'done')),
  owner        text,
  started_at   bigint,
  done_at      bigint
);

-- The owner's and the sweep's question: which rows of a chat are not done yet, in update order.
CREATE INDEX inbox_updates_open ON inbox_updates (chat_id, update_id) WHERE state <> 'done';
CREATE INDEX inbox_updates_done ON inbox_updates (done_at) WHERE state = 'done';
