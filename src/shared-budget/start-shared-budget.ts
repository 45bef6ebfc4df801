import { randomBytes } from 'node:crypto';
import { decideGlobalHold, type RecentRateLimit } from '../streaming/delivery/gate-decisions.js';
import { connectRedis } from './connect-redis.js';
import {
  createFailoverWriteBudget,
  type FailoverLogger,
  type FailoverWriteBudget,
} from './failover-write-budget.js';
import { createInstancePresence } from './instance-presence.js';
import { createLocalWriteBudget } from './local-write-budget.js';
import { createRedisWriteBudget } from './redis-write-budget.js';
import type { WriteLimits } from './write-limits.js';

/** How often an instance says it is alive, and how long after its last word it counts as gone. */
const HEARTBEAT_MS = 1000;
const FORGET_AFTER_MS = 5000;
/** Like the rate gate: 429s in this many chats within a second mean the whole bot is over its limit. */
const GLOBAL_HOLD = { globalHoldAfterChats: 3, globalHoldWindowMs: 1000 };

export interface SharedBudget {
  readonly budget: FailoverWriteBudget;
  /** A 429 seen by this instance: the chat (or the whole bot) is held in Redis for every instance. */
  onRateLimited(chatId: number | undefined, retryAfterMs: number): void;
  /** Stops the heartbeat, leaves the instance list and closes the Redis connection. */
  close(): Promise<void>;
}

/**
 * The bot's Telegram budget shared by every instance through Redis (`REDIS_URL`), keyed by the bot's
 * id, so two bots on one Redis never share a budget. Starts even when Redis is unreachable: the
 * failover budget then keeps to a local share and logs one line, and Redis is retried in the background.
 */
export async function startSharedBudget(deps: {
  url: string;
  instanceId: string;
  /** The bot's numeric id (the token's first part; public, unlike the token). */
  botId: string;
  limits: WriteLimits;
  logger: FailoverLogger;
  heartbeatMs?: number;
  forgetAfterMs?: number;
}): Promise<SharedBudget> {
  const { instanceId, limits } = deps;
  // The connection's own error says what is wrong ("connect ECONNREFUSED 10.0.0.5:6379"); a command
  // refused meanwhile only says the stream is closed. Its message names host and port, not the URL.
  let connectionError = 'not connected';
  const redis = await connectRedis(deps.url, (error) => {
    connectionError = error.message;
  });
  const explained = async <T>(command: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') throw new Error(`Redis ${redis.status}: ${connectionError}`);
    return command();
  };
  // The hash tag keeps every key of the bot in one Redis Cluster slot (one script touches several).
  const prefix = `streamgram:{${deps.botId}}:`;
  // A random part too: two processes given the same INSTANCE_ID by mistake must still not overwrite
  // each other's entries in the windows (which would undercount).
  const redisBudget = createRedisWriteBudget({
    redis,
    prefix,
    limits,
    instanceId: `${instanceId}/${randomBytes(4).toString('hex')}`,
  });
  const presence = createInstancePresence({
    redis,
    prefix,
    instanceId,
    forgetAfterMs: deps.forgetAfterMs ?? FORGET_AFTER_MS,
  });
  const budget = createFailoverWriteBudget({
    shared: {
      claim: (target) => explained(() => redisBudget.claim(target)),
      hold: (chatId, ms) => explained(() => redisBudget.hold(chatId, ms)),
    },
    local: (share, options) => createLocalWriteBudget(share, Date.now, options),
    limits,
    presence: { beat: () => explained(() => presence.beat()), leave: () => presence.leave() },
    heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
    logger: deps.logger,
  });
  let recent: RecentRateLimit[] = [];

  return {
    budget,
    onRateLimited(chatId, retryAfterMs) {
      if (chatId === undefined) {
        void budget.hold(undefined, retryAfterMs);
        return;
      }
      void budget.hold(chatId, retryAfterMs);
      const at = Date.now();
      const decision = decideGlobalHold(recent, { chatId, at, until: at + retryAfterMs }, GLOBAL_HOLD);
      recent = decision.recent;
      if (decision.holdUntil !== undefined) void budget.hold(undefined, decision.holdUntil - at);
    },
    async close() {
      await budget.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
