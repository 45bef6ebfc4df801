/**
 * The last word on Telegram's limits, applied at the moment a request is written, not when the rate
 * gate grants it. Why a second check: the gate grants calls on the event loop, and a loop busy with
 * SDK parsing and rendering sends granted calls late and bunched, so Telegram could see more than
 * `globalPerSecond` calls in one second although the gate granted them evenly. Here the check and the
 * write happen in the same synchronous step (see paced-fetch.ts), so no loop delay sits between them.
 *
 * When does a call leave a window? Telegram counts a call when it arrives, somewhere between our
 * write and its answer; the network (or, against the local emulator, a busy loop reading requests)
 * can delay one arrival more than a later one. So a call occupies its windows from its write until
 * `windowMs` after its answer came back (answers always follow arrivals): then the window Telegram
 * counts can never hold more than the limit, whatever the jitter. The price is one round trip per
 * window (a few ms locally, tens of ms over the internet); `marginMs` adds more if ever wanted.
 *
 * Private chats: Telegram allows "about one message per second, short bursts tolerated". The gate's
 * token bucket (a burst of 2, one more per second) lets 4 calls into 2 s, which a strict counter of
 * 3 in any 3 s (the emulator's `sliding` preset) refuses. Here a private chat gets at most
 * `privatePerWindow` calls in any `privateWindowMs`: the burst is spent once, then the chat goes at
 * its steady rate. Drafts count like sends; they are frames of the same budget.
 *
 * Plain data and an explicit clock: `waitMs` asks, `record` counts a write at `now` and returns the
 * function that settles it when its answer arrives.
 */
export interface WritePacerOptions {
  /** Calls the bot may make in any sliding second (Telegram's "about 30 messages per second"). */
  globalPerSecond: number;
  /** Added to every window, on top of the round trip already counted. */
  marginMs: number;
  /** Groups: at least this far apart... */
  groupMinSpacingMs: number;
  /** ...and at most this many in any minute. */
  groupPerMinute: number;
  /** Private chats: at most this many calls... */
  privatePerWindow: number;
  /** ...in any window of this length. */
  privateWindowMs: number;
}

export const DEFAULT_WRITE_PACER_OPTIONS: WritePacerOptions = {
  globalPerSecond: 30,
  marginMs: 0,
  groupMinSpacingMs: 1000,
  groupPerMinute: 20,
  privatePerWindow: 3,
  privateWindowMs: 3000,
};

/**
 * A sliding window: at most `limit` entries in any `windowMs`. `times` are the settled entries
 * (answered at that time), oldest first; `inFlight` entries are written but not answered yet, and
 * occupy the window until they are.
 */
export interface SlidingWindow {
  limit: number;
  windowMs: number;
  times: number[];
  inFlight: number;
}

export function createSlidingWindow(limit: number, windowMs: number): SlidingWindow {
  return { limit: Math.max(1, Math.floor(limit)), windowMs, times: [], inFlight: 0 };
}

/**
 * Milliseconds until one more entry fits in the window (0: now; Infinity: not before an entry in
 * flight is answered). Forgets entries that left it.
 */
export function slidingWindowWaitMs(window: SlidingWindow, now: number): number {
  const { times } = window;
  while (times.length > 0 && times[0]! <= now - window.windowMs) times.shift();
  const excess = times.length + window.inFlight - window.limit + 1;
  if (excess <= 0) return 0;
  if (excess > times.length) return Number.POSITIVE_INFINITY;
  return times[excess - 1]! + window.windowMs - now;
}

/** Moves one entry from in flight to settled at `at` (answers may come back out of order). */
export function settleSlidingWindow(window: SlidingWindow, at: number): void {
  window.inFlight = Math.max(0, window.inFlight - 1);
  let index = window.times.length;
  while (index > 0 && window.times[index - 1]! > at) index--;
  window.times.splice(index, 0, at);
}

export interface WritePacer {
  /**
   * Milliseconds until a write may go (0: now; Infinity: when an answer comes back), records nothing.
   * `chatId` only for calls that spend a chat's message budget (negative: a group, positive: a
   * private chat); without it only the bot-wide window is asked.
   */
  waitMs(now: number, chatId?: number): number;
  /**
   * Records a write at `now` (call it only right after `waitMs` said 0, and write at once). Call the
   * returned function once, with the time the answer (or the failure) came back.
   */
  record(now: number, chatId?: number): (answeredAt: number) => void;
  /**
   * Whether a write to the chat still counts in one of its windows at `now` (written, or answered
   * less than the longest window ago): another process taking the chat over would not know of it.
   */
  remembers(chatId: number, now: number): boolean;
  /** Chats remembered (a chat is forgotten once its longest window is empty). */
  readonly trackedChats: number;
}

/** A chat's windows, all of which must have room; the last one is the longest. */
type ChatWindows = SlidingWindow[];

/** Telegram gives groups (and channels) negative ids, users' private chats positive ones. */
export const isGroupId = (chatId: number) => chatId < 0;

export function createWritePacer(options: Partial<WritePacerOptions> = {}): WritePacer {
  const resolved = { ...DEFAULT_WRITE_PACER_OPTIONS, ...options };
  const margin = resolved.marginMs;
  const global = createSlidingWindow(resolved.globalPerSecond, 1000 + margin);
  const chats = new Map<number, ChatWindows>();

  function windowsFor(chatId: number): ChatWindows {
    let windows = chats.get(chatId);
    if (!windows) {
      windows = isGroupId(chatId)
        ? [
            createSlidingWindow(1, resolved.groupMinSpacingMs + margin),
            createSlidingWindow(resolved.groupPerMinute, 60_000 + margin),
          ]
        : [createSlidingWindow(resolved.privatePerWindow, resolved.privateWindowMs + margin)];
      chats.set(chatId, windows);
    }
    return windows;
  }

  function forgetIdleChats(now: number): void {
    // Cheap enough: at most one pass per write, and only when the map has grown.
    if (chats.size < 256) return;
    for (const [chatId, windows] of chats) {
      const longest = windows.at(-1)!;
      slidingWindowWaitMs(longest, now);
      if (longest.times.length === 0 && longest.inFlight === 0) chats.delete(chatId);
    }
  }

  return {
    waitMs(now, chatId) {
      let wait = slidingWindowWaitMs(global, now);
      const windows = chatId === undefined ? undefined : chats.get(chatId);
      for (const window of windows ?? []) wait = Math.max(wait, slidingWindowWaitMs(window, now));
      return wait;
    },
    record(now, chatId) {
      const windows = [global, ...(chatId === undefined ? [] : windowsFor(chatId))];
      for (const window of windows) window.inFlight += 1;
      forgetIdleChats(now);
      let settled = false;
      return (answeredAt) => {
        if (settled) return;
        settled = true;
        for (const window of windows) settleSlidingWindow(window, answeredAt);
      };
    },
    remembers(chatId, now) {
      const longest = chats.get(chatId)?.at(-1);
      if (longest === undefined) return false;
      slidingWindowWaitMs(longest, now);
      return longest.times.length > 0 || longest.inFlight > 0;
    },
    get trackedChats() {
      return chats.size;
    },
  };
}
