import type { Logger } from '../logger.js';
import { describeMediaFailure } from '../media/describe-media-failure.js';
import { MediaError } from '../media/errors.js';
import { StorageError } from '../storage/errors.js';
import type { AnswerOutcome, Question } from './answer-question.js';
import type { ChatQueue } from './chat-queue.js';
import type { UserRateLimit } from './user-rate-limit.js';

export interface SubmitQuestionsDeps {
  queue: ChatQueue;
  answerQuestion(question: Question, log: Logger): Promise<AnswerOutcome>;
  /** A plain message to the chat, for the few answers that are not streamed. */
  notify(question: Question, text: string): Promise<void>;
  /** Aborted when the bot is stopping: questions still waiting are not started. */
  shutdownSignal: AbortSignal;
  /** Longer questions (a merged paste, say) are refused with a clear answer. */
  maxQuestionChars: number;
  userRateLimit: UserRateLimit;
  onAnswerStart?(): void;
  onAnswerEnd?(outcome: AnswerOutcome | undefined): void;
  /** With the durable inbox (several instances): its rows follow each question (see src/inbox). */
  lifecycle?: QuestionLifecycle;
}

/** What the durable inbox needs to hear about a question; absent with one instance. */
export interface QuestionLifecycle {
  /**
   * Before the answer's first Telegram call; false means "hand it back" (this instance is stopping
   * gracefully: another one answers it, so nothing is said here).
   */
  starting(question: Question): Promise<boolean>;
  /** The question is over here, whatever the outcome (answered, failed, refused). */
  finished(question: Question): Promise<void>;
  /** The chat's queue settled after this question's turn: the chat may be released. */
  settled(chatId: number): void;
}

const SOMETHING_WENT_WRONG = '⚠️ Sorry, something went wrong on our side. Please try again.';
const RESTARTING = '⚠️ The bot is restarting. Please send your message again in a moment.';

/**
 * Puts each question on its chat's queue and turns failures that happen outside the stream (a
 * database that cannot be written, a restart) into a short message instead of silence.
 */
export function createSubmitQuestions(deps: SubmitQuestionsDeps) {
  return function submit(question: Question, log: Logger): void {
    const refusal = refuse(question);
    if (refusal !== undefined) {
      log.info({ chars: question.text.length }, 'question refused');
      deps
        .notify(question, refusal)
        .catch((error: unknown) => log.warn({ err: error }, 'could not send a refusal'))
        .finally(async () => {
          await deps.lifecycle?.finished(question);
          deps.lifecycle?.settled(question.chat.id);
        });
      return;
    }
    const turn = deps.queue.enqueue(question.chat.id, async () => {
      if (deps.lifecycle && !(await deps.lifecycle.starting(question))) return;
      try {
        await answerInTurn(question, log);
      } finally {
        await deps.lifecycle?.finished(question);
      }
    });
    if (deps.lifecycle) void turn.then(() => deps.lifecycle?.settled(question.chat.id));
  };

  async function answerInTurn(question: Question, log: Logger): Promise<void> {
    if (deps.shutdownSignal.aborted) {
      await deps.notify(question, RESTARTING);
      return;
    }
    deps.onAnswerStart?.();
    let outcome: AnswerOutcome | undefined;
    try {
      outcome = await deps.answerQuestion(question, log);
    } catch (error) {
      if (error instanceof MediaError) {
        log.info({ kind: error.kind, err: error }, 'attachment could not be read');
        await deps.notify(question, describeMediaFailure(error));
      } else if (error instanceof StorageError) {
        log.error({ err: error, kind: error.kind }, 'cannot save the conversation');
        await deps.notify(question, cannotSave(error));
      } else {
        // A bug of ours must not look like a bot that ignores people.
        log.error({ err: error }, 'answer failed');
        await deps.notify(question, SOMETHING_WENT_WRONG);
      }
    } finally {
      deps.onAnswerEnd?.(outcome);
    }
  }

  function refuse(question: Question): string | undefined {
    if (question.text.length > deps.maxQuestionChars) {
      return `That message is too long for me (${formatCount(question.text.length)} characters; the limit is ${formatCount(deps.maxQuestionChars)}). Please send a shorter one, or the most important part.`;
    }
    const waitMs = deps.userRateLimit.take(question.user.id);
    if (waitMs > 0) {
      return `You're sending messages faster than I can answer. Please wait ${Math.ceil(waitMs / 1000)} s and send that one again.`;
    }
    return undefined;
  }
}

const formatCount = (count: number) => count.toLocaleString('en-US');

function cannotSave(error: StorageError): string {
  const why =
    error.kind === 'disk-full'
      ? 'the disk is full'
      : error.kind === 'read-only'
        ? 'its database is read-only'
        : 'its database is not available';
  return `⚠️ Sorry, I can't save our conversation right now (${why}), so I can't answer. The bot owner can see this in the logs.`;
}
