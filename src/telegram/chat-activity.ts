import type { Logger } from '../logger.js';

/** Telegram shows a chat action for up to 5 s (or until the bot sends a message): refresh before. */
export const CHAT_ACTIVITY_INTERVAL_MS = 4500;
/** Work shorter than this (a picture from the cache) shows nothing and costs no call. */
export const CHAT_ACTIVITY_DELAY_MS = 300;

export interface ChatActivity {
  /**
   * Shows "typing…" in the chat while slow work runs before an answer can start (downloading,
   * transcribing, reading a PDF); the returned function ends it. Never throws.
   */
  show(chat: { id: number; threadId?: number | undefined }): () => void;
}

export interface ChatActivityTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: ChatActivityTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The indicator, on a caller-given send (bot.api's `sendChatAction`, which goes through the paced
 * fetch like every Bot API call). At most one call per interval per shown chat; a failed call is
 * only logged: the answer itself decides what a blocked chat or a 429 means.
 */
export function createChatActivity(deps: {
  send(chatId: number, threadId: number | undefined): Promise<unknown>;
  logger: Logger;
  intervalMs?: number;
  delayMs?: number;
  timers?: ChatActivityTimers;
}): ChatActivity {
  const timers = deps.timers ?? systemTimers;
  const intervalMs = deps.intervalMs ?? CHAT_ACTIVITY_INTERVAL_MS;
  return {
    show(chat) {
      let running = true;
      let timer: unknown;
      const tick = () => {
        timer = undefined;
        if (!running) return;
        deps
          .send(chat.id, chat.threadId)
          .catch((error: unknown) => deps.logger.debug({ err: error, chat: chat.id }, 'chat action failed'));
        timer = timers.setTimeout(tick, intervalMs);
      };
      timer = timers.setTimeout(tick, deps.delayMs ?? CHAT_ACTIVITY_DELAY_MS);
      return () => {
        running = false;
        if (timer !== undefined) timers.clearTimeout(timer);
        timer = undefined;
      };
    },
  };
}
