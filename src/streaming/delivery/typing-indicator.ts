import type { TelegramSink } from '../telegram-sink.js';
import type { ChatType, DeliveryTimers } from './primitives.js';
import type { RateGate } from './rate-gate.js';

export interface TypingIndicator {
  start(): void;
  /** Idempotent; withdraws a waiting turn so it never costs a frame its place. */
  stop(): void;
}

/**
 * "typing…" while an answer has nothing to show in edit mode. Telegram shows it for up to 5 s, so it is
 * refreshed every `intervalMs`. It asks for `background` turns charged to the bot-wide budget only: any
 * frame goes first, and the chat's own budget is left to its frames.
 */
export function createTypingIndicator(deps: {
  sink: TelegramSink;
  gate: RateGate;
  timers: DeliveryTimers;
  chatId: number;
  chatType: ChatType;
  threadId: number | undefined;
  intervalMs: number;
  /** Any failure; the answer decides (chat gone, 429 hold). Typing itself never retries. */
  onError: (error: unknown) => void;
}): TypingIndicator {
  let running = false;
  let timer: unknown;
  let waiting: AbortController | undefined;

  async function tick(): Promise<void> {
    timer = undefined;
    if (!running) return;
    waiting = new AbortController();
    const permit = await deps.gate.acquire({
      chatId: deps.chatId,
      chatType: deps.chatType,
      priority: 'background',
      // Telegram counts chat actions against the bot-wide limit only: spending the chat's budget (a
      // group's 1 s spacing) on one would delay the first text behind it.
      scope: 'bot',
      signal: waiting.signal,
    });
    waiting = undefined;
    if (!permit) return;
    if (!running) {
      permit.release({ unused: true });
      return;
    }
    try {
      await deps.sink.sendChatAction(
        deps.chatId,
        'typing',
        deps.threadId === undefined ? {} : { threadId: deps.threadId },
      );
    } catch (error) {
      deps.onError(error);
    } finally {
      permit.release();
    }
    if (running) timer = deps.timers.setTimeout(() => void tick(), deps.intervalMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      void tick();
    },
    stop() {
      running = false;
      waiting?.abort();
      if (timer !== undefined) deps.timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}
