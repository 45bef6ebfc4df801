import type { BusyPolicy } from '../config.js';
import type { Logger } from '../logger.js';
import type { ActiveAnswers } from './active-answers.js';
import type { Question } from './answer-question.js';
import type { ChatQueue } from './chat-queue.js';

/**
 * A message at least this long may be one part of a longer text the Telegram app split (it splits at
 * 4096 characters, at a line or word boundary): it waits briefly for the next part.
 */
export const SPLIT_PART_MIN_LENGTH = 3000;

/**
 * How long an album's part waits for the next one when `PASTE_MERGE_MS` is 0: that turns merging of
 * split texts off, but an album is one message to its sender and must stay one question.
 */
export const ALBUM_MERGE_MS = 1500;

export interface IntakeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface QuestionIntakeDeps {
  /** Where questions go to be answered in their chat's turn. */
  submit(question: Question, log: Logger): void;
  /** Holds the chat's turn while a split text is still arriving, so shutdown's drain waits for it too. */
  queue: ChatQueue;
  activeAnswers: ActiveAnswers;
  /** How long a possible split part waits for the next one; 0 turns merging off (albums still merge). */
  pasteMergeMs: number;
  busyPolicy: BusyPolicy;
  timers?: IntakeTimers;
}

export interface QuestionIntake {
  /**
   * Takes a question: it joins a split text still arriving from the same user, or waits its turn in
   * the chat (with `replace`, first stopping the answer this user is waiting for).
   */
  submit(question: Question, log: Logger): void;
  /**
   * Adds a message to a split text still arriving from the same user, if there is one; false
   * otherwise. In groups the later parts do not mention the bot, yet belong to the question.
   */
  continueText(question: Question): boolean;
  /** Ends the waits for further parts in this chat (before a command, so order is kept). */
  flush(chatId: number): void;
}

interface PendingText {
  question: Question;
  /** The first part's logger. */
  log: Logger;
  timer: unknown;
  release: () => void;
}

const systemTimers: IntakeTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createQuestionIntake(deps: QuestionIntakeDeps): QuestionIntake {
  const timers = deps.timers ?? systemTimers;
  /** Texts still collecting parts, by chat, thread and user. */
  const pending = new Map<string, PendingText>();

  const keyOf = (question: Question) => `${question.chat.id}:${question.threadId ?? ''}:${question.user.id}`;

  function mayBePart(question: Question): boolean {
    return (
      question.forwarded === true ||
      question.mediaGroupId !== undefined ||
      question.text.length >= SPLIT_PART_MIN_LENGTH
    );
  }

  /** How long this part waits for the next one; 0: it does not wait. */
  function waitFor(question: Question): number {
    if (!mayBePart(question)) return 0;
    if (question.mediaGroupId !== undefined) return deps.pasteMergeMs || ALBUM_MERGE_MS;
    return deps.pasteMergeMs;
  }

  function close(key: string): void {
    const text = pending.get(key);
    if (!text) return;
    pending.delete(key);
    timers.clearTimeout(text.timer);
    // Submitted before the held turn is released, so the chat never looks idle in between.
    deps.submit(text.question, text.log);
    text.release();
  }

  function replaceBusyAnswer(question: Question): void {
    if (deps.busyPolicy !== 'replace') return;
    const active = deps.activeAnswers.get(question.chat.id);
    // Only the asker's own answer: in a group, one member's question never cuts another's answer.
    if (active && active.userId === question.user.id) active.stop('replaced');
  }

  function continueText(question: Question): boolean {
    const key = keyOf(question);
    const open = pending.get(key);
    if (!open) return false;
    open.question = mergeQuestions(open.question, question);
    timers.clearTimeout(open.timer);
    // A short part is the end of a split text; a long one may have more behind it.
    const wait = waitFor(question);
    if (wait > 0) open.timer = timers.setTimeout(() => close(key), wait);
    else close(key);
    return true;
  }

  return {
    continueText,
    submit(question, log) {
      if (continueText(question)) return;
      replaceBusyAnswer(question);
      const wait = waitFor(question);
      if (wait === 0) {
        deps.submit(question, log);
        return;
      }
      const key = keyOf(question);
      let release!: () => void;
      const complete = new Promise<void>((resolve) => {
        release = resolve;
      });
      pending.set(key, {
        question,
        log,
        release,
        timer: timers.setTimeout(() => close(key), wait),
      });
      void deps.queue.enqueue(question.chat.id, () => complete);
    },
    flush(chatId) {
      for (const [key, text] of pending) if (text.question.chat.id === chatId) close(key);
    },
  };
}

/** One question from the parts of a split text, in order; it replies to the last part. */
export function mergeQuestions(first: Question, next: Question): Question {
  return {
    ...first,
    // An album's caption rides on one of its pictures: no blank lines for the others.
    text: [first.text, next.text].filter((text) => text !== '').join('\n'),
    messageIds: [...first.messageIds, ...next.messageIds],
    updateIds: [...updateIdsOf(first), ...updateIdsOf(next)],
    ...(first.attachments || next.attachments
      ? { attachments: [...(first.attachments ?? []), ...(next.attachments ?? [])] }
      : {}),
  };
}

/** The updates a question came from (the durable inbox marks their rows as its answer goes). */
export function updateIdsOf(question: Question): number[] {
  return question.updateIds ?? [question.updateId];
}
