import type { Redis } from 'ioredis';
import { runScript } from './run-script.js';

/**
 * Each instance says "alive" every few seconds; the count of those heard from recently tells an
 * instance cut off from Redis how small its share of the budget must be.
 */
const PRESENCE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return redis.call('ZCARD', KEYS[1])
`;

export interface InstancePresence {
  /** Says this instance is alive and returns how many instances are (this one included). */
  beat(): Promise<number>;
  /** Forgets this instance at once (graceful shutdown), so the others' share grows back. */
  leave(): Promise<void>;
}

export function createInstancePresence(deps: {
  redis: Redis;
  prefix: string;
  instanceId: string;
  /** An instance not heard from for this long counts as gone. */
  forgetAfterMs: number;
}): InstancePresence {
  const { redis, instanceId, forgetAfterMs } = deps;
  const key = `${deps.prefix}instances`;
  return {
    async beat() {
      return Number(await runScript(redis, PRESENCE_SCRIPT, [key], [instanceId, forgetAfterMs]));
    },
    async leave() {
      await redis.zrem(key, instanceId);
    },
  };
}
