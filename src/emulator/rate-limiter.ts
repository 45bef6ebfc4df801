import { tooManyRequests } from './errors.js';

/** A token bucket: up to `burst` calls at once, refilled at `perSecond` calls per second. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

/** `null` switches a scope off. */
export interface RateLimits {
  /** Every message-like call of the bot (sends, edits, drafts, chat actions, deletes). */
  global: BucketLimit | null;
  /** Each private chat: sends, edits and drafts. */
  privateChat: BucketLimit | null;
  /** Each group or supergroup: sends, edits and drafts. */
  groupChat: BucketLimit | null;
}

export type RateLimitPreset = 'telegram' | 'strict' | 'none';
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
  none: { global: null, privateChat: null, groupChat: null },
};

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
  take(scope: ChatScope | undefined): void;
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
    throw tooManyRequests(Math.max(1, Math.ceil((until - now) / 1000)));
  };

  const startHold = (key: number | 'global', seconds: number, now: number) => {
    holds.set(key, Math.max(holds.get(key) ?? 0, now + seconds * 1000));
  };

  return {
    take(scope) {
      const now = deps.now();
      checkHold('global', now);
      if (scope !== undefined) checkHold(scope.chatId, now);

      const chatLimit =
        scope === undefined ? null : scope.kind === 'private' ? limits.privateChat : limits.groupChat;
      let chatBucket: Bucket | undefined;
      if (scope !== undefined && chatLimit !== null) {
        chatBucket = refill(chatBuckets.get(scope.chatId), chatLimit, now);
        chatBuckets.set(scope.chatId, chatBucket);
        if (chatBucket.tokens < 1) {
          const seconds = secondsUntilToken(chatBucket, chatLimit);
          startHold(scope.chatId, seconds, now);
          throw tooManyRequests(seconds);
        }
      }
      if (limits.global !== null) {
        globalBucket = refill(globalBucket, limits.global, now);
        if (globalBucket.tokens < 1) {
          const seconds = secondsUntilToken(globalBucket, limits.global);
          startHold('global', seconds, now);
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
    reset() {
      globalBucket = undefined;
      chatBuckets.clear();
      holds.clear();
    },
  };
}
