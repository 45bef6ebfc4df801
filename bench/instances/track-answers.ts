import type { BotApiEmulator } from '../../src/emulator/index.js';

/** One question of the load, and when its user saw what (clock ms, the emulator's own clock). */
export interface TrackedAnswer {
  chatId: number;
  expected: string;
  askedAt: number;
  /** When the emulator no longer held its update: the bot answered the webhook 2xx (stored) or confirmed it. */
  takenAt: number | undefined;
  /** First non-empty text the user saw for it: a draft frame or a bot message. */
  firstTextAt: number | undefined;
  /** When the chat first showed the exact final text. */
  finalAt: number | undefined;
}

/**
 * Watches the emulator's event stream and stamps, per chat, the first visible text and the final
 * text of the question being answered there (one question per chat, so there is no doubt whose).
 */
export function trackAnswers(telegram: BotApiEmulator) {
  const byChat = new Map<number, TrackedAnswer>();
  const stops: (() => void)[] = [];
  const unsubscribe = telegram.subscribe((event) => {
    if (event.kind !== 'call' || !event.call.ok || event.call.chatId === undefined) return;
    const answer = byChat.get(event.call.chatId);
    if (answer === undefined || answer.finalAt !== undefined) return;
    const at = event.call.at;
    const shown =
      (telegram.draft(answer.chatId)?.text ?? '') !== '' ||
      telegram.visibleMessages(answer.chatId).some((message) => message.from === 'bot' && message.text);
    if (shown) answer.firstTextAt ??= at;
    const last = telegram.lastBotMessage(answer.chatId);
    if (last?.text === answer.expected) answer.finalAt = at;
  });
  return {
    add(chatId: number, expected: string, askedAt: number): TrackedAnswer {
      const answer: TrackedAnswer = {
        chatId,
        expected,
        askedAt,
        takenAt: undefined,
        firstTextAt: undefined,
        finalAt: undefined,
      };
      byChat.set(chatId, answer);
      return answer;
    },
    answers: () => [...byChat.values()],
    /**
     * Stamps `takenAt` of every answer whose update is pending now, when it leaves the queue. The
     * emulator has no event for that, so this looks every 20 ms (cheap: one pass over the queue).
     */
    watchIntake(): void {
      const waiting = new Map<number, TrackedAnswer>();
      for (const update of telegram.pendingUpdates()) {
        const chatId = (update.message as { chat?: { id?: number } } | undefined)?.chat?.id;
        const answer = chatId === undefined ? undefined : byChat.get(chatId);
        if (answer !== undefined) waiting.set(update.update_id, answer);
      }
      const timer = setInterval(() => {
        const pending = new Set(telegram.pendingUpdates().map((update) => update.update_id));
        for (const [updateId, answer] of waiting) {
          if (pending.has(updateId)) continue;
          answer.takenAt = Date.now();
          waiting.delete(updateId);
        }
        if (waiting.size === 0) clearInterval(timer);
      }, 20);
      stops.push(() => clearInterval(timer));
    },
    stop(): void {
      unsubscribe();
      for (const stopOne of stops) stopOne();
    },
  };
}
