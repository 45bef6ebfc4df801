/**
 * The last word on Telegram's limits, applied at the moment a request is written, not when the rate
 * gate grants it. Why a second check: the gate grants calls on the event loop, and a loop busy with
 * SDK parsing and rendering sends granted calls late and bunched, so Telegram could see more than
 * `globalPerSecond` calls in one second although the gate granted them evenly. Here the check and the
 * write happen in the same synchronous step (see paced-fetch.ts), so no loop delay sits between them.
 *
 * What remains between our write and Telegram's count is the network (and, against the local
 * emulator, its own loop reading the request): that jitter is covered by `marginMs`, added to every
 * window. Local arrivals trail writes by milliseconds; a real network adds tens of ms of jitter, so
 * 100 ms is a generous cushion that costs ~9 % of the bot-wide rate (30 calls per 1.1 s, not per
 * 1 s). Without this pacer, test/telegram/paced-telegram-fetch.test.ts sees 34 arrivals in one second
 * at 120 answers; with it, at most 30.
 *
 * Plain data and an explicit clock: `waitMs` asks, `record` counts a write at `now`.
 */
export interface WritePacerOptions {
  /** Calls the bot may make in any sliding second (Telegram's "about 30 messages per second"). */
  globalPerSecond: number;
  /** Added to every window, for what the network adds between our write and Telegram's count. */
  marginMs: number;
  /** Groups: at least this far apart... */
  groupMinSpacingMs: number;
  /** ...and at most this many in any minute. */
  groupPerMinute: number;
}

export const DEFAULT_WRITE_PACER_OPTIONS: WritePacerOptions = {
  globalPerSecond: 30,
  marginMs: 100,
  groupMinSpacingMs: 1000,
  groupPerMinute: 20,
};

/** A sliding window: at most `limit` entries in any `windowMs`; times are kept oldest first. */
export interface SlidingWindow {
  limit: number;
  windowMs: number;
  times: number[];
}

export function createSlidingWindow(limit: number, windowMs: number): SlidingWindow {
  return { limit: Math.max(1, Math.floor(limit)), windowMs, times: [] };
}

/** Milliseconds until one more entry fits in the window (0: now). Forgets entries that left it. */
export function slidingWindowWaitMs(window: SlidingWindow, now: number): number {
  const { times } = window;
  while (times.length > 0 && times[0]! <= now - window.windowMs) times.shift();
  if (times.length < window.limit) return 0;
  return times[times.length - window.limit]! + window.windowMs - now;
}

export interface WritePacer {
  /**
   * Milliseconds until a write may go (0: now), records nothing. `groupChatId` only for calls that
   * spend a group's message budget; without it only the bot-wide window is asked.
   */
  waitMs(now: number, groupChatId?: number): number;
  /** Records a write at `now` (call it only right after `waitMs` said 0, and write at once). */
  record(now: number, groupChatId?: number): void;
  /** Groups remembered (a group is forgotten once its minute is empty). */
  readonly trackedGroups: number;
}

interface GroupWindows {
  spacing: SlidingWindow;
  minute: SlidingWindow;
}

export function createWritePacer(options: Partial<WritePacerOptions> = {}): WritePacer {
  const resolved = { ...DEFAULT_WRITE_PACER_OPTIONS, ...options };
  const global = createSlidingWindow(resolved.globalPerSecond, 1000 + resolved.marginMs);
  const groups = new Map<number, GroupWindows>();

  function groupFor(chatId: number): GroupWindows {
    let group = groups.get(chatId);
    if (!group) {
      group = {
        spacing: createSlidingWindow(1, resolved.groupMinSpacingMs + resolved.marginMs),
        minute: createSlidingWindow(resolved.groupPerMinute, 60_000 + resolved.marginMs),
      };
      groups.set(chatId, group);
    }
    return group;
  }

  function forgetIdleGroups(now: number): void {
    // Cheap enough: at most one pass per claim over groups, and only when the map has grown.
    if (groups.size < 256) return;
    for (const [chatId, group] of groups) {
      slidingWindowWaitMs(group.minute, now);
      if (group.minute.times.length === 0) groups.delete(chatId);
    }
  }

  return {
    waitMs(now, groupChatId) {
      const group = groupChatId === undefined ? undefined : groups.get(groupChatId);
      return Math.max(
        slidingWindowWaitMs(global, now),
        group ? slidingWindowWaitMs(group.spacing, now) : 0,
        group ? slidingWindowWaitMs(group.minute, now) : 0,
      );
    },
    record(now, groupChatId) {
      const group = groupChatId === undefined ? undefined : groupFor(groupChatId);
      global.times.push(now);
      if (group) {
        group.spacing.times.push(now);
        group.minute.times.push(now);
      }
      forgetIdleGroups(now);
    },
    get trackedGroups() {
      return groups.size;
    },
  };
}
