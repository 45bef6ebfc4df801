-- Pictures and files sent with a user message, as Telegram file ids ([{"kind":"image","fileId":"..."}]),
-- so later turns can fetch the pictures again. NULL for messages without any.
ALTER TABLE messages ADD COLUMN attachments TEXT;
