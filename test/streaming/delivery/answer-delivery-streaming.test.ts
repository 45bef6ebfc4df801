import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createDeliveryEngine } from '../../../src/streaming/delivery/create-delivery-engine.js';
import type { RenderTelegramParts } from '../../../src/streaming/delivery/types.js';
import { createFakeRender } from './support/fake-render.js';
import { createFakeSink, type RecordedCall } from './support/fake-sink.js';
import { advanceUntil, createHarness, type Harness, settle } from './support/harness.js';

let harness: Harness;
let cleanup: (() => Promise<void>) | undefined;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await harness.close();
  await cleanup?.();
  cleanup = undefined;
  vi.useRealTimers();
});

const frames = (calls: RecordedCall[]) =>
  calls.filter(
    (call) => call.method === 'sendDraft' || call.method === 'editMessage' || call.method === 'sendMessage',
  );

describe('latest wins', () => {
  test('a burst of 1000 appends behind a slow Telegram leaves one pending frame: the newest', async () => {
    harness = createHarness();
    const answer = harness.start();
    await advanceUntil(() => harness.sink.calls.length === 1); // the empty draft
    harness.sink.pause();
    answer.appendText('start');
    await advanceUntil(() => harness.sink.inFlight === 1);
    const rendersBefore = harness.render.calls.length;

    let expected = 'start';
    for (let index = 0; index < 1000; index++) {
      answer.appendText(` ${index % 10}`); // 2000 characters: one part
      expected += ` ${index % 10}`;
    }
    await vi.advanceTimersByTimeAsync(10_000);
    // Nothing was queued or rendered while the call was in flight.
    expect(harness.sink.calls).toHaveLength(2);
    expect(harness.render.calls.length).toBe(rendersBefore);

    harness.sink.resume();
    await advanceUntil(() => harness.sink.calls.length === 3);
    expect(harness.sink.calls[2]?.text?.text).toBe(expected);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(harness.sink.calls).toHaveLength(3);
    expect(harness.render.calls.length).toBe(rendersBefore + 1);

    await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1).map((message) => message.text.text)).toEqual([expected]);
  });

  test('renders only when a call is granted, from the first uncommitted part', async () => {
    // 100 characters a second into 1000-character parts: a group's budget (a call per 3.5 s) keeps up.
    harness = createHarness({ partLimit: 1000 });
    const answer = harness.start({ chatType: 'group' });
    for (let second = 0; second < 120; second++) {
      for (let token = 0; token < 20; token++) answer.appendText('abcd ');
      await vi.advanceTimersByTimeAsync(1000);
    }
    await settle(answer.finish({ status: 'complete' }));
    const totalText = 120 * 20 * 5;
    expect(harness.sink.messages(1)).toHaveLength(totalText / 1000);
    // One rendering per call at most, each of what is not committed yet: one part plus what arrived
    // since the last frame (a group gets a frame every 3.5 s), never the whole answer.
    expect(harness.render.calls.length).toBeLessThanOrEqual(harness.sink.calls.length + 2);
    for (const call of harness.render.calls) expect(call.chars).toBeLessThanOrEqual(1000 + 500);
    // Rendering per token would cost about totalText² / 2 / 5 = 14 million characters.
    expect(harness.render.renderedChars).toBeLessThan(totalText * 30);
  });
});

describe('never an unchanged or empty frame', () => {
  test('a source change that does not change the rendering sends nothing', async () => {
    // Like the real renderer, hide an unfinished "**" at the end of the text.
    const base = createFakeRender();
    const render: RenderTelegramParts = (source, from, options) =>
      base.render(
        { ...source, text: options.final ? source.text : source.text.replace(/\*+$/, '') },
        from,
        options,
      );
    const sink = createFakeSink();
    const engine = createDeliveryEngine({ sink: sink.sink, createRenderer: () => render, options: {} });
    cleanup = async () => settle(engine.close(), 10_000);
    harness = createHarness();

    const answer = engine.startAnswer({ chatId: 5, chatType: 'group', showReasoning: false });
    answer.appendText('Hello ');
    await advanceUntil(() => sink.callsTo(5, 'sendMessage').length === 1);
    answer.appendText('*');
    await vi.advanceTimersByTimeAsync(5000);
    answer.appendText('*');
    await vi.advanceTimersByTimeAsync(5000);
    expect(frames(sink.calls)).toHaveLength(1);
    answer.appendText('bold**');
    await advanceUntil(() => sink.callsTo(5, 'editMessage').length === 1);
    await settle(answer.finish({ status: 'complete' }));

    const texts = frames(sink.calls).map((call) => call.text?.text);
    expect(texts).toEqual(['Hello ', 'Hello **bold', 'Hello **bold**']);
    for (let index = 1; index < texts.length; index++) expect(texts[index]).not.toBe(texts[index - 1]);
  });

  test('whitespace-only text is never sent; the empty draft is the only empty frame', async () => {
    harness = createHarness();
    const draft = harness.start();
    const edit = harness.start({ chatId: 2, chatType: 'group' });
    for (const answer of [draft, edit]) answer.appendText('  \n ');
    await vi.advanceTimersByTimeAsync(5000);
    for (const answer of [draft, edit]) answer.appendText('\n');
    await vi.advanceTimersByTimeAsync(5000);
    const blank = frames(harness.sink.calls).filter((call) => call.text?.text.trim() === '');
    expect(blank.map((call) => [call.chatId, call.method])).toEqual([[1, 'sendDraft']]);
    await settle(draft.finish({ status: 'complete' }));
    await settle(edit.finish({ status: 'complete' }));
  });

  test('a long silent model keeps the draft alive (it would vanish after ~30 s)', async () => {
    harness = createHarness({ draftKeepAliveMs: 20_000 });
    const answer = harness.start();
    answer.appendText('Waiting for tools');
    await advanceUntil(() => harness.sink.calls.length >= 1);
    await vi.advanceTimersByTimeAsync(65_000);
    const drafts = harness.sink.callsTo(1, 'sendDraft');
    expect(drafts.length).toBeGreaterThanOrEqual(4);
    for (let index = 1; index < drafts.length; index++) {
      expect(drafts[index]!.at - drafts[index - 1]!.at).toBeGreaterThanOrEqual(19_000);
    }
    await settle(answer.finish({ status: 'complete' }));
  });

  test('a keep-alive that meets a slow Telegram is not repeated on its heels', async () => {
    harness = createHarness({ draftKeepAliveMs: 20_000 });
    const answer = harness.start();
    answer.appendText('Waiting');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 1);
    await vi.advanceTimersByTimeAsync(19_000);
    harness.sink.pause();
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 2);
    await vi.advanceTimersByTimeAsync(8000); // Telegram answers 8 s later
    expect(vi.getTimerCount()).toBeLessThan(10);
    harness.sink.resume();
    await vi.advanceTimersByTimeAsync(5000);
    const drafts = harness.sink.callsTo(1, 'sendDraft');
    expect(drafts).toHaveLength(2);
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 3);
    const [, second, third] = harness.sink.callsTo(1, 'sendDraft');
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(20_000);
    await settle(answer.finish({ status: 'complete' }));
  });
});

describe('parts', () => {
  test('are committed in order and never changed afterwards (edit mode)', async () => {
    harness = createHarness({ partLimit: 50 });
    const stopKeyboard = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop:1' }]] };
    const answer = harness.start({ chatType: 'group', stopKeyboard });
    let source = '';
    for (let index = 0; index < 60; index++) {
      const word = `w${index} `;
      source += word;
      answer.appendText(word);
      await vi.advanceTimersByTimeAsync(700);
    }
    const result = await settle(answer.finish({ status: 'complete' }));
    const messages = harness.sink.messages(1);
    expect(messages.map((message) => message.text.text).join('')).toBe(source);
    expect(result.messageIds).toEqual(messages.map((message) => message.messageId));
    expect(messages.every((message) => message.keyboard === undefined)).toBe(true);

    // The last call to each message is its final edit (or its send); nothing touches it afterwards.
    const calls = harness.sink.calls.filter((call) => call.method !== 'sendChatAction');
    for (const [index, message] of messages.entries()) {
      const touching = calls
        .map((call, position) => ({ call, position }))
        .filter(({ call }) => (call.messageId ?? -1) === message.messageId);
      const last = touching.at(-1)!;
      expect(last.call.text?.text).toBe(message.text.text);
      const next = messages[index + 1];
      if (next) {
        const nextCreated = calls.findIndex(
          (call) => call.method === 'sendMessage' && call.messageId === next.messageId,
        );
        expect(last.position).toBeLessThan(nextCreated);
      }
    }
  });

  test('draft mode never edits: every part is one sendMessage', async () => {
    harness = createHarness({ partLimit: 30 });
    const answer = harness.start();
    for (let index = 0; index < 40; index++) {
      answer.appendText(`${index} `);
      await vi.advanceTimersByTimeAsync(300);
    }
    await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.callsTo(1, 'editMessage')).toEqual([]);
    const sends = harness.sink.callsTo(1, 'sendMessage');
    expect(sends.map((call) => call.messageId)).toEqual(
      harness.sink.messages(1).map((message) => message.messageId),
    );
    expect(sends.map((call) => call.text?.text).join('')).toBe(
      Array.from({ length: 40 }, (_, i) => `${i} `).join(''),
    );
  });
});

describe('typing', () => {
  test('edit mode shows typing while waiting for the first token, refreshed every ~4 s, and stops', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    await vi.advanceTimersByTimeAsync(13_000);
    const typing = harness.sink.callsTo(1, 'sendChatAction');
    expect(typing.map((call) => call.options.action)).toEqual(['typing', 'typing', 'typing', 'typing']);
    for (let index = 1; index < typing.length; index++) {
      const gap = typing[index]!.at - typing[index - 1]!.at;
      expect(gap).toBeGreaterThanOrEqual(4000);
      expect(gap).toBeLessThan(4500);
    }
    answer.appendText('Here it comes');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(harness.sink.callsTo(1, 'sendChatAction')).toHaveLength(4);
    await settle(answer.finish({ status: 'complete' }));
  });

  test('typing stops when the answer ends without text, and never delays a frame', async () => {
    harness = createHarness({ gate: { group: { burst: 1, refillMs: 3000, minSpacingMs: 1000 } } });
    const answer = harness.start({ chatType: 'group' });
    await advanceUntil(() => harness.sink.callsTo(1, 'sendChatAction').length === 1);
    await vi.advanceTimersByTimeAsync(2500);
    answer.appendText('Text');
    await vi.advanceTimersByTimeAsync(100);
    await settle(answer.finish({ status: 'complete' }));
    const sequence = harness.sink.callsTo(1).map((call) => call.method);
    expect(sequence).toEqual(['sendChatAction', 'sendMessage']);

    const silent = harness.start({ chatId: 2, chatType: 'group' });
    await vi.advanceTimersByTimeAsync(1000);
    await settle(silent.finish({ status: 'error', notice: 'Failed.' }));
    const countAtEnd = harness.sink.callsTo(2, 'sendChatAction').length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(harness.sink.callsTo(2, 'sendChatAction')).toHaveLength(countAtEnd);
  });

  test('draft mode has no typing: the empty draft says "Thinking…"', async () => {
    harness = createHarness();
    const answer = harness.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(harness.sink.callsTo(1, 'sendChatAction')).toEqual([]);
    await settle(answer.finish({ status: 'cancelled', notice: 'Stopped.' }));
  });
});

describe('first phase priorities', () => {
  test('empty "Thinking…" drafts wait behind real first text; one whose text came meanwhile is skipped', async () => {
    harness = createHarness({ gate: { globalPerSecond: 2 } });
    const silent = [1, 2, 3, 4].map((chatId) => harness.start({ chatId }));
    const talking = harness.start({ chatId: 5 });
    talking.appendText('Hello');
    await advanceUntil(() => harness.sink.callsTo(5).length === 1);
    const contentCalls = harness.sink.calls.filter((call) => call.method === 'sendDraft');
    // Chat 1's placeholder may have gone at once; chat 5's text goes before every other placeholder.
    expect(contentCalls.filter((call) => call.text?.text === '').length).toBeLessThanOrEqual(1);
    // Chat 5 never sends an empty draft: its text was there when its turn came.
    expect(harness.sink.callsTo(5).map((call) => call.text?.text)).toEqual(['Hello']);
    await advanceUntil(() => [1, 2, 3, 4].every((chatId) => harness.sink.callsTo(chatId).length === 1));
    await settle(Promise.all([...silent, talking].map((answer) => answer.finish({ status: 'complete' }))));
  });
});

describe('chat actions', () => {
  test("typing does not spend the group's budget: the first text follows it without the 1 s spacing", async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group' });
    await advanceUntil(() => harness.sink.callsTo(1, 'sendChatAction').length === 1);
    answer.appendText('Text');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    const [typing] = harness.sink.callsTo(1, 'sendChatAction');
    const [first] = harness.sink.callsTo(1, 'sendMessage');
    expect(first!.at - typing!.at).toBeLessThan(500);
    await settle(answer.finish({ status: 'complete' }));
  });
});

describe('reasoning', () => {
  test('draft mode shows the reasoning as a quote while it grows, and the final carries it collapsed', async () => {
    harness = createHarness();
    const answer = harness.start({ showReasoning: true });
    answer.appendReasoning('Let me think');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 1);
    expect(harness.sink.callsTo(1, 'sendDraft')[0]?.text).toEqual({
      text: 'Let me think',
      entities: [{ type: 'blockquote', offset: 0, length: 12 }],
    });
    answer.appendReasoning(' hard.');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendDraft').length === 2);
    answer.appendText('Answer');
    await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1)[0]?.text).toEqual({
      text: 'Let me think hard.Answer',
      entities: [{ type: 'expandable_blockquote', offset: 0, length: 18 }],
    });
  });

  test('a long reasoning shows only its tail in the draft, at a bounded rendering cost', async () => {
    harness = createHarness({ reasoningTailChars: 500 });
    const answer = harness.start({ showReasoning: true });
    for (let index = 0; index < 400; index++) {
      answer.appendReasoning(`step ${index} of the reasoning\n`);
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(2000);
    const drafts = harness.sink.callsTo(1, 'sendDraft');
    expect(drafts.length).toBeGreaterThan(10);
    expect(drafts.at(-1)?.text?.text.endsWith('step 399 of the reasoning\n')).toBe(true);
    for (const draft of drafts) expect(draft.text!.text.length).toBeLessThanOrEqual(500);
    for (const call of harness.render.calls) expect(call.chars).toBeLessThanOrEqual(500);
    await settle(answer.finish({ status: 'complete' }));
  });

  test('hidden reasoning: the draft stays "Thinking…" and the final text has none', async () => {
    harness = createHarness();
    const answer = harness.start({ showReasoning: false });
    answer.appendReasoning('secret thoughts');
    await vi.advanceTimersByTimeAsync(5000);
    expect(harness.sink.callsTo(1, 'sendDraft').map((call) => call.text?.text)).toEqual(['']);
    answer.appendText('Visible');
    await settle(answer.finish({ status: 'complete' }));
    expect(harness.sink.messages(1)[0]?.text).toEqual({ text: 'Visible', entities: [] });
  });

  test('edit mode shows a short "Thinking… N s" line, updated by normal frames, then the answer', async () => {
    harness = createHarness();
    const answer = harness.start({ chatType: 'group', showReasoning: true });
    answer.appendReasoning('a');
    await advanceUntil(() => harness.sink.callsTo(1, 'sendMessage').length === 1);
    expect(harness.sink.callsTo(1, 'sendMessage')[0]?.text).toEqual({
      text: 'Thinking… 0 s',
      entities: [{ type: 'italic', offset: 0, length: 13 }],
    });
    // A reasoning token every 10 ms for 12 s: frames follow the chat's budget, not the tokens.
    for (let index = 0; index < 1200; index++) {
      answer.appendReasoning('b');
      await vi.advanceTimersByTimeAsync(10);
    }
    const edits = harness.sink.callsTo(1, 'editMessage');
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThanOrEqual(5);
    expect(edits.every((call) => /^Thinking… \d+ s$/.test(call.text?.text ?? ''))).toBe(true);
    answer.appendText('The answer');
    await settle(answer.finish({ status: 'complete' }));
    const [message] = harness.sink.messages(1);
    expect(message?.text.text).toBe(`a${'b'.repeat(1200)}The answer`);
    expect(message?.text.entities[0]).toMatchObject({ type: 'expandable_blockquote' });
  });
});

describe('priorities across answers', () => {
  test('a finishing answer overtakes the updates other chats have queued', async () => {
    harness = createHarness({ gate: { globalPerSecond: 2 } });
    const answers = Array.from({ length: 8 }, (_, index) => harness.start({ chatId: index + 1 }));
    for (let tick = 0; tick < 50; tick++) {
      for (const answer of answers) answer.appendText(`${tick} `);
      await vi.advanceTimersByTimeAsync(100);
    }
    const finishing = answers[0]!.finish({ status: 'complete' });
    const finishedAt = Date.now();
    await settle(finishing);
    const final = harness.sink.callsTo(1, 'sendMessage')[0]!;
    // Seven other chats have updates waiting (3.5 s of global budget); the final waits at most for the
    // one turn Bottleneck had already committed to.
    expect(final.at - finishedAt).toBeLessThanOrEqual(1100);
    for (const answer of answers.slice(1)) await settle(answer.finish({ status: 'complete' }));
  });

  test('the final text of an answer that shows nothing yet goes before finals of answers on screen', async () => {
    harness = createHarness({ gate: { globalPerSecond: 2 } });
    const shown = Array.from({ length: 6 }, (_, index) => harness.start({ chatId: index + 1 }));
    for (const answer of shown) answer.appendText('Visible text ');
    const showsText = (chatId: number) =>
      harness.sink.callsTo(chatId, 'sendDraft').some((call) => call.text?.text !== '');
    await advanceUntil(() => shown.every((_, index) => showsText(index + 1)));
    const unseen = harness.start({ chatId: 7 });
    const finishing = shown.map((answer) => answer.finish({ status: 'complete' }));
    unseen.appendText('Ended before its first frame.');
    finishing.push(unseen.finish({ status: 'complete' }));
    await settle(Promise.all(finishing));
    const finalAt = (chatId: number) => harness.sink.callsTo(chatId, 'sendMessage')[0]!.at;
    const earlier = shown.filter((_, index) => finalAt(index + 1) < finalAt(7));
    // Queued last, it overtakes all but the one turn Bottleneck had already committed to.
    expect(earlier.length).toBeLessThanOrEqual(1);
    expect(showsText(7)).toBe(false);
  });
});
