import type { Message } from 'grammy/types';
import type { Question } from '../conversation/answer-question.js';

/** The parts of a Telegram text message an answer needs; undefined for chats we do not answer in. */
export function toQuestion(updateId: number, message: Message, text: string): Question | undefined {
  const { chat, from } = message;
  if (chat.type === 'channel' || from === undefined) return undefined;
  return {
    updateId,
    chat: { id: chat.id, type: chat.type, ...(chat.type === 'private' ? {} : { title: chat.title }) },
    user: {
      id: from.id,
      ...(from.username === undefined ? {} : { username: from.username }),
      firstName: from.first_name,
    },
    text,
    messageIds: [message.message_id],
    ...(message.is_topic_message && message.message_thread_id !== undefined
      ? { threadId: message.message_thread_id }
      : {}),
    ...(message.reply_to_message === undefined
      ? {}
      : { replyToMessageId: message.reply_to_message.message_id }),
  };
}
