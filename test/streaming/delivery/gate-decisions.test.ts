import { describe, expect, it } from 'vitest';
import { PRIORITY_RANK } from '../../../src/streaming/delivery/call-priority.js';
import {
  type ChatBudgetState,
  chatReadyAt,
  createGlobalPace,
  decideChatDispatch,
  decideGlobalHold,
  fitBucketToWindow,
  type GlobalPace,
  paceAllowance,
  recordGrant,
  slidingWindowReadyAt,
} from '../../../src/streaming/delivery/gate-decisions.js';
import { DEFAULT_GATE_OPTIONS } from '../../../src/streaming/delivery/options.js';
import { refillTokenBucket } from '../../../src/streaming/delivery/token-bucket.js';

/** 10 calls a second: spaced 100 ms, at most 10 in any second. */
function pace(patch: Partial<GlobalPace> = {}): GlobalPace {
  return { ...createGlobalPace(10), ...patch };
}

describe('paceAllowance', () => {
  it.each([
    { name: 'an idle gate lets one go now', p: pace({ nextSlotAt: 1000 }), want: { count: 1, at: 1000 } },
    {
      name: 'the next slot is ahead: wait for it',
      p: pace({ nextSlotAt: 1050 }),
      want: { count: 0, at: 1050 },
    },
    {
      name: 'a blocked loop catches up on the slots that fell due (at most 500 ms of them)',
      p: pace({ nextSlotAt: 0 }),
      want: { count: 6, at: 1000 },
    },
    {
      name: 'never more than the window holds',
      p: pace({ nextSlotAt: 0, recentGrants: [100, 200, 300, 400, 500, 600, 700] }),
      want: { count: 3, at: 1000 },
    },
    {
      name: 'a full window: wait until its oldest grant leaves',
      p: pace({ nextSlotAt: 0, recentGrants: [50, 100, 200, 300, 400, 500, 600, 700, 800, 900] }),
      want: { count: 0, at: 1050 },
    },
    {
      name: 'grants older than a second do not count',
      p: pace({ nextSlotAt: 1000, recentGrants: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900] }),
      want: { count: 1, at: 1000 },
    },
    {
      name: 'a bot-wide hold stops everything',
      p: pace({ nextSlotAt: 0, heldUntil: 4000 }),
      want: { count: 0, at: 4000 },
    },
  ])('$name', ({ p, want }) => {
    expect(paceAllowance(p, 1000)).toEqual(want);
  });

  it('granting what it allows, turn after turn, never puts more than the limit in any second', () => {
    const p = pace();
    const grants: number[] = [];
    for (let now = 0; now < 5000; now += 7) {
      const { count } = paceAllowance(p, now);
      for (let i = 0; i < count; i++) {
        recordGrant(p, now);
        grants.push(now);
      }
    }
    for (let i = 10; i < grants.length; i++)
      expect(grants[i]! - grants[i - 10]!).toBeGreaterThanOrEqual(1000);
    expect(grants.length).toBeGreaterThanOrEqual(45);
  });
});

describe('decideChatDispatch', () => {
  const budget = DEFAULT_GATE_OPTIONS.group; // a burst of 3, one more per 3.53 s, 1 s apart, reserve 1
  function chat(patch: Partial<ChatBudgetState> = {}): ChatBudgetState {
    return {
      budget,
      bucket: { tokens: 3, refilledAt: 0, lastCallAt: Number.NEGATIVE_INFINITY },
      grants: [],
      heldUntil: 0,
      inFlight: false,
      bestRank: 4,
      queuedRank: undefined,
      ...patch,
    };
  }
  it.each([
    { name: 'a call under way: nothing to do', c: chat({ inFlight: true }), want: { kind: 'busy' } },
    { name: 'budget left: join the queue at the best rank', c: chat(), want: { kind: 'queue', rank: 4 } },
    { name: 'already queued at that rank', c: chat({ queuedRank: 4 }), want: { kind: 'keep' } },
    {
      name: 'a better request moves the chat up',
      c: chat({ queuedRank: 4, bestRank: 1 }),
      want: { kind: 'queue', rank: 1 },
    },
    {
      name: 'too soon after the last call: wait for the spacing',
      c: chat({ bucket: { tokens: 2, refilledAt: 0, lastCallAt: 9500 } }),
      want: { kind: 'wait', at: 10_500 },
    },
    {
      name: 'an update must leave the reserve: wait for a refill',
      c: chat({ bucket: { tokens: 1, refilledAt: 8000, lastCallAt: 0 } }),
      want: { kind: 'wait', at: 11_530 },
    },
    {
      name: 'the final text may use the reserve',
      c: chat({ bucket: { tokens: 1, refilledAt: 8000, lastCallAt: 0 }, bestRank: 1 }),
      want: { kind: 'queue', rank: 1 },
    },
    {
      name: 'a 429 hold: wait for its end',
      c: chat({ heldUntil: 40_000 }),
      want: { kind: 'wait', at: 40_000 },
    },
    {
      name: 'nobody waits, budget whole: forget the chat',
      c: chat({ bestRank: undefined }),
      want: { kind: 'forget' },
    },
    {
      name: 'nobody waits, budget not whole yet: keep it until it is',
      c: chat({ bestRank: undefined, bucket: { tokens: 2, refilledAt: 9000, lastCallAt: 9000 } }),
      want: { kind: 'wait', at: 12_530 },
    },
  ])('$name', ({ c, want }) => {
    expect(decideChatDispatch(c, 10_000)).toEqual(want);
  });
});

describe('decideGlobalHold', () => {
  const options = { globalHoldAfterChats: 3, globalHoldWindowMs: 1000 };
  it.each([
    { name: 'one chat limited: only that chat holds', recent: [], want: undefined },
    {
      name: 'three chats within a second: the bot holds for the shortest wait',
      recent: [
        { chatId: 1, at: 9500, until: 12_000 },
        { chatId: 2, at: 9800, until: 60_000 },
      ],
      want: 11_000,
    },
    {
      name: 'an older 429 no longer counts',
      recent: [
        { chatId: 1, at: 8000, until: 12_000 },
        { chatId: 2, at: 9800, until: 60_000 },
      ],
      want: undefined,
    },
    {
      name: 'the same chat twice counts once',
      recent: [
        { chatId: 3, at: 9500, until: 12_000 },
        { chatId: 2, at: 9800, until: 60_000 },
      ],
      want: undefined,
    },
  ])('$name', ({ recent, want }) => {
    const decision = decideGlobalHold(recent, { chatId: 3, at: 10_000, until: 11_000 }, options);
    expect(decision.holdUntil).toBe(want);
    expect(decision.recent.at(-1)).toEqual({ chatId: 3, at: 10_000, until: 11_000 });
  });
});

describe('slidingWindowReadyAt (3 calls in any 3 s)', () => {
  const window = { limit: 3, windowMs: 3000 };
  it.each([
    { name: 'empty: now', grants: [], want: 10_000 },
    { name: 'room left', grants: [8000, 9000], want: 10_000 },
    { name: 'full: wait for the oldest to leave', grants: [7500, 8000, 9000], want: 10_500 },
    { name: 'old grants do not count', grants: [6000, 7000, 9000], want: 10_000 },
    { name: 'the oldest just left', grants: [7000, 8000, 9000], want: 10_000 },
  ])('$name', ({ grants, want }) => {
    expect(slidingWindowReadyAt(grants, window, 10_000)).toBe(want);
  });
});

describe('fitBucketToWindow', () => {
  const window = { limit: 3, windowMs: 3000 };
  it.each([
    {
      name: 'places left for every token: unchanged',
      bucket: { tokens: 1, refilledAt: 9000, lastCallAt: 10_000 },
      grants: [9500, 10_000],
      want: { tokens: 1, refilledAt: 9000, lastCallAt: 10_000 },
    },
    {
      name: 'a full window keeps no token and refills from now',
      bucket: { tokens: 1, refilledAt: 8000, lastCallAt: 10_000 },
      grants: [8000, 9000, 10_000],
      want: { tokens: 0, refilledAt: 10_000, lastCallAt: 10_000 },
    },
    {
      name: 'an empty bucket in a full window still restarts its refill',
      bucket: { tokens: 0, refilledAt: 8100, lastCallAt: 10_000 },
      grants: [7500, 9000, 10_000],
      want: { tokens: 0, refilledAt: 10_000, lastCallAt: 10_000 },
    },
    {
      name: 'one place left: at most one token',
      bucket: { tokens: 2, refilledAt: 9000, lastCallAt: 10_000 },
      grants: [6000, 9500, 10_000],
      want: { tokens: 1, refilledAt: 10_000, lastCallAt: 10_000 },
    },
  ])('$name', ({ bucket, grants, want }) => {
    fitBucketToWindow(bucket, grants, window, 10_000);
    expect(bucket).toEqual(want);
  });
});

describe('a streaming private chat (1 a second, a burst of 2, 3 in any 3.1 s)', () => {
  const window = { limit: 3, windowMs: 3100 };
  const budget = { ...DEFAULT_GATE_OPTIONS.private, window };
  function simulate(firstAt: number) {
    const chat = {
      budget,
      bucket: { tokens: 2, refilledAt: 0, lastCallAt: Number.NEGATIVE_INFINITY },
      grants: [] as number[],
      heldUntil: 0,
    };
    const grant = (at: number) => {
      chat.bucket.tokens -= 1;
      chat.bucket.lastCallAt = at;
      chat.grants.push(at);
      fitBucketToWindow(chat.bucket, chat.grants, window, at);
    };
    // Whenever a call of `rank` may go, it goes (a model writing faster than Telegram takes frames).
    const next = (rank: number, from: number) => {
      for (let at = from; ; at += 1) {
        refillTokenBucket(chat.bucket, budget, at);
        if (chatReadyAt(chat, at, rank) <= at) return at;
      }
    };
    grant(next(PRIORITY_RANK.placeholder, 0));
    const first = next(PRIORITY_RANK.first, firstAt);
    grant(first);
    const frames: number[] = [];
    for (let at = first; frames.length < 10; ) {
      at = next(PRIORITY_RANK.update, at);
      grant(at);
      frames.push(at);
    }
    return { chat, first, frames, next };
  }

  it('the placeholder and the first text go at once, the next frame a second after the start', () => {
    const { first, frames } = simulate(200);
    expect(first).toBe(200);
    expect(frames[0]).toBe(1000);
  });

  it('never more than 3 in any window, and frames never bunch once the window is full', () => {
    const { chat, frames } = simulate(200);
    for (let i = 3; i < chat.grants.length; i++) {
      expect(chat.grants[i]! - chat.grants[i - 3]!).toBeGreaterThanOrEqual(3100);
    }
    for (let i = 1; i < frames.length; i++) expect(frames[i]! - frames[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('the final text waits about a second at most, once the opening burst has left the window', () => {
    const { frames, next } = simulate(200);
    for (const after of [1, 300, 700, 999]) {
      const asked = frames.at(-1)! + after;
      expect(next(PRIORITY_RANK.final, asked) - asked).toBeLessThanOrEqual(1100);
    }
  });
});
