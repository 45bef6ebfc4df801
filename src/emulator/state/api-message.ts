import type { ApiMessage, InlineKeyboardMarkup, ReplyMarkup } from '../api-types.js';
import type { ChatRecord, StoredMessage } from './chat-store.js';

/** Only inline keyboards belong to a message; other reply markup acts on the user's keyboard. */
export function inlineKeyboardOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && Array.isArray((markup as InlineKeyboardMarkup).inline_keyboard)
    ? (markup as InlineKeyboardMarkup)
    : undefined;
}

/** The Bot API `Message` for a stored message; a replied-to message is included one level deep. */
export function toApiMessage(record: ChatRecord, message: StoredMessage, withReply = true): ApiMessage {
  const result: ApiMessage = {
    message_id: message.messageId,
    from: message.sender,
    chat: record.chat,
    date: Math.floor(message.sentAt / 1000),
  };
  if (message.threadId !== undefined) {
    result.message_thread_id = message.threadId;
    if (record.topics.has(message.threadId)) result.is_topic_message = true;
  }
  if (message.editedAt !== undefined) result.edit_date = Math.floor(message.editedAt / 1000);
  if (withReply && message.replyToMessageId !== undefined) {
    const replied = record.messages.get(message.replyToMessageId);
    if (replied !== undefined && !replied.deleted)
      result.reply_to_message = toApiMessage(record, replied, false);
  }
  if (message.text !== undefined) {
    result.text = message.text;
    if (message.entities.length > 0) result.entities = message.entities;
  }
  if (message.media !== undefined) {
    result[message.media] = message.mediaPayload;
    // As Telegram does, for bots written before animations existed.
    if (message.media === 'animation') result.document = message.mediaPayload;
    if (message.mediaGroupId !== undefined) result.media_group_id = message.mediaGroupId;
    if (message.caption !== undefined) {
      result.caption = message.caption;
      if (message.entities.length > 0) result.caption_entities = message.entities;
    }
  }
  const keyboard = inlineKeyboardOf(message.replyMarkup);
  if (keyboard !== undefined) result.reply_markup = keyboard;
  return result;
}
