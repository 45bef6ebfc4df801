import { describe, expect, it } from 'vitest';
import { type ActiveAnswer, createActiveAnswers } from '../../src/conversation/active-answers.js';
import type { Question } from '../../src/conversation/answer-question.js';
import { createChatQueue } from '../../src/conversation/chat-queue.js';
import { createQuestionIntake, SPLIT_PART_MIN_LENGTH } from '../../src/conversation/question-intake.js';
import { createLogger, type Logger } from '../../src/logger.js';

const log: Logger = createLogger({ level: 'silent', secrets: [] });

let nextMessageId = 1;
function question(
  text: string,
  options: { chat?: number; user?: number; forwarded?: boolean; album?: string } = {},
): Question {
  const id = nextMessageId++;
  return {
    updateId: id,
    chat: { id: options.chat ?? 1, type: 'private' },
    user: { id: options.user ?? 1 },
    text,
    messageIds: [id],
    ...(options.forwarded ? { forwarded: true } : {}),
    ...(options.album ? { mediaGroupId: options.album } : {}),
  };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout(callback: () => void) {
      pending.set(next, callback);
      return next++;
    },
    clearTimeout(handle: unknown) {
      pending.delete(handle as number);
    },
    fireAll() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
    get size() {
      return pending.size;
    },
  };
}

function setup(options: { pasteMergeMs?: number; busyPolicy?: 'queue' | 'replace' } = {}) {
  const submitted: Question[] = [];
  const queue = createChatQueue(() => {});
  const activeAnswers = createActiveAnswers();
  const timers = manualTimers();
  const intake = createQuestionIntake({
    submit: (merged) => submitted.push(merged),
    queue,
    activeAnswers,
    pasteMergeMs: options.pasteMergeMs ?? 1500,
    busyPolicy: options.busyPolicy ?? 'queue',
    timers,
  });
  return { intake, submitted, queue, activeAnswers, timers };
}

const long = (label: string) => `${label} ${'x'.repeat(SPLIT_PART_MIN_LENGTH)}`;

describe('createQuestionIntake', () => {
  it('submits a short message at once: no waiting on ordinary questions', () => {
    const { intake, submitted, timers } = setup();
    intake.submit(question('hello'), log);
    expect(submitted.map((q) => q.text)).toEqual(['hello']);
    expect(timers.size).toBe(0);
  });

  it('merges the parts of a split text into one question, ended by the short last part', async () => {
    const { intake, submitted, queue } = setup();
    const first = question(long('part 1'));
    const second = question(long('part 2'));
    const last = question('the end');
    intake.submit(first, log);
    intake.submit(second, log);
    expect(submitted).toEqual([]);
    // The chat's turn is held meanwhile, so a drain at shutdown waits for the text.
    expect(queue.pending(1)).toBe(1);
    intake.submit(last, log);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.text).toBe(`${first.text}\n${second.text}\nthe end`);
    expect(submitted[0]?.messageIds).toEqual([...first.messageIds, ...second.messageIds, ...last.messageIds]);
    await queue.drain();
  });

  it('submits a long text alone when no further part arrives in time', async () => {
    const { intake, submitted, timers, queue } = setup();
    intake.submit(question(long('alone')), log);
    expect(submitted).toEqual([]);
    timers.fireAll();
    expect(submitted).toHaveLength(1);
    intake.submit(question('later'), log);
    expect(submitted.map((q) => q.text.slice(0, 5))).toEqual(['alone', 'later']);
    await queue.drain();
  });

  it('merges per user and chat, and a flush (a command) ends the wait', () => {
    const { intake, submitted } = setup();
    intake.submit(question(long('ada'), { user: 1 }), log);
    intake.submit(question(long('bob'), { user: 2 }), log);
    intake.submit(question(long('other chat'), { chat: 2 }), log);
    intake.flush(1);
    expect(submitted.map((q) => q.text.slice(0, 3))).toEqual(['ada', 'bob']);
  });

  it('continues a split text with a part that alone would not be a question (a group part without the mention)', () => {
    const { intake, submitted } = setup();
    expect(intake.continueText(question('stray group chatter'))).toBe(false);
    intake.submit(question(long('@bot part 1')), log);
    expect(intake.continueText(question('tail without mention'))).toBe(true);
    expect(submitted.map((q) => q.text.endsWith('\ntail without mention'))).toEqual([true]);
    expect(intake.continueText(question('later chatter'))).toBe(false);
  });

  it('holds forwarded messages briefly, since they come in batches', () => {
    const { intake, submitted, timers } = setup();
    intake.submit(question('forwarded 1', { forwarded: true }), log);
    intake.submit(question('forwarded 2', { forwarded: true }), log);
    expect(submitted).toEqual([]);
    timers.fireAll();
    expect(submitted.map((q) => q.text)).toEqual(['forwarded 1\nforwarded 2']);
  });

  it('does not wait at all with PASTE_MERGE_MS=0', () => {
    const { intake, submitted } = setup({ pasteMergeMs: 0 });
    intake.submit(question(long('a')), log);
    intake.submit(question(long('b')), log);
    expect(submitted).toHaveLength(2);
  });

  it('still makes one question of an album with PASTE_MERGE_MS=0', () => {
    const { intake, submitted, timers } = setup({ pasteMergeMs: 0 });
    intake.submit(question('look at these', { album: 'a1' }), log);
    intake.submit(question('', { album: 'a1' }), log);
    expect(submitted).toEqual([]);
    timers.fireAll();
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.text).toBe('look at these');
    expect(submitted[0]!.messageIds).toHaveLength(2);
  });

  it('with replace, stops the asker’s own answer in that chat, never someone else’s', () => {
    const { intake, activeAnswers } = setup({ busyPolicy: 'replace' });
    const stops: string[] = [];
    const answer = (userId: number): ActiveAnswer => ({
      answerId: 10 + userId,
      draftId: 1,
      userId,
      stop: (reason) => stops.push(`${userId}:${reason}`),
    });
    activeAnswers.register(1, answer(2));
    intake.submit(question('from user 1', { user: 1 }), log);
    expect(stops).toEqual([]);
    activeAnswers.register(1, answer(1));
    intake.submit(question('again from user 1', { user: 1 }), log);
    expect(stops).toEqual(['1:replaced']);
  });

  it('with queue, never stops a running answer', () => {
    const { intake, activeAnswers } = setup({ busyPolicy: 'queue' });
    let stopped = false;
    activeAnswers.register(1, { answerId: 1, draftId: 1, userId: 1, stop: () => (stopped = true) });
    intake.submit(question('next'), log);
    expect(stopped).toBe(false);
  });
});
