import { describe, expect, it } from 'vitest';
import {
  createSlidingWindow,
  createWritePacer,
  settleSlidingWindow,
  slidingWindowWaitMs,
  type WritePacer,
} from '../../../src/streaming/delivery/write-pacer.js';

describe('slidingWindowWaitMs', () => {
  it.each([
    { name: 'empty window', limit: 2, windowMs: 1000, times: [], inFlight: 0, now: 0, wait: 0 },
    { name: 'room left', limit: 2, windowMs: 1000, times: [0], inFlight: 0, now: 10, wait: 0 },
    {
      name: 'full: waits for the oldest to leave',
      limit: 2,
      windowMs: 1000,
      times: [0, 500],
      inFlight: 0,
      now: 600,
      wait: 400,
    },
    { name: 'oldest just left', limit: 2, windowMs: 1000, times: [0, 500], inFlight: 0, now: 1000, wait: 0 },
    {
      name: 'full with older history',
      limit: 2,
      windowMs: 1000,
      times: [0, 100, 900],
      inFlight: 0,
      now: 950,
      wait: 150,
    },
    {
      name: 'limit 1 is a spacing',
      limit: 1,
      windowMs: 1100,
      times: [200],
      inFlight: 0,
      now: 300,
      wait: 1000,
    },
    { name: 'in flight takes room', limit: 2, windowMs: 1000, times: [], inFlight: 1, now: 0, wait: 0 },
    {
      name: 'full of calls in flight: wait for an answer',
      limit: 2,
      windowMs: 1000,
      times: [],
      inFlight: 2,
      now: 0,
      wait: Number.POSITIVE_INFINITY,
    },
    {
      name: 'one answered, one in flight: the answered one must leave',
      limit: 2,
      windowMs: 1000,
      times: [300],
      inFlight: 1,
      now: 400,
      wait: 900,
    },
  ])('$name', ({ limit, windowMs, times, inFlight, now, wait }) => {
    const window = createSlidingWindow(limit, windowMs);
    window.times.push(...times);
    window.inFlight = inFlight;
    expect(slidingWindowWaitMs(window, now)).toBe(wait);
  });

  it('answers that come back out of order are kept oldest first', () => {
    const window = createSlidingWindow(3, 1000);
    window.inFlight = 3;
    for (const at of [50, 20, 30]) settleSlidingWindow(window, at);
    expect(window).toMatchObject({ times: [20, 30, 50], inFlight: 0 });
  });
});

/** A write answered `roundTripMs` after it went. */
function write(pacer: WritePacer, at: number, chatId?: number, roundTripMs = 0): void {
  pacer.record(at, chatId)(at + roundTripMs);
}

describe('createWritePacer', () => {
  it('never lets more than globalPerSecond writes into any window of 1 s + margin', () => {
    const pacer = createWritePacer({ globalPerSecond: 30, marginMs: 100 });
    const writes: number[] = [];
    // Ask every 5 ms for 5 s, as a flooded bot would, and write whenever allowed.
    for (let now = 0; now < 5000; now += 5) {
      if (pacer.waitMs(now) === 0) {
        write(pacer, now);
        writes.push(now);
      }
    }
    for (let i = 30; i < writes.length; i++)
      expect(writes[i]! - writes[i - 30]!).toBeGreaterThanOrEqual(1100);
    // ...and uses the budget it has: 30 per 1.1 s over 5 s is 5 full windows (150) minus the last partial one.
    expect(writes.length).toBeGreaterThanOrEqual(120);
  });

  it('a place is free only a window after its answer: a slow arrival cannot crowd a later one', () => {
    const pacer = createWritePacer({ globalPerSecond: 1, marginMs: 0 });
    const first = pacer.record(0);
    // The first call is still on its way (it may arrive at Telegram any time until its answer).
    expect(pacer.waitMs(1500)).toBe(Number.POSITIVE_INFINITY);
    first(1400);
    expect(pacer.waitMs(1500)).toBe(900);
    expect(pacer.waitMs(2400)).toBe(0);
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
    for (const at of writes) write(pacer, at, -42);
    expect(pacer.waitMs(now, -42)).toBe(wait);
    // Another group and private chats are not held by this group.
    expect(pacer.waitMs(now, -43)).toBe(0);
    expect(pacer.waitMs(now, 42)).toBe(0);
    expect(pacer.waitMs(now)).toBe(0);
  });

  it.each([
    { name: 'the burst goes at once', writes: [0, 0], now: 0, wait: 0 },
    { name: 'the fourth in 3 s waits for the first to leave', writes: [0, 0, 1000], now: 1500, wait: 1500 },
    { name: 'after 3 s it may go', writes: [0, 0, 1000], now: 3000, wait: 0 },
    { name: 'a steady second apart never waits', writes: [3000, 4000], now: 5000, wait: 0 },
    { name: 'three answered in the last 3 s', writes: [3000, 4000, 5000], now: 5500, wait: 500 },
  ])('private chats: $name', ({ writes, now, wait }) => {
    const pacer = createWritePacer({ globalPerSecond: 1000, marginMs: 0 });
    for (const at of writes) write(pacer, at, 42);
    expect(pacer.waitMs(now, 42)).toBe(wait);
    // Other chats and bot-wide calls are not held by this chat.
    expect(pacer.waitMs(now, 43)).toBe(0);
    expect(pacer.waitMs(now, -42)).toBe(0);
    expect(pacer.waitMs(now)).toBe(0);
  });

  it('the bot-wide window holds chat calls too', () => {
    const pacer = createWritePacer({ globalPerSecond: 2, marginMs: 0 });
    write(pacer, 0);
    write(pacer, 100);
    expect(pacer.waitMs(200, -1)).toBe(800);
    expect(pacer.waitMs(200, 1)).toBe(800);
  });

  it('remembers a chat while a write to it is in flight or inside its longest window', () => {
    const pacer = createWritePacer({ globalPerSecond: 1000, marginMs: 0 });
    expect(pacer.remembers(42, 0)).toBe(false);
    const settle = pacer.record(0, 42);
    // Unanswered after 10 s: still counted, Telegram may not have seen it yet.
    expect(pacer.remembers(42, 10_000)).toBe(true);
    settle(10_000);
    expect(pacer.remembers(42, 12_999)).toBe(true);
    expect(pacer.remembers(42, 13_000)).toBe(false);
    // A group counts for its minute, not just its 1 s spacing.
    write(pacer, 0, -7);
    expect(pacer.remembers(-7, 59_999)).toBe(true);
    expect(pacer.remembers(-7, 60_000)).toBe(false);
    // Bot-wide calls name no chat.
    write(pacer, 0);
    expect(pacer.remembers(43, 1)).toBe(false);
  });

  it('forgets chats whose longest window is over', () => {
    const pacer = createWritePacer({ globalPerSecond: 100_000, marginMs: 0 });
    for (let chat = 1; chat <= 600; chat++) write(pacer, chat, chat % 2 === 0 ? chat : -chat);
    expect(pacer.trackedChats).toBe(600);
    // 10 s later the private chats' 3 s windows are empty, the groups' minutes are not.
    write(pacer, 10_000, 1000);
    expect(pacer.trackedChats).toBe(301);
    write(pacer, 200_000, -1);
    expect(pacer.trackedChats).toBe(1);
  });
});
