import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { advanceUntil, createHarness, type Harness, settle } from './support/harness.js';

let harness: Harness;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

const messageTexts = (chatId = 1) => harness.sink.messages(chatId).map((message) => message.text.text);

describe('429', () => {
  test('holds the chat, keeps taking model text, delivers the final after the hold while other chats go on', async () => {
    harness = createHarness();
    const held = harness.start({ chatType: 'group' });
    const other = harness.start({ chatId: 2, chatType: 'group' });
    held.appendText('Hello');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    harness.sink.failNext({ chatId: 1, method: 'editMessage', kind: 'rate-limited', retryAfterSeconds: 30 });
    held.appendText(' there');
    await advanceUntil(() => harness.sink.callsTo(1, 'editMessage').length === 1);
    const limitedAt = harness.sink.callsTo(1, 'editMessage')[0]!.at;

    // The model keeps writing during the hold; appending never waits for Telegram.
    for (let index = 0; index < 50; index++) held.appendText(` word${index}`);
    other.appendText('Other chat');
    await vi.advanceTimersByTimeAsync(10_000);
    other.appendText(' goes on');
    await vi.advanceTimersByTimeAsync(5000);
    expect(harness.sink.callsTo(1).filter((call) => call.at > limitedAt)).toEqual([]);
    expect(harness.sink.callsTo(2, 'editMessage').length).toBeGreaterThan(0);

    const result = await settle(held.finish({ status: 'complete' }));
    const after = harness.sink.callsTo(1).filter((call) => call.at > limitedAt);
    expect(after.every((call) => call.at - limitedAt >= 30_000)).toBe(true);
    expect(after).toHaveLength(1); // only the final: nothing stale was queued
    expect(messageTexts()).toEqual([
      `Hello there${Array.from({ length: 50 }, (_, i) => ` word${i}`).join('')}`,
    ]);
    expect(result.delivered).toBe(true);
    expect(held.stats.rateLimited).toBe(1);
    await settle(other.finish({ status: 'complete' }));
  });

  test('a final that meets a 429 is delivered after retry_after, exactly once', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Final words');
    harness.sink.failNext({ method: 'sendMessage', kind: 'rate-limited', retryAfterSeconds: 7 });
    const finishing = answer.finish({ status: 'complete' });
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    const limitedAt = harness.sink.callsTo(1, 'sendMessage')[0]!.at;
    const result = await settle(finishing);
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - limitedAt).toBeGreaterThanOrEqual(7000);
    expect(messageTexts()).toEqual(['Final words']);
    expect(result).toEqual({ messageIds: [100], parts: 1, delivered: true });
  });
});

describe('retries', () => {
  test('a final that meets 5xx and network failures is retried with backoff and delivered once', async () => {
    // A generous chat budget, so that only the backoff spaces the attempts.
    harness = createHarness({ gate: { group: { burst: 10, refillMs: 1, minSpacingMs: 0 } } });
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('Answer');
    harness.sink.failNext({ method: 'sendMessage', kind: 'server', times: 2 });
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-unsent' });
    const result = await settle(answer.finish({ status: 'complete' }));
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends.map((call) => call.outcome)).toEqual(['server', 'server', 'network-unsent', 'ok']);
    expect(sends[2]!.at - sends[1]!.at).toBeGreaterThan(sends[1]!.at - sends[0]!.at);
    expect(messageTexts()).toEqual(['Answer']);
    expect(result.delivered).toBe(true);
    expect(answer.stats.retries).toBe(3);
  });

  test('a final edit with an ambiguous outcome is simply repeated: edits are idempotent', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('Live');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    answer.appendText(' and final');
    harness.sink.failNext({ method: 'editMessage', kind: 'network-ambiguous', applied: true });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'editMessage').map((call) => call.outcome)).toEqual([
      'network-ambiguous',
      'not-modified',
    ]);
    expect(messageTexts()).toEqual(['Live and final']);
    expect(result).toEqual({ messageIds: [100], parts: 1, delivered: true });
  });

  test('gives up after the configured attempts and says so', async () => {
    harness = createHarness({ finalRetry: { maxAttempts: 3, baseMs: 100 } });
    const answer = harness.start();
    answer.appendText('Never arrives');
    harness.sink.failNext({ method: 'sendMessage', kind: 'server', times: 100 });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'sendMessage')).toHaveLength(3);
    expect(result).toEqual({ messageIds: [], parts: 0, delivered: false, failure: 'retries-exhausted' });
  });

  test('intermediate frames that fail are dropped, not retried', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('One');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    harness.sink.failNext({ method: 'editMessage', kind: 'server' });
    answer.appendText(' two');
    await advanceUntil(() => harness.sink.callsTo(1, 'editMessage').length === 1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(harness.sink.callsTo(1, 'editMessage')).toHaveLength(1);
    answer.appendText(' three');
    await advanceUntil(() => harness.sink.callsTo(1, 'editMessage').length === 2);
    expect(harness.sink.callsTo(1, 'editMessage')[1]?.text?.text).toBe('One two three');
    await settle(answer.finish({ status: 'complete' }));
    expect(messageTexts()).toEqual(['One two three']);
  });

  test('a part Telegram refuses is resent once as plain text', async () => {
    harness = createHarness();
    const answer = harness.start({ showReasoning: true });
    answer.appendReasoning('why');
    answer.appendText('Because');
    harness.sink.failNext({ method: 'sendMessage', kind: 'bad-request' });
    const result = await settle(answer.finish({ status: 'complete' }));
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends.map((call) => call.text?.entities.length)).toEqual([1, 0]);
    expect(harness.sink.messages(1)[0]?.text).toEqual({ text: 'whyBecause', entities: [] });
    expect(result.delivered).toBe(true);
  });

  test('a part refused even as plain text is skipped and reported', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Bad');
    harness.sink.failNext({ method: 'sendMessage', kind: 'too-long', times: 2 });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'sendMessage')).toHaveLength(2);
    expect(result).toEqual({ messageIds: [], parts: 0, delivered: false, failure: 'rejected' });
    expect(harness.logger.entries.some((entry) => entry.level === 'error')).toBe(true);
  });
});

describe('message-gone and chat-gone', () => {
  test('a message deleted mid-stream: the answer carries on in a new message', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('First words');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    harness.sink.deleteMessage(1, 100);
    answer.appendText(', more');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 2);
    answer.appendText(', end');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'editMessage')[0]?.outcome).toBe('message-gone');
    expect(harness.sink.messages(1).map((message) => [message.messageId, message.text.text])).toEqual([
      [101, 'First words, more, end'],
    ]);
    expect(result).toEqual({ messageIds: [101], parts: 1, delivered: true });
  });

  test('a message deleted before its final edit is sent anew', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('Text');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    harness.sink.deleteMessage(1, 100);
    answer.appendText(' done');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(messageTexts()).toEqual(['Text done']);
    expect(result.messageIds).toEqual([101]);
  });

  test('chat gone: the signal aborts and nothing more is sent', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Hello');
    harness.sink.failNext({ method: 'sendDraft', kind: 'chat-gone' });
    await advanceUntil(() => answer.signal.aborted);
    const callsBefore = harness.sink.calls.length;
    answer.appendText(' more');
    const result = await settle(answer.finish({ status: 'complete' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(harness.sink.calls).toHaveLength(callsBefore);
    expect(result).toEqual({ messageIds: [], parts: 0, delivered: false, failure: 'chat-gone' });
  });

  test('chat gone during the final: delivery stops at once', async () => {
    harness = createHarness({ partLimit: 5 });
    const answer = harness.start({ chatType: 'group' });
    answer.appendText('aaaaabbbbbccccc');
    harness.sink.failNext({ method: 'sendMessage', kind: 'chat-gone' });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'sendMessage')).toHaveLength(1);
    expect(answer.signal.aborted).toBe(true);
    expect(result.failure).toBe('chat-gone');
  });
});

describe('no duplicates after an ambiguous send', () => {
  test('the send had reached Telegram: its message is found and adopted, not sent again', async () => {
    harness = createHarness();
    const answer = harness.start({ lastSeenMessageId: 99 });
    answer.appendText('Exactly once');
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-ambiguous', applied: true });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(messageTexts()).toEqual(['Exactly once']);
    expect(harness.sink.callsTo(1, 'sendMessage')).toHaveLength(1);
    expect(harness.sink.callsTo(1, 'editMessage').map((call) => [call.messageId, call.outcome])).toEqual([
      [100, 'not-modified'],
    ]);
    expect(result).toEqual({ messageIds: [100], parts: 1, delivered: true });
  });

  test('the send had not reached Telegram: the probe finds nothing and it is sent again', async () => {
    harness = createHarness();
    const answer = harness.start({ lastSeenMessageId: 99 });
    answer.appendText('Exactly once');
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-ambiguous', applied: false });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(messageTexts()).toEqual(['Exactly once']);
    expect(harness.sink.callsTo(1, 'editMessage').map((call) => call.outcome)).toEqual([
      'message-gone',
      'message-gone',
      'message-gone',
    ]);
    expect(result.messageIds).toEqual([100]);
  });

  test('messages from others between ours are skipped', async () => {
    harness = createHarness({ partLimit: 5 });
    const answer = harness.start({ chatType: 'group', lastSeenMessageId: 99 });
    answer.appendText('aaaaabbb');
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-ambiguous', applied: true });
    // Someone writes while the ambiguous first part is in flight: the user's message takes id 100.
    harness.sink.foreignMessage(1);
    const result = await settle(answer.finish({ status: 'complete' }));
    const ours = harness.sink.messages(1).filter((message) => message.text.text !== 'user');
    expect(ours.map((message) => [message.messageId, message.text.text])).toEqual([
      [101, 'aaaaa'],
      [102, 'bbb'],
    ]);
    expect(result.messageIds).toEqual([101, 102]);
  });

  test('a first frame with an ambiguous outcome is adopted as the live message (no orphan with a Stop button)', async () => {
    harness = createHarness();
    const stopKeyboard = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop:1' }]] };
    const answer = harness.start({ chatType: 'group', lastSeenMessageId: 99, stopKeyboard });
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-ambiguous', applied: true });
    answer.appendText('Start');
    await advanceUntil(() => harness.sink.callsTo(1, 'editMessage').length === 1);
    answer.appendText(' and more');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1).map((message) => [message.text.text, message.keyboard])).toEqual([
      ['Start and more', undefined],
    ]);
    expect(result.messageIds).toEqual([100]);
  });

  test('with no known message id to check from, the send is repeated (a duplicate beats a lost answer)', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Twice maybe');
    harness.sink.failNext({ method: 'sendMessage', kind: 'network-ambiguous', applied: true });
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'sendMessage')).toHaveLength(2);
    expect(result).toMatchObject({ messageIds: [101], delivered: true });
    expect(harness.logger.entries.some((entry) => entry.message.includes('no known message id'))).toBe(true);
  });
});

describe('drafts refused', () => {
  test('falls back to send + edit for the answer and remembers it for the chat', async () => {
    harness = createHarness();
    harness.sink.failNext({ method: 'sendDraft', kind: 'draft-refused' });
    const answer = harness.start();
    await advanceUntil(() => answer.transport === 'edit');
    // Nothing to show yet: edit mode shows "typing…" instead of the draft placeholder.
    await advanceUntil(() => harness.sink.callsTo(1, 'sendChatAction').length === 1);
    answer.appendText('Hello');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    answer.appendText(' again');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'sendDraft')).toHaveLength(1);
    expect(harness.sink.callsTo(1, 'sendChatAction').length).toBeGreaterThan(0);
    expect(messageTexts()).toEqual(['Hello again']);
    expect(result.delivered).toBe(true);

    const next = harness.start();
    expect(next.transport).toBe('edit');
    expect(harness.start({ chatId: 2 }).transport).toBe('draft');
  });

  test('a draft refused mid-stream continues in a message', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Part');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 2);
    harness.sink.failNext({ method: 'sendDraft', kind: 'draft-refused' });
    answer.appendText(' of it');
    await advanceUntil(() => answer.transport === 'edit');
    const result = await settle(answer.finish({ status: 'complete' }));
    expect(messageTexts()).toEqual(['Part of it']);
    expect(result.delivered).toBe(true);
  });
});

describe('engine lifecycle', () => {
  test('close ends running answers as closed, aborts them, and makes no more calls', async () => {
    harness = createHarness();
    const answer = harness.start();
    answer.appendText('Unfinished');
    await advanceUntil(() => harness.sink.calls.length >= 2);
    const finishing = answer.finish({ status: 'complete' });
    await harness.close();
    const callsAtClose = harness.sink.calls.length;
    expect((await settle(finishing)).failure).toBe('closed');
    expect(answer.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(harness.sink.calls.length).toBe(callsAtClose);
  });

  test('drain waits for every finishing answer', async () => {
    harness = createHarness();
    const answers = [1, 2, 3].map((chatId) => harness.start({ chatId }));
    for (const answer of answers) answer.appendText('Bye');
    harness.sink.pause();
    const results = answers.map((answer) => answer.finish({ status: 'complete' }));
    let drained = false;
    void harness.engine.drain().then(() => {
      drained = true;
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(drained).toBe(false);
    harness.sink.resume();
    await advanceUntil(() => drained);
    for (const result of await settle(Promise.all(results))) expect(result.delivered).toBe(true);
  });
});
