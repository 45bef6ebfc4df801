import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { shareRateGate } from '../shared-budget/share-gate.js';
import type { RateGate } from '../streaming/delivery/gate-types.js';
import { createRateGate } from '../streaming/delivery/rate-gate.js';
import { createRoundTripEstimate } from '../streaming/delivery/round-trip-estimate.js';
import { systemTimers } from '../streaming/delivery/system-timers.js';
import { createWritePacer } from '../streaming/delivery/write-pacer.js';
import {
  createPacedTelegramFetch,
  gateBudgetsFor,
  gatePerSecond,
  ROUND_TRIP_ALLOWANCE_MS,
  sharedWriteLimits,
  writePacerOptionsFor,
} from './paced-telegram-fetch.js';

/** What decides when a Bot API call may go: the gate (which frame, when) and the paced fetch (the socket). */
export interface TelegramBudget {
  /** The one `fetch` of every Bot API client of the process. */
  fetch: typeof fetch;
  gate: RateGate;
  /**
   * Whether this process wrote to the chat within the chat's longest window: the inbox keeps such a
   * chat here, because another instance could not see those writes while Redis is away.
   */
  wroteRecently(chatId: number): boolean;
  /** For /healthz: how the budget is kept with `REDIS_URL`; undefined without it. */
  redisState(): 'shared' | 'local share' | undefined;
  /** Closes the gate, then leaves the instance list and closes Redis. */
  close(): Promise<void>;
}

/**
 * One budget for everything the bot sends: streamed answers (through the engine, on an API client of
 * their own) and command replies (through bot.api, which waits for the same gate). Every call is
 * counted when it is written, by one pacer (issue 10); with `REDIS_URL` it is also claimed from the
 * budget every instance of the bot shares, and each instance's gate grants its 1/N share (issue 14).
 */
export async function startTelegramBudget(
  config: Pick<Config, 'telegram' | 'telegramBudgets' | 'redisUrl' | 'instanceId'>,
  logger: Logger,
): Promise<TelegramBudget> {
  const budgets = config.telegramBudgets;
  const pacerOptions = writePacerOptionsFor(budgets);
  const shared = config.redisUrl
    ? // ioredis is loaded only with REDIS_URL: one instance alone does not pay for it.
      await (await import('../shared-budget/start-shared-budget.js')).startSharedBudget({
        url: config.redisUrl,
        instanceId: config.instanceId,
        // The bot's id (public, unlike the token): two bots on one Redis never share a budget.
        botId: config.telegram.token.split(':')[0]!,
        limits: sharedWriteLimits(pacerOptions),
        logger: logger.child({ component: 'shared-budget' }),
      })
    : undefined;
  // The gate grants no faster than the pacer lets calls out (a call keeps its place until a window
  // after its answer), so calls wait in the gate, where a newer frame replaces an older one, not in
  // the pacer's queue. Alone, the gate follows the round trip it measures; shared, the Redis windows
  // are longer by a fixed allowance (sharedWriteLimits), and so is the gate's spacing.
  const pacer = createWritePacer(pacerOptions);
  let gate: RateGate;
  let fetch: typeof globalThis.fetch;
  if (shared) {
    gate = shareRateGate(createRateGate({ options: gateBudgetsFor(budgets) }), {
      perSecond: gatePerSecond(budgets.globalPerSecond),
      instances: () => shared.budget.instances,
    });
    fetch = createPacedTelegramFetch(pacer, {
      shared: { budget: shared.budget, onRateLimited: shared.onRateLimited },
    });
  } else {
    const roundTrip = createRoundTripEstimate(ROUND_TRIP_ALLOWANCE_MS);
    gate = createRateGate({
      options: { ...gateBudgetsFor(budgets), globalPerSecond: budgets.globalPerSecond },
      spacingMs: () => (1000 + (pacerOptions.marginMs ?? 0) + roundTrip.ms) / budgets.globalPerSecond,
    });
    fetch = createPacedTelegramFetch(pacer, { onRoundTrip: (ms) => roundTrip.add(ms) });
  }
  return {
    fetch,
    gate,
    wroteRecently: (chatId) => pacer.remembers(chatId, systemTimers.now()),
    redisState: () => (shared ? (shared.budget.mode === 'shared' ? 'shared' : 'local share') : undefined),
    async close() {
      await gate.close();
      await shared?.close();
    },
  };
}
