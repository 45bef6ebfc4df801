import type { WriteLimits, WriteTarget, WriteWait } from './write-limits.js';
import { shareOf } from './write-limits.js';

/** The budget a paced fetch asks before each write; answers may come at once or from Redis. */
export interface WriteBudget {
  claim(target: WriteTarget | undefined): WriteWait | Promise<WriteWait>;
  hold(chatId: number | undefined, ms: number): void | Promise<void>;
}

export interface FailoverLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface FailoverWriteBudget extends WriteBudget {
  /** 'shared' while Redis answers; 'local' while this instance makes do with its share. */
  readonly mode: 'shared' | 'local';
  /** Live instances at the last heartbeat that reached Redis (this one included). */
  readonly instances: number;
  /** Stops the heartbeat and leaves the instance list. */
  close(): Promise<void>;
}

/**
 * The shared budget while Redis answers; a local budget of `limit / live instances` when it does
 * not, so the instances together still stay under the bot's limit without talking to each other.
 * Redis is tried again with every heartbeat, and the shared budget resumes as soon as it answers.
 * One log line when Redis is lost and one when it is back, however many calls fail in between.
 */
export function createFailoverWriteBudget(deps: {
  shared: WriteBudget;
  /**
   * A fresh local budget for the given limits (in-process sliding windows), its bot-wide windows
   * full when `startFull` (see local-write-budget.ts). It needs no holds: each instance's rate gate
   * already holds what a 429 told it; only other instances' 429s go unheard.
   */
  local: (limits: WriteLimits, options: { startFull: boolean }) => Pick<WriteBudget, 'claim'>;
  limits: WriteLimits;
  presence: { beat(): Promise<number>; leave(): Promise<void> };
  heartbeatMs: number;
  logger: FailoverLogger;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  now?: () => number;
}): FailoverWriteBudget {
  const { shared, limits, presence, logger } = deps;
  const every = deps.setInterval ?? ((callback, ms) => setInterval(callback, ms).unref());
  const stopEvery = deps.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
  const now = deps.now ?? Date.now;
  let mode: 'shared' | 'local' = 'shared';
  let instances = 1;
  let local = deps.local(shareOf(limits, instances), { startFull: false });
  /**
   * Back on the shared budget, the local share keeps applying too until this time. The others
   * notice Redis is back at their own next heartbeat (and reconnect), and their local writes meanwhile
   * are not in Redis's windows; until those have left the windows, the shares add up to the limit.
   */
  let rejoinUntil = 0;
  const rejoinMs = 3 * deps.heartbeatMs + Math.max(0, ...limits.bot.map((spec) => spec.windowMs));

  function goLocal(error: unknown): void {
    if (mode === 'local') return;
    mode = 'local';
    // Full at first: Redis counted the calls of the last window, which this instance cannot see now.
    local = deps.local(shareOf(limits, instances), { startFull: true });
    logger.warn(
      { instances, error: error instanceof Error ? error.message : String(error) },
      `Redis unreachable: this instance now keeps to 1/${instances} of the bot-wide rate budget until it is back`,
    );
  }

  async function heartbeat(): Promise<void> {
    try {
      instances = Math.max(1, await presence.beat());
      if (mode === 'local') {
        mode = 'shared';
        rejoinUntil = now() + rejoinMs;
        logger.info({ instances }, 'Redis is back: the shared rate budget is used again');
      }
    } catch (error) {
      goLocal(error);
    }
  }

  const timer = every(() => void heartbeat(), deps.heartbeatMs);
  void heartbeat();

  return {
    get mode() {
      return mode;
    },
    get instances() {
      return instances;
    },
    async claim(target) {
      if (mode === 'shared') {
        try {
          if (now() < rejoinUntil) {
            // A yes here that Redis then refuses leaves a place spent locally: on the safe side.
            const localWait = await local.claim(target);
            if (localWait.botWaitMs > 0 || localWait.chatWaitMs > 0) return localWait;
          }
          return await shared.claim(target);
        } catch (error) {
          goLocal(error);
        }
      }
      return local.claim(target);
    },
    async hold(chatId, ms) {
      if (mode === 'shared') {
        try {
          await shared.hold(chatId, ms);
        } catch (error) {
          goLocal(error);
        }
      }
    },
    async close() {
      stopEvery(timer);
      await presence.leave().catch(() => {});
    },
  };
}
