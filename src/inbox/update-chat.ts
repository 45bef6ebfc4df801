import type { Update } from 'grammy/types';

/**
 * The chat an update belongs to: the unit of ordering (one at a time per chat) and of ownership in
 * the inbox. A callback from an inline message has no chat: its user stands in, as in a private chat.
 */
export function chatOf(update: Update): number {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.stopped_message_generation?.chat;
  return chat?.id ?? update.callback_query?.from.id ?? 0;
}
