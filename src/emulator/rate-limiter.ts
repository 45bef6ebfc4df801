import { AsyncLocalStorage } from 'node:async_hooks';
import { tooManyRequests } from './errors.js';

/** A token bucket: up to `burst` calls at once, refilled at `perSecond` calls per second. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

/** Sliding window: at most `max` calls in any `windowMs`, and calls at least `minGapMs` apart. */
export interface WindowLimit {
  max: number;
  windowMs: number;
  minGapMs: number;
}

/**
 * `bucket` (default) forgives bursts as token buckets do; `sliding` counts each scope strictly:
 * never more than `max` calls in any window, counted at the call's arrival time.
 */
export type RateLimitModel = 'bucket' | 'sliding';

/** `null` switches a scope off. */
export interface RateLimits {
  /** Default `bucket`. With `sliding`, the `windows` below are used instead of the buckets. */
  model?: RateLimitModel;
  windows?: { global: WindowLimit | null; privateChat: WindowLimit | null; groupChat: WindowLimit | null };
  /** Every message-like call of the bot (sends, edits, drafts, chat actions, deletes). */
  global: BucketLimit | null;
  /** Each private chat: sends, edits and drafts. */
  privateChat: BucketLimit | null;
  /** Each group or supergroup: sends, edits and drafts. */
  groupChat: BucketLimit | null;
}

export type RateLimitPreset = 'telegram' | 'strict' | 'sliding' | 'none';
export type RateLimitsInput = RateLimits | RateLimitPreset;

export const RATE_LIMIT_PRESETS: Readonly<Record<RateLimitPreset, RateLimits>> = {
  /** The published numbers: 30/s for the bot, about 1/s per private chat (bursts of 3), 20/min per group. */
  telegram: {
    global: { burst: 30, perSecond: 30 },
    privateChat: { burst: 3, perSecond: 1 },
    groupChat: { burst: 20, perSecond: 20 / 60 },
  },
  /** No bursts at all: a call every second per private chat, every 3 s per group. */
  strict: {
    global: { burst: 30, perSecond: 30 },
    privateChat: { burst: 1, perSecond: 1 },
    groupChat: { burst: 1, perSecond: 20 / 60 },
  },
  /**
   * Strict sliding windows: at most 30 calls of the bot in any 1000 ms; per private chat at most 3 in
   * any 3000 ms (1/s with a burst of 3); per group at least 1000 ms apart and at most 20 in any 60 s.
   */
  sliding: {
    model: 'sliding',
    global: { burst: 30, perSecond: 30 },
    privateChat: { burst: 3, perSecond: 1 },
    groupChat: { burst: 20, perSecond: 20 / 60 },
    windows: {
      global: { max: 30, windowMs: 1_000, minGapMs: 0 },
      privateChat: { max: 3, windowMs: 3_000, minGapMs: 0 },
      groupChat: { max: 20, windowMs: 60_000, minGapMs: 1_000 },
    },
  },
  none: { global: null, privateChat: null, groupChat: null },
};

/** 429s the limiter gave, by the scope that was over its limit (holds count for their scope). */
export interface RateLimitStats {
  global: number;
  privateChat: number;
  groupChat: number;
}

export function resolveRateLimits(input: RateLimitsInput | undefined): RateLimits {
  if (input === undefined) return RATE_LIMIT_PRESETS.telegram;
  return typeof input === 'string' ? RATE_LIMIT_PRESETS[input] : input;
}

export type ChatScope = { chatId: number; kind: 'private' | 'group' };

export interface RateLimiter {
  /**
   * Charges one call to the bot and, when given, to the chat; throws a 429 `ApiError` instead when
   * a bucket is empty or a hold is running. An empty bucket starts a hold (the chat's, or the
   * whole bot's) for the announced `retry_after`, during which every call there gets 429.
   */
  take(scope: ChatScope | undefined, options?: { slidingOnly?: boolean }): void;
  /** Runs `fn` with calls charged at `arrivedAt` (the request's arrival) instead of the current time. */
  at<T>(arrivedAt: number, fn: () => T): T;
  /** 429s given since the last reset, by kind. */
  stats(): RateLimitStats;
  /** Starts a hold as a 429 does (injected faults use it). */
  hold(chatId: number | 'global', seconds: number): void;
  /** Milliseconds left on a hold, 0 when none. */
  holdRemainingMs(chatId: number | 'global'): number;
  setLimits(input: RateLimitsInput): void;
  limits(): RateLimits;
  /** Full buckets, no holds. */
  reset(): void;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function createRateLimiter(deps: { now: () => number; limits?: RateLimitsInput }): RateLimiter {
  let limits = resolveRateLimits(deps.limits);
  let globalBucket: Bucket | undefined;
  const chatBuckets = new Map<number, Bucket>();
  const holds = new Map<number | 'global', number>();
  const arrival = new AsyncLocalStorage<number>();
  const windows = new Map<number | 'global', number[]>();
  const chatKinds = new Map<number, ChatScope['kind']>();
  let stats: RateLimitStats = { global: 0, privateChat: 0, groupChat: 0 };

  const count = (key: number | 'global') => {
    if (key === 'global') stats.global++;
    else if (chatKinds.get(key) === 'group') stats.groupChat++;
    else stats.privateChat++;
  };

  /** Requests may be charged slightly out of arrival order (bodies take different times to read). */
  const insertSorted = (times: number[], at: number) => {
    let i = times.length;
    while (i > 0 && (times[i - 1] as number) > at) i--;
    times.splice(i, 0, at);
  };

  /** Seconds until a call fits the window, or 0 when it fits now. */
  const windowWait = (times: number[], limit: WindowLimit, now: number): number => {
    while (times.length > 0 && (times[0] as number) <= now - limit.windowMs) times.shift();
    let waitMs = 0;
    const last = times[times.length - 1];
    if (last !== undefined && now - last < limit.minGapMs) waitMs = limit.minGapMs - (now - last);
    if (times.length >= limit.max) {
      waitMs = Math.max(waitMs, (times[times.length - limit.max] as number) + limit.windowMs - now);
    }
    return waitMs <= 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  };

  const takeSliding = (scope: ChatScope | undefined, now: number) => {
    const w = limits.windows;
    if (w === undefined) return;
    const chatLimit = scope === undefined ? null : scope.kind === 'private' ? w.privateChat : w.groupChat;
    const chatTimes = scope === undefined ? undefined : (windows.get(scope.chatId) ?? []);
    if (scope !== undefined && chatLimit !== null && chatTimes !== undefined) {
      const seconds = windowWait(chatTimes, chatLimit, now);
      if (seconds > 0) {
        count(scope.chatId);
        throw tooManyRequests(seconds);
      }
    }
    const globalTimes = windows.get('global') ?? [];
    if (w.global !== null) {
      const seconds = windowWait(globalTimes, w.global, now);
      if (seconds > 0) {
        count('global');
        throw tooManyRequests(seconds);
      }
      insertSorted(globalTimes, now);
      windows.set('global', globalTimes);
    }
    if (scope !== undefined && chatLimit !== null && chatTimes !== undefined) {
      insertSorted(chatTimes, now);
      windows.set(scope.chatId, chatTimes);
    }
  };

  const refill = (bucket: Bucket | undefined, limit: BucketLimit, now: number): Bucket => {
    if (bucket === undefined) return { tokens: limit.burst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsed * limit.perSecond);
    bucket.updatedAt = now;
    return bucket;
  };

  const secondsUntilToken = (bucket: Bucket, limit: BucketLimit) =>
    Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));

  const checkHold = (key: number | 'global', now: number) => {
    const until = holds.get(key);
    if (until === undefined) return;
    if (until <= now) {
      holds.delete(key);
      return;
    }
    count(key);
    throw tooManyRequests(Math.max(1, Math.ceil((until - now) / 1000)));
  };

  const startHold = (key: number | 'global', seconds: number, now: number) => {
    holds.set(key, Math.max(holds.get(key) ?? 0, now + seconds * 1000));
  };

  return {
    take(scope, options) {
      // The bucket model predates counting callback answers; it keeps its looser accounting.
      if (options?.slidingOnly === true && limits.model !== 'sliding') return;
      const now = arrival.getStore() ?? deps.now();
      if (scope !== undefined) chatKinds.set(scope.chatId, scope.kind);
      checkHold('global', now);
      if (scope !== undefined) checkHold(scope.chatId, now);
      if (limits.model === 'sliding') {
        takeSliding(scope, now);
        return;
      }

      const chatLimit =
        scope === undefined ? null : scope.kind === 'private' ? limits.privateChat : limits.groupChat;
      let chatBucket: Bucket | undefined;
      if (scope !== undefined && chatLimit !== null) {
        chatBucket = refill(chatBuckets.get(scope.chatId), chatLimit, now);
        chatBuckets.set(scope.chatId, chatBucket);
        if (chatBucket.tokens < 1) {
          const seconds = secondsUntilToken(chatBucket, chatLimit);
          startHold(scope.chatId, seconds, now);
          count(scope.chatId);
          throw tooManyRequests(seconds);
        }
      }
      if (limits.global !== null) {
        globalBucket = refill(globalBucket, limits.global, now);
        if (globalBucket.tokens < 1) {
          const seconds = secondsUntilToken(globalBucket, limits.global);
          startHold('global', seconds, now);
          count('global');
          throw tooManyRequests(seconds);
        }
        globalBucket.tokens -= 1;
      }
      if (chatBucket !== undefined) chatBucket.tokens -= 1;
    },
    hold(chatId, seconds) {
      startHold(chatId, seconds, deps.now());
    },
    holdRemainingMs(chatId) {
      const until = holds.get(chatId);
      return until === undefined ? 0 : Math.max(0, until - deps.now());
    },
    setLimits(input) {
      limits = resolveRateLimits(input);
      this.reset();
    },
    limits: () => limits,
    stats: () => ({ ...stats }),
    at: (arrivedAt, fn) => arrival.run(arrivedAt, fn),
    reset() {
      globalBucket = undefined;
      windows.clear();
      chatKinds.clear();
      stats = { global: 0, privateChat: 0, groupChat: 0 };
      chatBuckets.clear();
      holds.clear();
    },
  };
}
