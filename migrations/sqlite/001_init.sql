-- Streamgram schema, version 1.
-- Released migrations are never edited: change the schema with a new NNN_name.sql file.
-- Conventions:
--   * timestamps are integer milliseconds since the epoch (UTC), `*_at` columns;
--   * ids of users and chats are Telegram's own ids;
--   * NULL means "unknown / not set", never a made-up 0 or empty string;
--   * STRICT tables so a stray string or float never lands in an integer column.

-- A Telegram user we have seen. Profile fields mirror what Telegram sent last.
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,                -- Telegram user id
  username    TEXT COLLATE NOCASE                 -- without the leading @; Telegram usernames are ASCII
              CHECK (username IS NULL OR (length(username) > 0 AND substr(username, 1, 1) <> '@')),
  first_name  TEXT,
  created_at  INTEGER NOT NULL CHECK (created_at >= 0),
  updated_at  INTEGER NOT NULL CHECK (updated_at >= created_at)
) STRICT;

-- Not unique: a username freed by one account can later be taken by another.
CREATE INDEX users_by_username ON users (username, updated_at);

-- A Telegram chat and its settings.
CREATE TABLE chats (
  id               INTEGER PRIMARY KEY,           -- Telegram chat id (negative for groups)
  -- 'channel' is allowed too: Telegram has four chat types and widening a CHECK later means a table rebuild.
  type             TEXT NOT NULL CHECK (type IN ('private', 'group', 'supergroup', 'channel')),
  title            TEXT,
  model            TEXT CHECK (model IS NULL OR model GLOB '?*:?*'),  -- provider:model-id; NULL = default
  system_prompt    TEXT,                          -- NULL = default prompt
  show_reasoning   INTEGER NOT NULL DEFAULT 1 CHECK (show_reasoning IN (0, 1)),
  -- The latest message of the current conversation; NULL after /new (the next question starts afresh).
  head_message_id  INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL CHECK (created_at >= 0),
  updated_at       INTEGER NOT NULL CHECK (updated_at >= created_at)
) STRICT;

CREATE INDEX chats_by_head ON chats (head_message_id) WHERE head_message_id IS NOT NULL;

-- One message of a conversation. Conversations are chains through parent_id: /new clears
-- chats.head_message_id, and replying to an older bot message continues from that message (a branch).
CREATE TABLE messages (
  -- AUTOINCREMENT: ids are never reused, so an id held elsewhere (a running stream, a button's
  -- callback data) can never come to mean another message after a deletion.
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id               INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  -- Who asked: for a user message its sender, for an assistant message the user whose question it
  -- answers. NULL when Telegram names no user (anonymous admins, channel posts) or the user was deleted.
  user_id               INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- The message this one answers or continues; NULL starts a conversation.
  parent_id             INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  role                  TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content               TEXT NOT NULL DEFAULT '',
  reasoning             TEXT,                     -- the model's reasoning text, never sent back to it
  model                 TEXT CHECK (model IS NULL OR model GLOB '?*:?*'),  -- provider:model-id
  status                TEXT NOT NULL
                        CHECK (status IN ('complete', 'streaming', 'interrupted', 'cancelled', 'error')),
  -- JSON array of Telegram message ids: an assistant answer has one per visible part, in order;
  -- a user message has the id(s) of the user's own message(s).
  telegram_message_ids  TEXT NOT NULL DEFAULT '[]'
                        CHECK (json_valid(telegram_message_ids) AND json_type(telegram_message_ids) = 'array'),
  thread_id             INTEGER,                  -- forum topic (message_thread_id), if any
  update_id             INTEGER,                  -- the Telegram update that brought a user message
  created_at            INTEGER NOT NULL CHECK (created_at >= 0),
  finished_at           INTEGER CHECK (finished_at IS NULL OR finished_at >= created_at),
  CHECK (role = 'assistant' OR status = 'complete'),       -- only answers stream or fail
  CHECK (role = 'user' OR model IS NOT NULL),              -- every answer names the model that wrote it
  CHECK ((status = 'streaming') = (finished_at IS NULL))   -- finished exactly when no longer streaming
) STRICT;

CREATE INDEX messages_by_chat ON messages (chat_id, id);
-- Children of a message: branches, and the ON DELETE SET NULL of parent_id without a table scan.
CREATE INDEX messages_by_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX messages_by_user ON messages (user_id) WHERE user_id IS NOT NULL;
-- Crash recovery looks for answers that were streaming when the process died.
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

-- A conversation must stay inside one chat: its parent and the chat's head must belong to the same chat.
CREATE TRIGGER messages_parent_same_chat_insert BEFORE INSERT ON messages
WHEN NEW.parent_id IS NOT NULL
  AND (SELECT chat_id FROM messages WHERE id = NEW.parent_id) IS NOT NEW.chat_id
BEGIN
  SELECT RAISE(ABORT, 'messages.parent_id must name a message of the same chat');
END;

CREATE TRIGGER messages_parent_same_chat_update BEFORE UPDATE OF parent_id, chat_id ON messages
WHEN NEW.parent_id IS NOT NULL
  AND (SELECT chat_id FROM messages WHERE id = NEW.parent_id) IS NOT NEW.chat_id
BEGIN
  SELECT RAISE(ABORT, 'messages.parent_id must name a message of the same chat');
END;

CREATE TRIGGER chats_head_same_chat BEFORE UPDATE OF head_message_id ON chats
WHEN NEW.head_message_id IS NOT NULL
  AND (SELECT chat_id FROM messages WHERE id = NEW.head_message_id) IS NOT NEW.id
BEGIN
  SELECT RAISE(ABORT, 'chats.head_message_id must name a message of the same chat');
END;

-- An index of messages.telegram_message_ids (a JSON array cannot be indexed), kept in step by the
-- triggers below; code writes only messages.telegram_message_ids. Not unique per Telegram id: an edited
-- question may be stored again as a new message; lookups take the newest.
CREATE TABLE message_telegram_ids (
  chat_id              INTEGER NOT NULL,
  telegram_message_id  INTEGER NOT NULL,
  message_id           INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  part                 INTEGER NOT NULL CHECK (part >= 0),   -- position in telegram_message_ids
  PRIMARY KEY (chat_id, telegram_message_id, message_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX message_telegram_ids_by_message ON message_telegram_ids (message_id);

CREATE TRIGGER messages_telegram_ids_insert AFTER INSERT ON messages
BEGIN
  INSERT INTO message_telegram_ids (chat_id, telegram_message_id, message_id, part)
  SELECT NEW.chat_id, value, NEW.id, key FROM json_each(NEW.telegram_message_ids);
END;

CREATE TRIGGER messages_telegram_ids_update AFTER UPDATE OF telegram_message_ids, chat_id ON messages
BEGIN
  DELETE FROM message_telegram_ids WHERE message_id = OLD.id;
  INSERT INTO message_telegram_ids (chat_id, telegram_message_id, message_id, part)
  SELECT NEW.chat_id, value, NEW.id, key FROM json_each(NEW.telegram_message_ids);
END;

-- Token usage of one model request, exactly as the provider reported it. Usage rows are the accounting
-- record (budgets, /usage, /stats) and outlive the history: deleting messages keeps them.
-- A request whose provider reported no usage is still a row, with every token column NULL.
CREATE TABLE usage (
  id                   INTEGER PRIMARY KEY,
  user_id              INTEGER NOT NULL REFERENCES users (id),
  chat_id              INTEGER NOT NULL REFERENCES chats (id),
  message_id           INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  provider             TEXT NOT NULL CHECK (length(provider) > 0),   -- e.g. openai
  model                TEXT NOT NULL CHECK (length(model) > 0),      -- the provider's model id, e.g. gpt-5
  input_tokens         INTEGER CHECK (input_tokens >= 0),            -- all prompt tokens, cached included
  cached_input_tokens  INTEGER CHECK (cached_input_tokens >= 0),     -- part of input read from cache
  cache_write_tokens   INTEGER CHECK (cache_write_tokens >= 0),      -- part of input written to cache
  output_tokens        INTEGER CHECK (output_tokens >= 0),           -- all generated tokens, reasoning included
  reasoning_tokens     INTEGER CHECK (reasoning_tokens >= 0),        -- part of output spent on reasoning
  created_at           INTEGER NOT NULL CHECK (created_at >= 0),
  -- Reported usage always has both counts; details exist only with a report.
  CHECK ((input_tokens IS NULL) = (output_tokens IS NULL)),
  CHECK (input_tokens IS NOT NULL
         OR (cached_input_tokens IS NULL AND cache_write_tokens IS NULL AND reasoning_tokens IS NULL))
) STRICT;

CREATE INDEX usage_by_user_time ON usage (user_id, created_at);
CREATE INDEX usage_by_time ON usage (created_at);
CREATE INDEX usage_by_chat ON usage (chat_id);
CREATE INDEX usage_by_message ON usage (message_id) WHERE message_id IS NOT NULL;

-- Telegram update ids already handled, so a redelivered update is not answered twice.
CREATE TABLE processed_updates (
  update_id     INTEGER PRIMARY KEY,
  processed_at  INTEGER NOT NULL CHECK (processed_at >= 0)
) STRICT;

CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);
