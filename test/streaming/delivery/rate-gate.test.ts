import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { GateOptionsInput } from '../../../src/streaming/delivery/options.js';
import { type CallPriority, createRateGate } from '../../../src/streaming/delivery/rate-gate.js';
import type { ChatType } from '../../../src/streaming/delivery/types.js';
import { advanceUntil, settle } from './support/harness.js';

type Gate = ReturnType<typeof createRateGate>;
let gate: Gate;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await settle(gate.close(), 10_000);
  vi.useRealTimers();
});

interface Grant {
  chatId: number;
  priority: CallPriority;
  at: number;
  label: string;
}

/** Requests a turn, records when it was granted, holds it for `callMs` (a Telegram round trip), releases. */
function requestTurn(
  grants: Grant[],
  request: { chatId: number; chatType?: ChatType; priority?: CallPriority; label?: string; callMs?: number },
) {
  const priority = request.priority ?? 'update';
  return gate
    .acquire({ chatId: request.chatId, chatType: request.chatType ?? 'private', priority })
    .then(async (permit) => {
      if (!permit) return false;
      grants.push({ chatId: request.chatId, priority, at: Date.now(), label: request.label ?? '' });
      if (request.callMs) await new Promise((resolve) => setTimeout(resolve, request.callMs));
      permit.release();
      return true;
    });
}

/** The largest number of grants inside any window of `windowMs` (half-open). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function minGap(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}

/** Keeps a chat asking for a new turn as soon as its last one is released, like a fast model. */
function keepRequesting(grants: Grant[], chatId: number, until: () => boolean, extra: Partial<Grant> = {}) {
  const loop = async (): Promise<void> => {
    while (!until()) {
      const granted = await requestTurn(grants, { chatId, callMs: 20, ...extra });
      if (!granted) return;
    }
  };
  return loop();
}

describe('budgets', () => {
  test('a private chat gets its burst, then one call a second', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const start = Date.now();
    const all = Array.from({ length: 8 }, () => requestTurn(grants, { chatId: 1, priority: 'final' }));
    await settle(Promise.all(all));
    const offsets = grants.map((grant) => grant.at - start);
    expect(offsets.slice(0, 2).every((offset) => offset < 100)).toBe(true);
    expect(offsets.at(-1)).toBeGreaterThanOrEqual(6000);
    expect(maxInWindow(offsets, 1000)).toBeLessThanOrEqual(2);
    expect(maxInWindow(offsets, 5000)).toBeLessThanOrEqual(2 + 5);
  });

  test('updates leave one token for the final text, which then waits only for the spacing', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const start = Date.now();
    // A group's burst is 3 and it refills every 3.53 s: updates take two and leave the third.
    await settle(
      Promise.all(
        [1, 2, 3].map((n) => requestTurn(grants, { chatId: -7, chatType: 'group', label: `u${n}` })),
      ),
    );
    const updates = grants.map((grant) => grant.at - start);
    expect(updates[1]! - updates[0]!).toBeLessThan(1100);
    expect(updates[2]! - updates[1]!).toBeGreaterThan(2000);
    const finalAskedAt = Date.now();
    await settle(requestTurn(grants, { chatId: -7, chatType: 'group', priority: 'final', label: 'final' }));
    expect(grants.at(-1)!.at - finalAskedAt).toBeLessThanOrEqual(1000);
  });

  test('a group never gets more than 20 calls a minute, at least 1 s apart', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    let running = true;
    const groupLoop = (async () => {
      while (running) {
        const granted = await requestTurn(grants, { chatId: -200, chatType: 'group', callMs: 50 });
        if (!granted) return;
      }
    })();
    await vi.advanceTimersByTimeAsync(180_000);
    running = false;
    await settle(groupLoop);
    const times = grants.map((grant) => grant.at);
    expect(times.length).toBeGreaterThanOrEqual(45); // about 17 a minute sustained, plus the burst
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(20);
    expect(minGap(times)).toBeGreaterThanOrEqual(1000);
  });

  test('the whole bot stays within 30 calls in any second across many chats', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    let stop = false;
    const loops = Array.from({ length: 120 }, (_, index) => keepRequesting(grants, index + 1, () => stop));
    await vi.advanceTimersByTimeAsync(10_000);
    stop = true;
    await settle(Promise.all(loops));
    const times = grants.map((grant) => grant.at);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(30);
    expect(times.length).toBeGreaterThan(250); // the budget is used, not wasted
    const perChat = new Map<number, number>();
    for (const grant of grants) perChat.set(grant.chatId, (perChat.get(grant.chatId) ?? 0) + 1);
    for (const [chatId, count] of perChat) {
      const chatTimes = grants.filter((grant) => grant.chatId === chatId).map((grant) => grant.at);
      expect(maxInWindow(chatTimes, 1000), `chat ${chatId}`).toBeLessThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(2 + 11);
    }
  });

  test('turns that fell due while the event loop was blocked all go in the next round', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const all = Array.from({ length: 90 }, (_, index) => requestTurn(grants, { chatId: index + 1 }));
    await vi.advanceTimersByTimeAsync(100);
    // The event loop is busy for 500 ms (stream parsing, rendering): time passes, no timer runs.
    // (setSystemTime moves the clock and keeps pending timers at their delay: the pace timer runs late.)
    vi.setSystemTime(Date.now() + 500);
    const before = grants.length;
    await vi.advanceTimersByTimeAsync(40);
    // About 500 / 34 turns fell due meanwhile; one Bottleneck job per call would let out one.
    expect(grants.length - before).toBeGreaterThanOrEqual(12);
    await settle(Promise.all(all));
    const times = grants.map((grant) => grant.at);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(30);
    expect(times.at(-1)! - times[0]!).toBeLessThan(3200);
  });

  test('an idle gate earns no burst: turns are spaced from the first one', async () => {
    gate = createRateGate({ options: { globalPerSecond: 10 } });
    await vi.advanceTimersByTimeAsync(5000);
    const grants: Grant[] = [];
    await settle(
      Promise.all(Array.from({ length: 5 }, (_, index) => requestTurn(grants, { chatId: index + 1 }))),
    );
    expect(minGap(grants.map((grant) => grant.at))).toBeGreaterThanOrEqual(100);
  });

  test('a spacing function sets the bot-wide pace and is read again as it changes', async () => {
    let spacingMs = 200;
    gate = createRateGate({ options: { globalPerSecond: 30 }, spacingMs: () => spacingMs });
    const slow: Grant[] = [];
    await settle(
      Promise.all(Array.from({ length: 4 }, (_, index) => requestTurn(slow, { chatId: index + 1 }))),
    );
    expect(minGap(slow.map((grant) => grant.at))).toBeGreaterThanOrEqual(200);
    // The round trip got shorter: the same gate now grants at the faster pace.
    spacingMs = 50;
    await vi.advanceTimersByTimeAsync(2000);
    const fast: Grant[] = [];
    await settle(
      Promise.all(Array.from({ length: 4 }, (_, index) => requestTurn(fast, { chatId: index + 11 }))),
    );
    const gaps = fast.slice(1).map((grant, index) => grant.at - fast[index]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...gaps)).toBeLessThan(200);
  });

  test('withdrawn turns never use a global slot', async () => {
    gate = createRateGate({ options: { globalPerSecond: 10 } });
    const grants: Grant[] = [];
    const start = Date.now();
    const withdrawn = Array.from({ length: 20 }, (_, index) => {
      const controller = new AbortController();
      const request = gate.acquire({
        chatId: 100 + index,
        chatType: 'private',
        priority: 'update',
        signal: controller.signal,
      });
      return { controller, request };
    });
    // Every answer ended: its intermediate frame is withdrawn and asked again as final.
    for (const { controller } of withdrawn) controller.abort();
    const finals = Array.from({ length: 20 }, (_, index) =>
      requestTurn(grants, { chatId: 100 + index, priority: 'final' }),
    );
    expect(await settle(Promise.all(withdrawn.map(({ request }) => request)))).toEqual(
      Array.from({ length: 20 }, () => undefined),
    );
    await settle(Promise.all(finals));
    expect(grants).toHaveLength(20);
    // 20 turns at 10/s: the last goes about 1.9 s after the first; stale turns would add 2 s more.
    expect(grants.at(-1)!.at - start).toBeLessThan(2100);
  });

  test('every budget number is configurable', async () => {
    const options: GateOptionsInput = { globalPerSecond: 10, private: { burst: 1, refillMs: 200 } };
    gate = createRateGate({ options });
    const grants: Grant[] = [];
    await settle(Promise.all(Array.from({ length: 6 }, () => requestTurn(grants, { chatId: 1 }))));
    const times = grants.map((grant) => grant.at);
    expect(minGap(times)).toBeGreaterThanOrEqual(200);
    expect(times.at(-1)! - times[0]!).toBeLessThan(1500);
  });

  test('a turn that was not used gives the chat its budget back', async () => {
    gate = createRateGate({ options: { private: { burst: 1, refillMs: 10_000 } } });
    const first = await settle(gate.acquire({ chatId: 1, chatType: 'private', priority: 'update' }));
    first?.release({ unused: true });
    const grants: Grant[] = [];
    await settle(requestTurn(grants, { chatId: 1 }));
    expect(grants).toHaveLength(1);
    expect(grants[0]!.at).toBeLessThan(Date.now() + 1);
  });
});

describe('order', () => {
  test('finals and first frames overtake queued updates', async () => {
    gate = createRateGate({ options: { globalPerSecond: 5 } });
    const grants: Grant[] = [];
    const updates = Array.from({ length: 20 }, (_, index) =>
      requestTurn(grants, { chatId: index + 1, label: `update ${index + 1}` }),
    );
    await vi.advanceTimersByTimeAsync(500);
    const grantedBefore = grants.length;
    const late = [
      requestTurn(grants, { chatId: 100, priority: 'first', label: 'first' }),
      requestTurn(grants, { chatId: 101, priority: 'final', label: 'final' }),
    ];
    await settle(Promise.all([...updates, ...late]));
    const order = grants.map((grant) => grant.label);
    expect(grantedBefore).toBeLessThan(5);
    // At most the one update Bottleneck had already committed to goes between.
    expect(order.indexOf('final')).toBeLessThanOrEqual(grantedBefore + 1);
    expect(order.indexOf('first')).toBe(order.indexOf('final') + 1);
    expect(order.filter((label) => label.startsWith('update'))).toHaveLength(20);
  });

  test('a chat asks for one call at a time: its final waits for its call in flight, then goes first', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const slow = requestTurn(grants, { chatId: 1, label: 'slow update', callMs: 3000 });
    await vi.advanceTimersByTimeAsync(10);
    const background = requestTurn(grants, { chatId: 1, priority: 'background', label: 'typing' });
    const update = requestTurn(grants, { chatId: 1, label: 'update' });
    const final = requestTurn(grants, { chatId: 1, priority: 'final', label: 'final' });
    await settle(Promise.all([slow, background, update, final]));
    expect(grants.map((grant) => grant.label)).toEqual(['slow update', 'final', 'update', 'typing']);
    expect(grants[1]!.at).toBeGreaterThanOrEqual(grants[0]!.at + 3000);
  });

  test('intermediate frames are shared round-robin across chats, however fast each model writes', async () => {
    gate = createRateGate({ options: { globalPerSecond: 4, private: { burst: 50, refillMs: 1 } } });
    const grants: Grant[] = [];
    let stop = false;
    // Chat 1 asks again the moment it is served; the others take a while to have a new frame.
    const greedy = keepRequesting(grants, 1, () => stop);
    const polite = [2, 3, 4].map(async (chatId) => {
      while (!stop) {
        if (!(await requestTurn(grants, { chatId, callMs: 20 }))) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await vi.advanceTimersByTimeAsync(20_000);
    stop = true;
    await settle(Promise.all([greedy, ...polite]));
    const counts = [1, 2, 3, 4].map((chatId) => grants.filter((grant) => grant.chatId === chatId).length);
    const fewest = Math.min(...counts);
    const most = Math.max(...counts);
    expect(fewest).toBeGreaterThan(15);
    expect(most - fewest).toBeLessThanOrEqual(2);
  });
});

describe('bot-scope calls (chat actions)', () => {
  test("charge only the bot-wide budget: the chat's own budget and order are untouched", async () => {
    gate = createRateGate({ options: { group: { burst: 1, refillMs: 3000, minSpacingMs: 1000 } } });
    const start = Date.now();
    const action = await settle(
      gate.acquire({ chatId: -5, chatType: 'group', priority: 'background', scope: 'bot' }),
    );
    expect(action).toBeDefined();
    // Still under way (no release yet): the chat's frame neither waits for it nor for a refill.
    const grants: Grant[] = [];
    await settle(requestTurn(grants, { chatId: -5, chatType: 'group', priority: 'first' }));
    expect(grants[0]!.at - start).toBeLessThan(200);
    action?.release();
  });

  test("go after every frame, and wait out the chat's 429 hold", async () => {
    gate = createRateGate({ options: { globalPerSecond: 5 } });
    const order: string[] = [];
    const start = Date.now();
    gate.reportRateLimit(7, 2000);
    const held = gate
      .acquire({ chatId: 7, chatType: 'private', priority: 'background', scope: 'bot' })
      .then(() => {
        order.push('held action');
        return Date.now() - start;
      });
    const action = gate
      .acquire({ chatId: 8, chatType: 'private', priority: 'background', scope: 'bot' })
      .then(() => order.push('action'));
    const grants: Grant[] = [];
    const frames = [1, 2, 3].map((chatId) =>
      requestTurn(grants, { chatId, label: `frame ${chatId}` }).then(() => order.push(`frame ${chatId}`)),
    );
    await settle(Promise.all([...frames, action]));
    expect(order.slice(-1)).toEqual(['action']);
    expect(await settle(held)).toBeGreaterThanOrEqual(2000);
  });
});

describe('429 holds', () => {
  test('holds one chat until retry_after has passed while other chats go on', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const start = Date.now();
    gate.reportRateLimit(1, 5000);
    const held = requestTurn(grants, { chatId: 1, priority: 'final', label: 'held final' });
    const others = Array.from({ length: 4 }, (_, index) =>
      requestTurn(grants, { chatId: 10 + index, label: `other ${index}` }),
    );
    await settle(Promise.all([held, ...others]));
    const heldGrant = grants.find((grant) => grant.label === 'held final')!;
    expect(heldGrant.at - start).toBeGreaterThanOrEqual(5000);
    expect(heldGrant.at - start).toBeLessThan(5200);
    for (const grant of grants.filter((grant) => grant.label.startsWith('other'))) {
      expect(grant.at - start).toBeLessThan(1000);
    }
  });

  test('a 429 without a chat holds the whole bot', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const start = Date.now();
    gate.reportRateLimit(undefined, 3000);
    await settle(Promise.all([1, 2, 3].map((chatId) => requestTurn(grants, { chatId, priority: 'final' }))));
    expect(grants.every((grant) => grant.at - start >= 3000)).toBe(true);
  });

  test('several chats limited within a short window hold the whole bot', async () => {
    gate = createRateGate({ options: { globalHoldAfterChats: 3, globalHoldWindowMs: 1000 } });
    const grants: Grant[] = [];
    const start = Date.now();
    gate.reportRateLimit(1, 4000);
    gate.reportRateLimit(2, 4000);
    const early = requestTurn(grants, { chatId: 9, label: 'before escalation' });
    await advanceUntil(() => grants.length === 1);
    expect(grants[0]!.at - start).toBeLessThan(100);
    gate.reportRateLimit(3, 4000);
    await settle(early);
    await settle(requestTurn(grants, { chatId: 10, label: 'after escalation' }));
    expect(grants[1]!.at - start).toBeGreaterThanOrEqual(4000);
  });

  test('after the hold one call goes at once, then the budget applies again', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const start = Date.now();
    gate.reportRateLimit(1, 2000);
    await settle(Promise.all(Array.from({ length: 3 }, () => requestTurn(grants, { chatId: 1 }))));
    const offsets = grants.map((grant) => grant.at - start);
    expect(offsets[0]).toBeGreaterThanOrEqual(2000);
    expect(offsets[1]! - offsets[0]!).toBeGreaterThanOrEqual(1000);
  });
});

describe('lifecycle', () => {
  test('a withdrawn request resolves undefined and does not block the chat', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    const busy = await settle(gate.acquire({ chatId: 1, chatType: 'private', priority: 'update' }));
    const controller = new AbortController();
    const withdrawn = gate.acquire({
      chatId: 1,
      chatType: 'private',
      priority: 'final',
      signal: controller.signal,
    });
    controller.abort();
    expect(await settle(withdrawn)).toBeUndefined();
    busy?.release();
    await settle(requestTurn(grants, { chatId: 1 }));
    expect(grants).toHaveLength(1);
  });

  test('forgets idle chats once their budget is full again', async () => {
    gate = createRateGate();
    const grants: Grant[] = [];
    await settle(
      Promise.all(Array.from({ length: 50 }, (_, index) => requestTurn(grants, { chatId: index }))),
    );
    expect(gate.trackedChats).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(gate.trackedChats).toBe(0);
  });

  test('close answers every waiting request with undefined', async () => {
    gate = createRateGate();
    const permit = await settle(gate.acquire({ chatId: 1, chatType: 'private', priority: 'update' }));
    const waiting = gate.acquire({ chatId: 1, chatType: 'private', priority: 'final' });
    await settle(gate.close(), 10_000);
    expect(await settle(waiting)).toBeUndefined();
    permit?.release();
    expect(await gate.acquire({ chatId: 2, chatType: 'private', priority: 'final' })).toBeUndefined();
  });
});
