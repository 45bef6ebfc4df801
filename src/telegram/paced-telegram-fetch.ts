import type { Config } from '../config.js';
import { createNodeHttpFetch } from '../providers/node-http-fetch.js';
import type { WriteBudget } from '../shared-budget/failover-write-budget.js';
import type { WriteLimits } from '../shared-budget/write-limits.js';
import type { GateOptionsInput } from '../streaming/delivery/options.js';
import { createPacedFetch } from '../streaming/delivery/paced-fetch.js';
import { systemTimers } from '../streaming/delivery/system-timers.js';
import {
  DEFAULT_WRITE_PACER_OPTIONS,
  type WritePacer,
  type WritePacerOptions,
} from '../streaming/delivery/write-pacer.js';

type TelegramBudgets = Config['telegramBudgets'];

/** Telegram tolerates short bursts in a private chat; this is the window they are counted over. */
const PRIVATE_WINDOW_MS = 3000;

/**
 * What one call adds to each window it is counted in: the pacer frees a call's place a window after
 * its answer, so every window is longer by the round trip. 100 ms is a typical one to Telegram's
 * servers. A lone instance's gate starts from it and then follows the round trip it measures
 * (round-trip-estimate.ts); the windows shared through Redis keep it fixed.
 */
export const ROUND_TRIP_ALLOWANCE_MS = 100;

/** The bot-wide rate the pacer really lets out: `perSecond` calls per (1 s + round trip), rounded down. */
export function gatePerSecond(perSecond: number, roundTripMs = ROUND_TRIP_ALLOWANCE_MS): number {
  return Math.max(1, Math.floor((perSecond * 1000) / (1000 + roundTripMs)));
}

/**
 * The write pacer's windows from the configured budgets. A private chat gets its steady rate's worth
 * of calls in any 3 s (or its burst, when larger): at 1 per second with a burst of 2, that is 3 in
 * any 3 s, the strictest reading of "about one a second, short bursts tolerated".
 */
export function writePacerOptionsFor(budgets: TelegramBudgets): Partial<WritePacerOptions> {
  const { group, private: privateBudget } = budgets;
  return {
    globalPerSecond: budgets.globalPerSecond,
    groupMinSpacingMs: group.minSpacingMs,
    groupPerMinute: group.burst + Math.floor(60_000 / group.refillMs),
    privatePerWindow: Math.max(privateBudget.burst, Math.round(PRIVATE_WINDOW_MS / privateBudget.refillMs)),
    privateWindowMs: PRIVATE_WINDOW_MS,
  };
}

/**
 * The gate's budgets: no faster than the pacer lets calls out (its windows are longer by the round
 * trip), so calls wait in the gate, where a newer frame replaces an older one, not in the pacer.
 */
export function gateBudgetsFor(budgets: TelegramBudgets): GateOptionsInput {
  const pacer = { ...DEFAULT_WRITE_PACER_OPTIONS, ...writePacerOptionsFor(budgets) };
  const slack = pacer.marginMs + ROUND_TRIP_ALLOWANCE_MS;
  return {
    ...budgets,
    globalPerSecond: gatePerSecond(budgets.globalPerSecond, slack),
    private: {
      ...budgets.private,
      // The pacer's window, on the gate's side: frames wait here (latest wins), not at the socket.
      window: { limit: pacer.privatePerWindow, windowMs: pacer.privateWindowMs + slack },
    },
  };
}

/**
 * The pacer's windows for the budget shared through Redis. There a call counts from its claim (at
 * Redis's clock) and, once answered, from its answer (see SETTLE_SCRIPT), so a call that arrived
 * late still keeps a whole window free after it. Each window is longer by the round-trip allowance
 * the gate already leaves: it covers the moment between an answer and its settle reaching Redis.
 * Measured with two instances on one Redis, the event loop half busy: requests reached the emulator
 * up to ~100 ms after they were written (p50 1 ms), with no 429 and at most 30 in any second.
 */
export function sharedWriteLimits(options: Partial<WritePacerOptions> = {}): WriteLimits {
  const pacer = { ...DEFAULT_WRITE_PACER_OPTIONS, ...options };
  const slack = pacer.marginMs + ROUND_TRIP_ALLOWANCE_MS;
  return {
    bot: [{ limit: pacer.globalPerSecond, windowMs: 1000 + slack }],
    group: [
      { limit: 1, windowMs: pacer.groupMinSpacingMs + slack },
      { limit: pacer.groupPerMinute, windowMs: 60_000 + slack },
    ],
    private: [{ limit: pacer.privatePerWindow, windowMs: pacer.privateWindowMs + slack }],
  };
}

/**
 * The one `fetch` every Bot API client of the process uses (bot.api and the engine's), so a single
 * pacer sees every call. JSON calls go over node:http, whose request is written in the same step as
 * the pacer's check (undici would queue the write for a later loop round); multipart uploads (a
 * stream body grammY builds) go over Node's fetch, still paced.
 */
export function createPacedTelegramFetch(
  pacer: WritePacer,
  extras: {
    /** With `REDIS_URL`: the budget every instance claims from, and where 429 holds go. */
    shared?: {
      budget: WriteBudget;
      onRateLimited: (chatId: number | undefined, retryAfterMs: number) => void;
    };
    onRoundTrip?: (ms: number) => void;
  } = {},
): typeof fetch {
  const { shared, onRoundTrip } = extras;
  const overHttp = createNodeHttpFetch();
  const base: typeof fetch = (input, init) =>
    init?.body === undefined || typeof init.body === 'string'
      ? overHttp(input, init)
      : fetch(input, { ...init, duplex: 'half' } as RequestInit);
  return createPacedFetch({
    pacer,
    base,
    timers: systemTimers,
    ...(shared ? { shared: shared.budget, onRateLimited: shared.onRateLimited } : {}),
    ...(onRoundTrip ? { onRoundTrip } : {}),
  });
}
