import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { shareRateGate } from '../../src/shared-budget/share-gate.js';
import type { CallPriority } from '../../src/streaming/delivery/call-priority.js';
import type { RateGate } from '../../src/streaming/delivery/gate-types.js';
import { createRateGate } from '../../src/streaming/delivery/rate-gate.js';
import { advanceUntil, settle } from '../streaming/delivery/support/harness.js';

let gate: RateGate;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await settle(gate.close(), 10_000);
  vi.useRealTimers();
});

interface Grant {
  chatId: number;
  at: number;
}

/** A gate of 20 calls a second for the bot (generous per-chat budgets), shared by `instances()`. */
function sharedGate(instances: () => number): RateGate {
  return shareRateGate(createRateGate({ options: { globalPerSecond: 20 } }), { perSecond: 20, instances });
}

function request(grants: Grant[], chatId: number, priority: CallPriority = 'update', signal?: AbortSignal) {
  return gate
    .acquire({ chatId, chatType: 'private', priority, ...(signal ? { signal } : {}) })
    .then((permit) => {
      if (!permit) return false;
      grants.push({ chatId, at: Date.now() });
      permit.release();
      return true;
    });
}

it('with one instance the gate grants at its own rate, untouched', async () => {
  gate = sharedGate(() => 1);
  const grants: Grant[] = [];
  const start = Date.now();
  for (let chatId = 1; chatId <= 40; chatId++) void request(grants, chatId);
  await advanceUntil(() => grants.length === 40, 10_000);
  // 20 a second: 40 calls in about 2 s.
  expect(Date.now() - start).toBeLessThan(2500);
});

it('with two live instances each grants about half the rate, by priority; the count is read as it changes', async () => {
  let instances = 2;
  gate = sharedGate(() => instances);
  const grants: Grant[] = [];
  const start = Date.now();
  for (let chatId = 1; chatId <= 20; chatId++) void request(grants, chatId);
  await advanceUntil(() => grants.length === 20, 10_000);
  const halfRate = Date.now() - start;
  // 10 a second (and a quarter of a second's catch-up at first): about 2 s, not 1.
  expect(halfRate).toBeGreaterThanOrEqual(1500);
  expect(halfRate).toBeLessThan(2600);
  for (let index = 1; index < grants.length; index++)
    expect(grants[index]!.at - grants[index - 1]!.at).toBeLessThanOrEqual(110);

  // A command reply waiting with frames goes first.
  const ordered: Grant[] = [];
  for (let chatId = 100; chatId < 110; chatId++) void request(ordered, chatId);
  void request(ordered, 999, 'reveal');
  await advanceUntil(() => ordered.length === 11, 10_000);
  expect(ordered.findIndex((grant) => grant.chatId === 999)).toBeLessThan(4);

  // The other instance left: the full rate again.
  instances = 1;
  const alone: Grant[] = [];
  const aloneStart = Date.now();
  for (let chatId = 200; chatId < 220; chatId++) void request(alone, chatId);
  await advanceUntil(() => alone.length === 20, 10_000);
  expect(Date.now() - aloneStart).toBeLessThan(1500);
});

it('a request withdrawn while held gives its turn back and resolves undefined', async () => {
  gate = sharedGate(() => 3);
  const grants: Grant[] = [];
  for (let chatId = 1; chatId <= 5; chatId++) void request(grants, chatId);
  const controller = new AbortController();
  const withdrawn = request(grants, 6, 'update', controller.signal);
  await vi.advanceTimersByTimeAsync(10);
  controller.abort();
  expect(await settle(withdrawn)).toBe(false);
  // The chat's turn was given back: it may ask again and is granted.
  const again = request(grants, 6);
  expect(await settle(again)).toBe(true);
  await advanceUntil(() => grants.length === 6, 10_000);
});
