import { expect, test } from 'vitest';
import {
  createTokenBucket,
  drainTokenBucketUntil,
  refillTokenBucket,
  tokenBucketIdleAt,
  tokenBucketReadyAt,
} from '../../../src/streaming/delivery/token-bucket.js';

const budget = { burst: 2, refillMs: 1000, minSpacingMs: 300, finalReserve: 1 };

test('spends the burst, then refills one token per interval', () => {
  const bucket = createTokenBucket(budget, 0);
  bucket.tokens -= 2;
  bucket.lastCallAt = 0;
  refillTokenBucket(bucket, budget, 999);
  expect(tokenBucketReadyAt(bucket, budget, 999)).toBe(1000);
  refillTokenBucket(bucket, budget, 2500);
  expect(bucket.tokens).toBe(2);
  refillTokenBucket(bucket, budget, 10_000);
  expect(bucket.tokens).toBe(2);
});

test('a call with a reserve waits until it can leave that many tokens behind', () => {
  const bucket = createTokenBucket(budget, 0);
  bucket.tokens -= 1;
  bucket.lastCallAt = 0;
  expect(tokenBucketReadyAt(bucket, budget, 500)).toBe(500);
  expect(tokenBucketReadyAt(bucket, budget, 500, 1)).toBe(1000);
  // A reserve as large as the burst is capped: a full bucket always lets a call go.
  expect(tokenBucketReadyAt(createTokenBucket(budget, 0), budget, 500, 5)).toBe(500);
});

test('keeps the minimum spacing even with tokens left', () => {
  const bucket = createTokenBucket(budget, 0);
  bucket.tokens -= 1;
  bucket.lastCallAt = 100;
  expect(tokenBucketReadyAt(bucket, budget, 150)).toBe(400);
});

test('after a hold exactly one token is back at its end', () => {
  const bucket = createTokenBucket(budget, 0);
  drainTokenBucketUntil(bucket, budget, 5000);
  refillTokenBucket(bucket, budget, 4999);
  expect(bucket.tokens).toBe(0);
  refillTokenBucket(bucket, budget, 5000);
  expect(bucket.tokens).toBe(1);
});

test('is idle (forgettable) once full again and spaced', () => {
  const bucket = createTokenBucket(budget, 0);
  bucket.tokens = 0;
  bucket.refilledAt = 0;
  bucket.lastCallAt = 0;
  expect(tokenBucketIdleAt(bucket, budget)).toBe(2000);
});
