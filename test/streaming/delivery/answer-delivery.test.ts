import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { RecordedCall } from './support/fake-sink.js';
import { advanceUntil, createHarness, type Harness, settle } from './support/harness.js';

let harness: Harness;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

const texts = (calls: RecordedCall[]) => calls.map((call) => call.text?.text);

describe('draft transport (private chats)', () => {
  test('shows an empty draft with a stop button at once, streams drafts, commits with sendMessage', async () => {
    harness = createHarness();
    const answer = harness.start({ draftId: 77 });
    expect(answer.transport).toBe('draft');
    await advanceUntil(() => harness.sink.calls.length === 1);
    expect(harness.sink.calls[0]).toMatchObject({
      method: 'sendDraft',
      draftId: 77,
      text: { text: '' },
      options: { canStop: true },
    });

    answer.appendText('Hello');
    await advanceUntil(() => harness.sink.calls.length === 2);
    answer.appendText(', world');
    await vi.advanceTimersByTimeAsync(2000);
    const result = await settle(answer.finish({ status: 'complete' }));

    const calls = harness.sink.calls;
    expect(calls.map((call) => call.method)).toEqual(['sendDraft', 'sendDraft', 'sendDraft', 'sendMessage']);
    expect(calls.every((call) => call.method !== 'sendDraft' || call.draftId === 77)).toBe(true);
    expect(texts(calls)).toEqual(['', 'Hello', 'Hello, world', 'Hello, world']);
    expect(result).toEqual({ messageIds: [100], parts: 1, delivered: true });
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual(['Hello, world']);
    expect(answer.stats).toMatchObject({ frames: 4, parts: 1, rateLimited: 0 });
    expect(answer.stats.firstVisibleAt).toBeDefined();
    expect(answer.stats.finalAt).toBeDefined();
  });

  test('generates a stable non-zero draft id when none is given', async () => {
    harness = createHarness();
    const first = harness.start();
    const second = harness.start({ chatId: 2 });
    expect(first.draftId).not.toBe(0);
    expect(second.draftId).not.toBe(first.draftId);
    first.appendText('a');
    await vi.advanceTimersByTimeAsync(1500);
    first.appendText('b');
    await settle(first.finish({ status: 'complete' }));
    await settle(second.finish({ status: 'complete' }));
    const draftIds = new Set(harness.sink.callsTo(1, 'sendDraft').map((call) => call.draftId));
    expect([...draftIds]).toEqual([first.draftId]);
  });

  test('commits every completed part with sendMessage while the draft continues with the next one', async () => {
    harness = createHarness({ partLimit: 10 });
    const answer = harness.start();
    answer.appendText('aaaaaaaaaa'); // exactly one part, still live
    await vi.advanceTimersByTimeAsync(1000);
    answer.appendText('bbbbb');
    await vi.advanceTimersByTimeAsync(3000);
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual(['aaaaaaaaaa']);
    expect(harness.sink.draft(1)?.text.text).toBe('bbbbb');

    answer.appendText('bbbbbcc');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual([
      'aaaaaaaaaa',
      'bbbbbbbbbb',
      'cc',
    ]);
    expect(result.messageIds).toEqual([100, 101, 102]);
    expect(result.parts).toBe(3);
  });

  test('replies to the user message with the first message only and keeps the thread', async () => {
    harness = createHarness({ partLimit: 5 });
    const answer = harness.start({ replyToMessageId: 42, threadId: 9 });
    answer.appendText('12345678');
    await settle(answer.finish({ status: 'complete' }));
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends.map((call) => call.options)).toEqual([
      { threadId: 9, replyToMessageId: 42 },
      { threadId: 9 },
    ]);
    expect(harness.sink.callsTo(1, 'sendDraft').every((call) => call.options.threadId === 9)).toBe(true);
  });
});

describe('edit transport (groups)', () => {
  const stopKeyboard = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop:7' }]] };

  test('sends the first text as a reply with the stop button, edits, and removes the button at the end', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group', replyToMessageId: 50, threadId: 3, stopKeyboard });
    expect(answer.transport).toBe('edit');
    answer.appendText('One');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    answer.appendText(' two');
    await advanceUntil(() => harness.sink.callsTo(1, 'editMessage').length === 1);
    answer.appendText(' three');
    const result = await settle(answer.finish({ status: 'complete' }));

    const frames = harness.sink.calls.filter((call) => call.method !== 'sendChatAction');
    expect(frames.map((call) => [call.method, call.text?.text])).toEqual([
      ['sendMessage', 'One'],
      ['editMessage', 'One two'],
      ['editMessage', 'One two three'],
    ]);
    expect(frames[0]?.options).toEqual({ threadId: 3, replyToMessageId: 50, replyMarkup: stopKeyboard });
    expect(frames[1]?.options).toEqual({ replyMarkup: stopKeyboard });
    expect(frames[2]?.options).toEqual({ replyMarkup: null });
    expect(harness.sink.messages(1)).toEqual([
      { messageId: 100, text: { text: 'One two three', entities: [] }, keyboard: undefined, edits: 2 },
    ]);
    expect(result).toEqual({ messageIds: [100], parts: 1, delivered: true });
  });

  test('a final that only removes the keyboard still edits; without a keyboard an unchanged final is not sent', async () => {
    harness = createHarness();
    const withKeyboard = harness.start({ chatType: 'group', stopKeyboard });
    withKeyboard.appendText('Same');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    await settle(withKeyboard.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'editMessage').map((call) => call.options)).toEqual([
      { replyMarkup: null },
    ]);

    const plain = harness.start({ chatId: 2, chatType: 'group' });
    plain.appendText('Same');
    await advanceUntil(() => harness.sink.callsTo(2, 'sendMessage').length === 1);
    const result = await settle(plain.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(2).filter((call) => call.method !== 'sendChatAction')).toHaveLength(1);
    expect(result.messageIds).toEqual([100]);
  });

  test('a completed part gets its final edit and the next part is a new message', async () => {
    harness = createHarness({ partLimit: 10 });
    const answer = harness.start({ chatType: 'supergroup', replyToMessageId: 5, stopKeyboard });
    answer.appendText('aaaaa');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    answer.appendText('aaaaabbb');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 2);
    answer.appendText('bb');
    const result = await settle(answer.finish({ status: 'complete' }));

    expect(harness.sink.messages(1).map((message) => [message.text.text, message.keyboard])).toEqual([
      ['aaaaaaaaaa', undefined],
      ['bbbbb', undefined],
    ]);
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends[0]?.options).toMatchObject({ replyToMessageId: 5 });
    expect(sends[1]?.options).not.toHaveProperty('replyToMessageId');
    expect(sends[1]?.options).toMatchObject({ replyMarkup: stopKeyboard });
    expect(result.messageIds).toEqual([100, 101]);
  });

  test('mode draft forces drafts in a group and mode edit forces edits in a private chat', async () => {
    harness = createHarness({ mode: 'edit' });
    expect(harness.start().transport).toBe('edit');
    await harness.close();
    harness = createHarness({ mode: 'draft' });
    expect(harness.start({ chatType: 'group' }).transport).toBe('draft');
  });
});

describe('the final text', () => {
  test('a notice is its own italic line at the end of the last part', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Partial answer');
    await settle(
      answer.finish({ status: 'interrupted', notice: '⚠️ Interrupted: the model connection was lost.' }),
    );
    const [message] = harness.sink.messages(1);
    const notice = '⚠️ Interrupted: the model connection was lost.';
    expect(message?.text).toEqual({
      text: `Partial answer\n\n${notice}`,
      entities: [{ type: 'italic', offset: 16, length: notice.length }],
    });
  });

  test('a notice that does not fit becomes one more part', async () => {
    harness = createHarness({ partLimit: 20 });
    const answer = harness.start();
    answer.appendText('x'.repeat(18));
    const result = await settle(answer.finish({ status: 'cancelled', notice: 'Stopped.' }));
    expect(harness.sink.messages(1).map((message) => message.text)).toEqual([
      { text: 'x'.repeat(18), entities: [] },
      { text: 'Stopped.', entities: [{ type: 'italic', offset: 0, length: 8 }] },
    ]);
    expect(result.parts).toBe(2);
  });

  test('an answer with nothing to show says so instead of sending empty text', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('   ');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual([
      'The model returned an empty answer.',
    ]);
    expect(result.delivered).toBe(true);
    const empty = harness.sink.calls.filter(
      (call) => call.method !== 'sendDraft' && call.text?.text.trim() === '',
    );
    expect(empty).toEqual([]);
  });

  test('an error before any text delivers the notice alone', async () => {
    harness = createHarness();
    const answer = harness.start();
    const result = await settle(answer.finish({ status: 'error', notice: 'The model is unavailable.' }));
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual([
      'The model is unavailable.',
    ]);
    expect(result).toMatchObject({ parts: 1, delivered: true });
  });

  test('finish is idempotent and appends after finish are ignored', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Done');
    const first = answer.finish({ status: 'complete' });
    const second = answer.finish({ status: 'error', notice: 'ignored' });
    answer.appendText(' more');
    expect(await settle(first)).toEqual(await settle(second));
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual(['Done']);
  });
});
