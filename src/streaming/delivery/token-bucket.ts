import type { RateBudget } from './options.js';

/**
 * One chat's budget state. Counted when a call is granted (not when it is requested), so a call that
 * waited in the global queue is charged at the moment it really goes to Telegram.
 */
export interface TokenBucket {
  tokens: number;
  /** Time the last whole token was added (or the bucket was last full). */
  refilledAt: number;
  lastCallAt: number;
}

export function createTokenBucket(budget: RateBudget, now: number): TokenBucket {
  return { tokens: budget.burst, refilledAt: now, lastCallAt: Number.NEGATIVE_INFINITY };
}

export function refillTokenBucket(bucket: TokenBucket, budget: RateBudget, now: number): void {
  if (bucket.tokens >= budget.burst) {
    bucket.refilledAt = Math.max(bucket.refilledAt, now);
    return;
  }
  const earned = Math.floor((now - bucket.refilledAt) / budget.refillMs);
  if (earned <= 0) return;
  bucket.tokens = Math.min(budget.burst, bucket.tokens + earned);
  bucket.refilledAt = bucket.tokens >= budget.burst ? now : bucket.refilledAt + earned * budget.refillMs;
}

/**
 * The earliest time a call may go, after `refillTokenBucket(now)`; with `reserve`, the call must
 * leave that many tokens behind (capped so that a full bucket always allows it).
 */
export function tokenBucketReadyAt(
  bucket: TokenBucket,
  budget: RateBudget,
  now: number,
  reserve = 0,
): number {
  const needed = 1 + Math.max(0, Math.min(reserve, budget.burst - 1));
  const tokenAt =
    bucket.tokens >= needed ? now : bucket.refilledAt + (needed - bucket.tokens) * budget.refillMs;
  return Math.max(tokenAt, bucket.lastCallAt + budget.minSpacingMs);
}

/** When the bucket will be full again and spacing no longer matters: the state can then be forgotten. */
export function tokenBucketIdleAt(bucket: TokenBucket, budget: RateBudget): number {
  const missing = budget.burst - bucket.tokens;
  const fullAt = missing <= 0 ? bucket.refilledAt : bucket.refilledAt + missing * budget.refillMs;
  return Math.max(fullAt, bucket.lastCallAt + budget.minSpacingMs);
}

/** Empties the bucket so that exactly one token is back at `at` (after a 429 hold, one call may go at once). */
export function drainTokenBucketUntil(bucket: TokenBucket, budget: RateBudget, at: number): void {
  bucket.tokens = 0;
  bucket.refilledAt = at - budget.refillMs;
}
