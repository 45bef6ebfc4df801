-- Pictures and files sent with a user message (Telegram file ids); see migrations/sqlite/003_media.sql.
ALTER TABLE messages ADD COLUMN attachments text;
