import type { ApiUpdate } from '../api-types.js';

interface WithChat {
  chat?: { id?: unknown };
  message?: { chat?: { id?: unknown } };
}

/**
 * The ordering key of an update for webhook delivery: its chat (`message.chat`, `callback_query.message.chat`,
 * `my_chat_member.chat`, ...). Updates without a chat (inline queries, polls, callbacks from inline
 * messages) get a key of their own, so they never wait for, nor hold, anything else.
 */
export function updateChatKey(update: ApiUpdate): string {
  for (const [type, payload] of Object.entries(update)) {
    if (type === 'update_id' || typeof payload !== 'object' || payload === null) continue;
    const body = payload as WithChat;
    const chatId = body.chat?.id ?? body.message?.chat?.id;
    if (typeof chatId === 'number' || typeof chatId === 'string') return `chat:${chatId}`;
  }
  return `update:${update.update_id}`;
}
