import { describe, expect, it } from 'vitest';
import type { EmulatorEvent, TimelineEvent } from '../../src/emulator/index.js';
import { type AnswerMetrics, createAnswerTracker } from '../../src/playground/answer-tracker.js';

const PRIVATE = 100;
const GROUP = -1000;
const STOP = { inline_keyboard: [[{ text: '⏹ Stop', callback_data: 'stop:7' }]] };

function setup() {
  const changes: AnswerMetrics[] = [];
  const tracker = createAnswerTracker({ botUsername: 'Demo_Bot', onChange: (a) => changes.push(a) });
  let seq = 0;
  const timeline = (event: Record<string, unknown>) =>
    tracker.observe({
      kind: 'timeline',
      event: { seq: ++seq, entities: [], ...event } as unknown as TimelineEvent,
    });
  const call = (chatId: number, status: number) =>
    tracker.observe({
      kind: 'call',
      call: {
        seq: ++seq,
        at: 0,
        method: 'sendMessageDraft',
        params: {},
        chatId,
        status,
        ok: status === 200,
        source: 'http',
        durationMs: 1,
      },
    } as EmulatorEvent);
  const latest = () => tracker.answers().at(-1);
  return { tracker, timeline, call, latest, changes };
}

describe('answer tracker', () => {
  it('measures a draft answer: first feedback, first text, updates, parts, 429s, then done', () => {
    const { timeline, call, latest } = setup();
    timeline({ type: 'message', chatId: PRIVATE, at: 1000, messageId: 1, from: 'user', text: 'hello' });
    timeline({
      type: 'draft',
      chatId: PRIVATE,
      at: 1100,
      draftId: 5,
      text: '',
      canStop: true,
      replaced: false,
      frame: 1,
    });
    expect(latest()).toMatchObject({ firstFeedbackMs: 100, updates: 1, state: 'streaming' });
    expect(latest()?.firstTextMs).toBeUndefined();
    timeline({
      type: 'draft',
      chatId: PRIVATE,
      at: 1800,
      draftId: 5,
      text: 'Hel',
      canStop: true,
      replaced: false,
      frame: 2,
    });
    call(PRIVATE, 429);
    call(GROUP, 429);
    timeline({
      type: 'draft',
      chatId: PRIVATE,
      at: 2800,
      draftId: 5,
      text: 'Hello there',
      canStop: true,
      replaced: false,
      frame: 3,
    });
    // The first part is committed; between parts the answer briefly looks finished...
    timeline({ type: 'message', chatId: PRIVATE, at: 3000, messageId: 2, from: 'bot', text: 'Part one' });
    timeline({ type: 'draft-cleared', chatId: PRIVATE, at: 3000, draftId: 5, reason: 'message-sent' });
    expect(latest()?.state).toBe('done');
    // ...and flips back when the next part's draft arrives.
    timeline({
      type: 'draft',
      chatId: PRIVATE,
      at: 3500,
      draftId: 6,
      text: 'Part two',
      canStop: true,
      replaced: false,
      frame: 1,
    });
    expect(latest()?.state).toBe('streaming');
    timeline({ type: 'message', chatId: PRIVATE, at: 4000, messageId: 3, from: 'bot', text: 'Part two.' });
    timeline({ type: 'draft-cleared', chatId: PRIVATE, at: 4000, draftId: 6, reason: 'message-sent' });
    expect(latest()).toMatchObject({
      chatId: PRIVATE,
      question: 'hello',
      firstFeedbackMs: 100,
      firstTextMs: 800,
      updates: 6,
      parts: 2,
      tooManyRequests: 1,
      state: 'done',
    });
  });

  it('in groups counts only questions that mention the bot or reply to it, and waits for the Stop button to go', () => {
    const { timeline, tracker, latest } = setup();
    timeline({ type: 'message', chatId: GROUP, at: 0, messageId: 1, from: 'user', text: 'just chatting' });
    timeline({ type: 'message', chatId: GROUP, at: 0, messageId: 2, from: 'user', text: '/model@demo_bot' });
    expect(tracker.answers()).toEqual([]);
    timeline({ type: 'message', chatId: GROUP, at: 0, messageId: 3, from: 'user', text: '@demo_bot hi' });
    timeline({ type: 'chat-action', chatId: GROUP, at: 300, action: 'typing' });
    timeline({
      type: 'message',
      chatId: GROUP,
      at: 900,
      messageId: 4,
      from: 'bot',
      text: 'Hi',
      replyMarkup: STOP,
    });
    expect(latest()).toMatchObject({ firstFeedbackMs: 300, firstTextMs: 900, state: 'streaming' });
    timeline({
      type: 'edit',
      chatId: GROUP,
      at: 4000,
      messageId: 4,
      from: 'bot',
      text: 'Hi there',
      change: 'text',
      editCount: 1,
      replyMarkup: STOP,
    });
    expect(latest()?.state).toBe('streaming');
    timeline({
      type: 'edit',
      chatId: GROUP,
      at: 7000,
      messageId: 4,
      from: 'bot',
      text: 'Hi there!',
      change: 'text',
      editCount: 2,
    });
    expect(latest()).toMatchObject({ updates: 3, parts: 1, state: 'done' });

    timeline({
      type: 'message',
      chatId: GROUP,
      at: 8000,
      messageId: 5,
      from: 'user',
      text: 'and you?',
      replyToMessageId: 4,
    });
    expect(tracker.answers()).toHaveLength(2);
  });

  it('takes the status the bot reported, which later frames do not undo', () => {
    const { timeline, tracker, latest } = setup();
    timeline({ type: 'message', chatId: PRIVATE, at: 0, messageId: 1, from: 'user', text: 'long' });
    timeline({
      type: 'draft',
      chatId: PRIVATE,
      at: 10,
      draftId: 5,
      text: 'x',
      canStop: true,
      replaced: false,
      frame: 1,
    });
    tracker.finished(PRIVATE, 'cancelled');
    timeline({ type: 'message', chatId: PRIVATE, at: 20, messageId: 2, from: 'bot', text: 'x ⏹ Stopped.' });
    expect(latest()?.state).toBe('cancelled');
  });

  it('does not count a command’s reply as part of the answer before it', () => {
    const { timeline, tracker, latest } = setup();
    timeline({ type: 'message', chatId: PRIVATE, at: 0, messageId: 1, from: 'user', text: 'hi' });
    timeline({ type: 'message', chatId: PRIVATE, at: 10, messageId: 2, from: 'bot', text: 'Hello' });
    timeline({ type: 'message', chatId: PRIVATE, at: 20, messageId: 3, from: 'user', text: '/model' });
    timeline({ type: 'message', chatId: PRIVATE, at: 30, messageId: 4, from: 'bot', text: 'Model: x' });
    expect(latest()).toMatchObject({ parts: 1, updates: 1, state: 'done' });

    timeline({ type: 'message', chatId: PRIVATE, at: 40, messageId: 5, from: 'user', text: 'again' });
    timeline({ type: 'message', chatId: PRIVATE, at: 50, messageId: 6, from: 'bot', text: 'Hi' });
    tracker.finished(PRIVATE, 'complete');
    timeline({ type: 'message', chatId: PRIVATE, at: 60, messageId: 7, from: 'bot', text: 'Your usage: …' });
    expect(latest()).toMatchObject({ parts: 1, state: 'complete' });
  });

  it('keeps a bounded history', () => {
    const changes: AnswerMetrics[] = [];
    const tracker = createAnswerTracker({ botUsername: 'b', onChange: (a) => changes.push(a), keep: 3 });
    for (let i = 1; i <= 5; i++) {
      tracker.observe({
        kind: 'timeline',
        event: {
          seq: i,
          at: i,
          chatId: PRIVATE,
          type: 'message',
          messageId: i,
          from: 'user',
          text: `q${i}`,
          entities: [],
        },
      });
    }
    expect(tracker.answers().map((a) => a.question)).toEqual(['q3', 'q4', 'q5']);
    expect(changes.filter((a) => a.state === 'done').map((a) => a.id)).toEqual([1, 2, 3, 4]);
  });
});
