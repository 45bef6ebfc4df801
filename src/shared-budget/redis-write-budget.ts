import type { Redis } from 'ioredis';
import { runScript } from './run-script.js';
import { HOLD_SCRIPT, SETTLE_SCRIPT, SLIDING_WINDOW_SCRIPT } from './sliding-window-script.js';
import type { WindowSpec, WriteLimits, WriteTarget, WriteWait } from './write-limits.js';

/**
 * Longer than the paced fetch's stall time (10 s), after which a live instance settles a write that
 * got no answer: only a dead instance's writes ever reach it.
 */
const IN_FLIGHT_LEASE_MS = 15_000;

/** The bot's write budget kept in Redis, shared by every instance that names the same `prefix`. */
export interface RedisWriteBudget {
  /**
   * Asks for one write now; a zero wait means it was counted and must be written at once, and its
   * `settle` called when the answer comes back (the write then counts from there, see SETTLE_SCRIPT).
   */
  claim(target: WriteTarget | undefined): Promise<WriteWait>;
  /** Holds the whole bot (no chat) or one chat for `ms`, as a 429's `retry_after` asks. */
  hold(chatId: number | undefined, ms: number): Promise<void>;
}

export function createRedisWriteBudget(deps: {
  redis: Redis;
  /** Key prefix for this bot, e.g. `streamgram:{123456}:`; the braces keep every key in one cluster slot. */
  prefix: string;
  limits: WriteLimits;
  /** Tells this instance's writes apart from others' recorded in the same millisecond. */
  instanceId: string;
  /** How long an unanswered write keeps its place (see SLIDING_WINDOW_SCRIPT); default 15 s. */
  inFlightLeaseMs?: number;
}): RedisWriteBudget {
  const { redis, prefix, limits, instanceId } = deps;
  const leaseMs = deps.inFlightLeaseMs ?? IN_FLIGHT_LEASE_MS;
  let sequence = 0;
  const holdKey = (chatId: number | undefined) => `${prefix}hold:${chatId ?? 'bot'}`;
  const windowKeys = (scope: string, specs: WindowSpec[]) =>
    specs.map((_, index) => `${prefix}w:${scope}:${index}`);
  const windowArgs = (specs: WindowSpec[]) => specs.flatMap((spec) => [spec.limit, spec.windowMs]);

  return {
    async claim(target) {
      const chatSpecs = target ? limits[target.kind] : [];
      const keys = [
        ...windowKeys('bot', limits.bot),
        ...(target ? windowKeys(String(target.chatId), chatSpecs) : []),
        holdKey(undefined),
        ...(target ? [holdKey(target.chatId)] : []),
      ];
      sequence = (sequence + 1) % 1_000_000_000;
      const args = [
        limits.bot.length + chatSpecs.length,
        chatSpecs.length,
        `${instanceId}:${sequence}`,
        leaseMs,
        ...windowArgs(limits.bot),
        ...windowArgs(chatSpecs),
      ];
      const [botWaitMs, chatWaitMs, member] = (await runScript(redis, SLIDING_WINDOW_SCRIPT, keys, args)) as [
        number,
        number,
        string | undefined,
      ];
      if (member === undefined) return { botWaitMs, chatWaitMs };
      const windows = [...limits.bot, ...chatSpecs];
      const recorded = keys.slice(0, windows.length);
      const spans = windows.map((spec) => spec.windowMs);
      const settle = () => {
        // Best effort: a settle lost with Redis leaves the write in flight until its lease ends.
        runScript(redis, SETTLE_SCRIPT, recorded, [member, ...spans]).catch(() => {});
      };
      return { botWaitMs, chatWaitMs, settle };
    },
    async hold(chatId, ms) {
      await runScript(redis, HOLD_SCRIPT, [holdKey(chatId)], [Math.max(1, Math.ceil(ms))]);
    },
  };
}
