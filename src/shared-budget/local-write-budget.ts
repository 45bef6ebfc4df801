import {
  createSlidingWindow,
  type SlidingWindow,
  settleSlidingWindow,
  slidingWindowWaitMs,
} from '../streaming/delivery/write-pacer.js';
import type { WriteLimits, WriteTarget, WriteWait } from './write-limits.js';

/**
 * The same windows as the Redis budget, in this process only: the fallback while Redis is away.
 * `startFull`: the bot-wide windows begin full, as if the limit had just been spent. Taking over
 * from the shared budget needs that: the calls every instance made through Redis a moment ago are
 * not known here, and a fresh window would let them all be spent again inside the same second.
 */
export function createLocalWriteBudget(
  limits: WriteLimits,
  now: () => number = Date.now,
  options: { startFull?: boolean } = {},
): { claim(target: WriteTarget | undefined): WriteWait } {
  const bot = limits.bot.map((spec) => createSlidingWindow(spec.limit, spec.windowMs));
  if (options.startFull) {
    const at = now();
    for (const window of bot) window.times.push(...Array.from({ length: window.limit }, () => at));
  }
  const chats = new Map<number, SlidingWindow[]>();
  const waitOf = (windows: SlidingWindow[], at: number) =>
    windows.reduce((wait, window) => Math.max(wait, slidingWindowWaitMs(window, at)), 0);

  return {
    claim(target) {
      const at = now();
      let chat: SlidingWindow[] = [];
      if (target) {
        chat =
          chats.get(target.chatId) ??
          limits[target.kind].map((spec) => createSlidingWindow(spec.limit, spec.windowMs));
        chats.set(target.chatId, chat);
      }
      const wait = { botWaitMs: waitOf(bot, at), chatWaitMs: waitOf(chat, at) };
      if (wait.botWaitMs > 0 || wait.chatWaitMs > 0) return wait;
      const windows = [...bot, ...chat];
      for (const window of windows) window.times.push(at);
      // Forget chats whose windows emptied, so a long-running fallback does not grow without bound.
      if (chats.size > 1024) {
        for (const [id, windows] of chats) {
          waitOf(windows, at); // drops the entries that left their windows
          if (windows.every((window) => window.times.length === 0)) chats.delete(id);
        }
      }
      let settled = false;
      // Like the Redis budget: once answered, the write counts from its answer (see SETTLE_SCRIPT).
      const settle = () => {
        if (settled) return;
        settled = true;
        const answeredAt = now();
        for (const window of windows) {
          const index = window.times.indexOf(at);
          if (index >= 0) window.times.splice(index, 1);
          settleSlidingWindow(window, answeredAt);
        }
      };
      return { ...wait, settle };
    },
  };
}
