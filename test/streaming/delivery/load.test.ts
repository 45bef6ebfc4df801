import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { AnswerDelivery, ChatType } from '../../../src/streaming/delivery/types.js';
import type { RecordedCall } from './support/fake-sink.js';
import { createHarness, type Harness, settle } from './support/harness.js';

let harness: Harness;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const isContent = (call: RecordedCall) => call.method !== 'sendChatAction';

test('500 concurrent answers: budgets hold, first frames go first, every answer is delivered in full', async () => {
  harness = createHarness();
  const count = 500;
  const answers: { chatId: number; chatType: ChatType; delivery: AnswerDelivery; text: string }[] = [];
  for (let index = 0; index < count; index++) {
    const chatType: ChatType = index % 2 === 0 ? 'private' : 'supergroup';
    const chatId = chatType === 'private' ? index + 1 : -(index + 1);
    answers.push({ chatId, chatType, delivery: harness.start({ chatId, chatType }), text: '' });
  }

  const cpuBefore = process.cpuUsage();
  // Every answer writes a 4-character token every 50 ms for 20 s (2 tokens a second more than any
  // chat could ever show), then finishes.
  for (let tick = 0; tick < 400; tick++) {
    for (const answer of answers) {
      const token = `${tick % 10}${tick % 7} `;
      answer.text += token.padEnd(4, '.');
      answer.delivery.appendText(token.padEnd(4, '.'));
    }
    await vi.advanceTimersByTimeAsync(50);
  }
  const results = await settle(
    Promise.all(answers.map((answer) => answer.delivery.finish({ status: 'complete' }))),
    600_000,
  );
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  // Delivered, in full, exactly once.
  for (const [index, answer] of answers.entries()) {
    expect(results[index]?.delivered).toBe(true);
    const texts = harness.sink.messages(answer.chatId).map((message) => message.text.text);
    expect(texts.join('')).toBe(answer.text);
  }

  // The bot-wide budget and every chat's budget held.
  const calls = harness.sink.calls;
  expect(
    maxInWindow(
      calls.map((call) => call.at),
      1000,
    ),
  ).toBeLessThanOrEqual(30);
  const byChat = new Map<number, number[]>();
  for (const call of calls) byChat.set(call.chatId, [...(byChat.get(call.chatId) ?? []), call.at]);
  for (const [chatId, times] of byChat) {
    if (chatId > 0) expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(2);
    else expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(20);
  }

  // The first visible text of every answer went before intermediate updates.
  const lastFirstVisible = Math.max(
    ...answers.map((answer) => answer.delivery.stats.firstVisibleAt ?? Infinity),
  );
  const shown = new Set<number>();
  let earlyUpdates = 0;
  for (const call of calls) {
    if (!isContent(call) || !call.text?.text) continue;
    if (!shown.has(call.chatId)) shown.add(call.chatId);
    else if (call.at < lastFirstVisible) earlyUpdates += 1;
  }
  expect(shown.size).toBe(count);
  expect(earlyUpdates).toBeLessThanOrEqual(5);

  // Intermediate frames were shared: every answer got some, none hogged them.
  const framesPerAnswer = answers.map((answer) => answer.delivery.stats.frames);
  expect(Math.min(...framesPerAnswer)).toBeGreaterThanOrEqual(2);
  expect(Math.max(...framesPerAnswer)).toBeLessThanOrEqual(Math.min(...framesPerAnswer) * 3 + 3);

  // Rendering followed calls, not tokens (400 tokens per answer).
  expect(harness.render.calls.length).toBeLessThanOrEqual(calls.length + count);
  console.log(
    `500 answers: ${calls.length} calls, ${harness.render.calls.length} renders, ` +
      `${Math.round(cpuMs)} ms CPU for 200,000 appends and the whole schedule`,
  );
  expect(cpuMs).toBeLessThan(60_000);
});

test('fast and slow models in different chats get frames in turn, not by token arrival', async () => {
  harness = createHarness({ gate: { globalPerSecond: 3 } });
  const fast = harness.start({ chatId: 1 });
  const slow = [2, 3].map((chatId) => harness.start({ chatId }));
  for (let tick = 0; tick < 300; tick++) {
    fast.appendText('fast ');
    if (tick % 10 === 0) for (const answer of slow) answer.appendText('slow ');
    await vi.advanceTimersByTimeAsync(100);
  }
  const frames = [1, 2, 3].map((chatId) => harness.sink.callsTo(chatId).length);
  await settle(Promise.all([fast, ...slow].map((answer) => answer.finish({ status: 'complete' }))));
  // The fast chat wrote 10 times as often but gets no more than its turn.
  expect(frames[0]).toBeLessThanOrEqual(Math.max(frames[1]!, frames[2]!) + 3);
  expect(Math.min(...frames)).toBeGreaterThan(15);
});
