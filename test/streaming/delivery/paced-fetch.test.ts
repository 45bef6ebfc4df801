import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalWriteBudget } from '../../../src/shared-budget/local-write-budget.js';
import type { WriteLimits } from '../../../src/shared-budget/write-limits.js';
import { createPacedFetch } from '../../../src/streaming/delivery/paced-fetch.js';
import { systemTimers } from '../../../src/streaming/delivery/system-timers.js';
import { createWritePacer, type WritePacerOptions } from '../../../src/streaming/delivery/write-pacer.js';
import { advanceUntil } from './support/harness.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const API = 'http://127.0.0.1:1/bot123:abc';

/** The base fetch records when each request would be written (the paced fetch calls it at that moment). */
function recordingWorld(options: Partial<WritePacerOptions> & { globalPerSecond: number }) {
  const written: { method: string; at: number }[] = [];
  const base: typeof fetch = async (input) => {
    written.push({ method: String(input).slice(API.length + 1), at: Date.now() });
    return new Response('{"ok":true,"result":true}');
  };
  const paced = createPacedFetch({
    pacer: createWritePacer({ marginMs: 0, ...options }),
    base,
    timers: systemTimers,
  });
  const call = (method: string, body: object = {}, signal?: AbortSignal) =>
    paced(`${API}/${method}`, { method: 'POST', body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  return { written, call };
}

it('writes at once while the window has room, then one as each old write leaves it, in arrival order', async () => {
  const world = recordingWorld({ globalPerSecond: 2 });
  const calls = ['sendMessage', 'editMessageText', 'sendChatAction', 'answerCallbackQuery'].map((method) =>
    world.call(method, { chat_id: 7 }),
  );
  expect(world.written.map((write) => write.method)).toEqual(['sendMessage', 'editMessageText']);
  await advanceUntil(() => world.written.length === 4, 5000, 50);
  expect(world.written.map((write) => write.method)).toEqual([
    'sendMessage',
    'editMessageText',
    'sendChatAction',
    'answerCallbackQuery',
  ]);
  expect(world.written[2]!.at - world.written[0]!.at).toBeGreaterThanOrEqual(1000);
  await Promise.all(calls);
});

it('polling is not counted and never waits', () => {
  const world = recordingWorld({ globalPerSecond: 1 });
  void world.call('sendMessage', { chat_id: 1 });
  void world.call('getUpdates');
  expect(world.written.map((write) => write.method)).toEqual(['sendMessage', 'getUpdates']);
});

it('a group waiting for its own spacing does not hold up other chats', async () => {
  const world = recordingWorld({ globalPerSecond: 100 });
  void world.call('editMessageText', { chat_id: -5, text: 'a' });
  void world.call('editMessageText', { chat_id: -5, text: 'b' });
  void world.call('sendMessage', { chat_id: 9 });
  expect(world.written.map((write) => write.method)).toEqual(['editMessageText', 'sendMessage']);
  await advanceUntil(() => world.written.length === 3, 5000, 50);
  expect(world.written[2]!.at - world.written[0]!.at).toBeGreaterThanOrEqual(1000);
});

it('an aborted waiting call is dropped without being written', async () => {
  const world = recordingWorld({ globalPerSecond: 1 });
  void world.call('sendMessage', { chat_id: 1 });
  const controller = new AbortController();
  const waiting = world.call('sendMessage', { chat_id: 2 }, controller.signal);
  controller.abort();
  await expect(waiting).rejects.toBeDefined();
  await vi.advanceTimersByTimeAsync(3000);
  expect(world.written).toHaveLength(1);
});

it('a private chat past its burst waits for its window; other chats go on', async () => {
  const world = recordingWorld({ globalPerSecond: 100, privatePerWindow: 2, privateWindowMs: 1000 });
  for (const text of ['a', 'b', 'c']) void world.call('sendMessageDraft', { chat_id: 5, text });
  void world.call('sendMessage', { chat_id: 6 });
  // Chat actions spend only the bot-wide budget.
  void world.call('sendChatAction', { chat_id: 5 });
  expect(world.written.map((write) => write.method)).toEqual([
    'sendMessageDraft',
    'sendMessageDraft',
    'sendMessage',
    'sendChatAction',
  ]);
  await advanceUntil(() => world.written.length === 5, 5000, 50);
  expect(world.written[4]!.method).toBe('sendMessageDraft');
  expect(world.written[4]!.at - world.written[0]!.at).toBeGreaterThanOrEqual(1000);
});

it('a call whose answer never comes frees its place after the stall time, not never', async () => {
  const written: number[] = [];
  const hanging: typeof fetch = () => {
    written.push(Date.now());
    return new Promise<Response>(() => {});
  };
  const paced = createPacedFetch({
    pacer: createWritePacer({ globalPerSecond: 1, marginMs: 0 }),
    base: hanging,
    timers: systemTimers,
    stallMs: 5000,
  });
  void paced(`${API}/sendMessage`, { method: 'POST', body: '{"chat_id":1}' });
  void paced(`${API}/sendMessage`, { method: 'POST', body: '{"chat_id":2}' });
  await vi.advanceTimersByTimeAsync(4000);
  expect(written).toHaveLength(1);
  await advanceUntil(() => written.length === 2, 10_000, 50);
  // Counted as answered at 5 s, so its second lasts until 6 s.
  expect(written[1]! - written[0]!).toBeGreaterThanOrEqual(6000);
});

it('reports how long each answered call took from write to answer; a stalled one is not reported', async () => {
  const roundTrips: number[] = [];
  let answer = true;
  const slow: typeof fetch = () =>
    answer
      ? new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('{"ok":true}')), 120))
      : new Promise<Response>(() => {});
  const paced = createPacedFetch({
    pacer: createWritePacer({ globalPerSecond: 10, marginMs: 0 }),
    base: slow,
    timers: systemTimers,
    stallMs: 1000,
    onRoundTrip: (ms) => roundTrips.push(ms),
  });
  const first = paced(`${API}/sendMessage`, { method: 'POST', body: '{"chat_id":1}' });
  await vi.advanceTimersByTimeAsync(200);
  await first;
  expect(roundTrips).toEqual([120]);
  answer = false;
  void paced(`${API}/sendMessage`, { method: 'POST', body: '{"chat_id":2}' });
  await vi.advanceTimersByTimeAsync(2000);
  expect(roundTrips).toEqual([120]);
});

describe('with a budget shared with other instances', () => {
  /**
   * The shared budget here is the local fallback budget (the same windows as Redis's, in process):
   * a real `WriteBudget`, asked asynchronously as Redis would be.
   */
  function sharedWorld(limits: WriteLimits) {
    const written: { method: string; chatId: number | undefined; at: number }[] = [];
    const base: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { chat_id?: number };
      written.push({ method: String(input).slice(API.length + 1), chatId: body.chat_id, at: Date.now() });
      return new Response('{"ok":true,"result":true}');
    };
    const budget = createLocalWriteBudget(limits);
    const paced = createPacedFetch({
      pacer: createWritePacer({ globalPerSecond: 100, marginMs: 0 }),
      base,
      timers: systemTimers,
      shared: { claim: async (target) => budget.claim(target), hold: () => {} },
    });
    const call = (method: string, body: object = {}, signal?: AbortSignal) =>
      paced(`${API}/${method}`, {
        method: 'POST',
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    return { written, call };
  }

  it('claims each call before writing it, in arrival order, and retries after the wait it was given', async () => {
    const world = sharedWorld({ bot: [{ limit: 2, windowMs: 1000 }], group: [], private: [] });
    const calls = ['sendMessage', 'editMessageText', 'sendChatAction', 'answerCallbackQuery'].map((method) =>
      world.call(method, { chat_id: 7 }),
    );
    // Nothing is written before its claim is answered.
    expect(world.written).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(world.written.map((write) => write.method)).toEqual(['sendMessage', 'editMessageText']);
    await advanceUntil(() => world.written.length === 4, 5000, 50);
    expect(world.written.map((write) => write.method)).toEqual([
      'sendMessage',
      'editMessageText',
      'sendChatAction',
      'answerCallbackQuery',
    ]);
    // Counted from their answers (which came at once here): a second later, not before.
    expect(world.written[2]!.at - world.written[0]!.at).toBeGreaterThanOrEqual(1000);
    await Promise.all(calls);
  });

  it('a chat the shared budget says must wait does not hold up other chats', async () => {
    const world = sharedWorld({
      bot: [{ limit: 100, windowMs: 1000 }],
      group: [{ limit: 1, windowMs: 1000 }],
      private: [],
    });
    void world.call('editMessageText', { chat_id: -5, text: 'a' });
    void world.call('editMessageText', { chat_id: -5, text: 'b' });
    void world.call('sendMessage', { chat_id: 9 });
    await advanceUntil(() => world.written.length === 3, 5000, 10);
    expect(world.written.map((write) => write.chatId)).toEqual([-5, 9, -5]);
    expect(world.written[2]!.at - world.written[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('an aborted call waiting for the shared budget is not written', async () => {
    const world = sharedWorld({ bot: [{ limit: 1, windowMs: 1000 }], group: [], private: [] });
    void world.call('sendMessage', { chat_id: 1 });
    const controller = new AbortController();
    const waiting = world.call('sendMessage', { chat_id: 2 }, controller.signal);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    await vi.advanceTimersByTimeAsync(3000);
    expect(world.written.map((write) => write.chatId)).toEqual([1]);
  });
});
