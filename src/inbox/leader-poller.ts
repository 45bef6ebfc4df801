import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import { LEADER_LOCK_KEY, LEADER_LOCK_NAMESPACE } from './lock-keys.js';
import { type LockSession, openLockSession } from './lock-session.js';

export interface LeaderPollerDeps {
  url: string;
  instanceId: string;
  api: Pick<Api, 'getUpdates'>;
  /** Stores a batch durably; the offset moves on (acknowledging it to Telegram) only after. */
  store(updates: readonly Update[]): Promise<void>;
  allowedUpdates: readonly string[];
  logger: Logger;
  /** How often a follower tries the leader lock; default 2000 ms. */
  retryMs?: number;
  /** Long-poll timeout of getUpdates; default 25 s (stopping aborts it at once). */
  pollTimeoutSeconds?: number;
}

export interface LeaderPoller {
  start(): void;
  /** Whether this instance is polling now. */
  isLeader(): boolean;
  /** Stops polling (aborting the long poll) and frees the leader lock for another instance. */
  stop(): Promise<void>;
}

/**
 * Long polling with several instances: exactly one polls, the holder of a session advisory lock on
 * a dedicated connection; the others try it every couple of seconds. Losing that connection stops
 * polling at once (PostgreSQL freed the lock; another instance may poll already).
 */
export function createLeaderPoller(deps: LeaderPollerDeps): LeaderPoller {
  const { logger } = deps;
  const retryMs = deps.retryMs ?? 2000;
  let session: LockSession | undefined;
  let stopped = false;
  let leading = false;
  let poll: AbortController | undefined;
  let wakeSleep: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function openSession(): Promise<LockSession | undefined> {
    try {
      const opened: LockSession = await openLockSession({
        url: deps.url,
        applicationName: `streamgram-leader-${deps.instanceId}`,
        onLost: (error) => {
          if (session !== opened) return;
          session = undefined;
          if (leading) logger.warn({ err: error }, 'leader lock connection lost: polling stopped');
          poll?.abort();
          void opened.close();
        },
      });
      session = opened;
      return opened;
    } catch (error) {
      logger.debug({ err: error }, 'cannot open the leader lock connection');
      return undefined;
    }
  }

  async function pollAsLeader(lock: LockSession): Promise<void> {
    let offset: number | undefined;
    let failures = 0;
    while (!stopped && session === lock) {
      poll = new AbortController();
      try {
        const updates = await deps.api.getUpdates(
          {
            ...(offset === undefined ? {} : { offset }),
            timeout: deps.pollTimeoutSeconds ?? 25,
            allowed_updates: [...deps.allowedUpdates] as never,
          },
          poll.signal as Parameters<Api['getUpdates']>[1],
        );
        if (updates.length === 0 || stopped || session !== lock) continue;
        // Not stored: the offset stays, and Telegram sends the batch again on the next call.
        await deps.store(updates);
        offset = (updates.at(-1)?.update_id ?? 0) + 1;
        failures = 0;
      } catch (error) {
        if (stopped || session !== lock) return;
        if (failures++ === 0) logger.warn({ err: error }, 'polling failed; retrying every second');
        await sleep(1000);
      }
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      const lock = session ?? (await openSession());
      let won = false;
      if (lock !== undefined)
        won = await lock.tryLock(LEADER_LOCK_NAMESPACE, LEADER_LOCK_KEY).catch(() => false);
      if (!won || lock === undefined) {
        if (!stopped) await sleep(retryMs);
        continue;
      }
      leading = true;
      logger.info('this instance is the leader: polling Telegram for updates');
      try {
        await pollAsLeader(lock);
      } finally {
        leading = false;
      }
      if (!stopped && session === lock)
        await lock.unlock(LEADER_LOCK_NAMESPACE, LEADER_LOCK_KEY).catch(() => undefined);
    }
  }

  return {
    start() {
      loop ??= run().catch((error: unknown) => logger.error({ err: error }, 'leader loop failed'));
    },
    isLeader: () => leading,
    async stop() {
      stopped = true;
      poll?.abort();
      wakeSleep?.();
      await loop;
      const current = session;
      session = undefined;
      await current?.close();
    },
  };
}
