import { describe, expect, it } from 'vitest';
import {
  createSlidingWindow,
  createWritePacer,
  slidingWindowWaitMs,
} from '../../../src/streaming/delivery/write-pacer.js';

describe('slidingWindowWaitMs', () => {
  it.each([
    { name: 'empty window', limit: 2, windowMs: 1000, times: [], now: 0, wait: 0 },
    { name: 'room left', limit: 2, windowMs: 1000, times: [0], now: 10, wait: 0 },
    {
      name: 'full: waits for the oldest to leave',
      limit: 2,
      windowMs: 1000,
      times: [0, 500],
      now: 600,
      wait: 400,
    },
    { name: 'oldest just left', limit: 2, windowMs: 1000, times: [0, 500], now: 1000, wait: 0 },
    { name: 'full with older history', limit: 2, windowMs: 1000, times: [0, 100, 900], now: 950, wait: 150 },
    { name: 'limit 1 is a spacing', limit: 1, windowMs: 1100, times: [200], now: 300, wait: 1000 },
  ])('$name', ({ limit, windowMs, times, now, wait }) => {
    const window = createSlidingWindow(limit, windowMs);
    window.times.push(...times);
    expect(slidingWindowWaitMs(window, now)).toBe(wait);
  });
});

describe('createWritePacer', () => {
  it('never lets more than globalPerSecond writes into any window of 1 s + margin', () => {
    const pacer = createWritePacer({ globalPerSecond: 30, marginMs: 100 });
    const writes: number[] = [];
    // Ask every 5 ms for 5 s, as a flooded bot would, and write whenever allowed.
    for (let now = 0; now < 5000; now += 5) {
      if (pacer.waitMs(now) === 0) {
        pacer.record(now);
        writes.push(now);
      }
    }
    for (let i = 30; i < writes.length; i++)
      expect(writes[i]! - writes[i - 30]!).toBeGreaterThanOrEqual(1100);
    // ...and uses the budget it has: 30 per 1.1 s over 5 s is 5 full windows (150) minus the last partial one.
    expect(writes.length).toBeGreaterThanOrEqual(120);
  });

  it.each([
    { name: 'a second group write waits 1 s + margin', writes: [0], now: 500, wait: 600 },
    { name: 'after 1.1 s it may go', writes: [0], now: 1100, wait: 0 },
    {
      name: 'the 21st in a minute waits for the first to leave',
      writes: Array.from({ length: 20 }, (_, i) => i * 1500),
      now: 30_000,
      wait: 60_100 - 30_000,
    },
  ])('groups: $name', ({ writes, now, wait }) => {
    const pacer = createWritePacer({ globalPerSecond: 1000, marginMs: 100 });
    for (const at of writes) pacer.record(at, -42);
    expect(pacer.waitMs(now, -42)).toBe(wait);
    // Another group and private chats are not held by this group.
    expect(pacer.waitMs(now, -43)).toBe(0);
    expect(pacer.waitMs(now)).toBe(0);
  });

  it('the bot-wide window holds group calls too', () => {
    const pacer = createWritePacer({ globalPerSecond: 2, marginMs: 0 });
    pacer.record(0);
    pacer.record(100);
    expect(pacer.waitMs(200, -1)).toBe(800);
  });

  it('forgets groups whose minute is over', () => {
    const pacer = createWritePacer({ globalPerSecond: 100_000, marginMs: 0 });
    for (let chat = 1; chat <= 300; chat++) pacer.record(chat, -chat);
    expect(pacer.trackedGroups).toBe(300);
    pacer.record(200_000, -1);
    expect(pacer.trackedGroups).toBe(1);
  });
});
