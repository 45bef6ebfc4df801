import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Update } from 'grammy/types';
import type { Question } from '../conversation/answer-question.js';
import { updateIdsOf } from '../conversation/question-intake.js';
import type { QuestionLifecycle } from '../conversation/submit-questions.js';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/sql.js';
import { type ChatOwner, createChatOwner } from './chat-owner.js';
import { createInboxRows, type InboxRow, type InboxRows } from './inbox-rows.js';

/** Done rows are kept this long (Telegram redelivers for at most a day), as processed_updates are. */
const DONE_ROWS_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

export interface InboxDeps {
  /** The PostgreSQL URL, for the dedicated lock connections (not from the pool). */
  url: string;
  store: Store;
  /** Handles one update as the bot (grammY's `handleUpdate`). */
  dispatch(update: Update): Promise<void>;
  /** Whether this chat's queue has work here (an answer running or waiting). */
  isBusy(chatId: number): boolean;
  /** See `ChatOwnerDeps.wroteRecently`. */
  wroteRecently(chatId: number): boolean;
  recoverInterrupted(rows: InboxRows): (chatId: number, orphans: readonly InboxRow[]) => Promise<void>;
  logger: Logger;
  instanceId?: string;
  sweepMs?: number;
}

/**
 * The durable per-chat inbox (issue #14): updates are stored before they are acknowledged, one
 * instance at a time owns a chat and dispatches its updates in order, and each question's rows
 * follow its answer ('handed' -> 'started' -> 'done'), so a dead instance's work is found and
 * finished by another: never lost, never answered twice.
 */
export interface Inbox {
  readonly instanceId: string;
  readonly rows: InboxRows;
  /**
   * Stores updates (a duplicate changes nothing) and wakes their chats' owners; `takeHere`: a chat
   * nobody owns is taken by this instance (webhook: the load balancer already spread the updates),
   * else by whichever instance gets it first (polling: one leader stores every update). Throws
   * `StorageError`.
   */
  accept(updates: readonly Update[], options?: { takeHere?: boolean }): Promise<void>;
  /** A question entered the intake: its updates are now marked by its answer, not the dispatcher. */
  taken(question: Question): void;
  /** Taken updates that will not be answered after all (album parts nobody asked about): done now. */
  released(questions: readonly Question[]): void;
  readonly lifecycle: QuestionLifecycle;
  readonly owner: ChatOwner;
  start(): Promise<void>;
  /** Graceful stop: questions not started go back to waiting, idle chats are released at once. */
  handBack(): Promise<void>;
  close(): Promise<void>;
}

export function createInbox(deps: InboxDeps): Inbox {
  const { logger } = deps;
  // A random part keeps two processes apart even if they were given one INSTANCE_ID by mistake.
  const instanceId = `${deps.instanceId ?? `${hostname()}-${process.pid}`}-${randomBytes(3).toString('hex')}`;
  const rows = createInboxRows(deps.store);
  /** Updates that became (part of) a question waiting or running here. */
  const claimed = new Set<number>();
  let handingBack = false;

  const owner = createChatOwner({
    url: deps.url,
    instanceId,
    rows,
    dispatch: deps.dispatch,
    isClaimed: (updateId) => claimed.has(updateId),
    isBusy: deps.isBusy,
    wroteRecently: deps.wroteRecently,
    recoverInterrupted: deps.recoverInterrupted(rows),
    logger,
    ...(deps.sweepMs === undefined ? {} : { sweepMs: deps.sweepMs }),
  });

  const unclaim = (ids: readonly number[]) => {
    for (const id of ids) claimed.delete(id);
  };

  const lifecycle: QuestionLifecycle = {
    async starting(question) {
      const ids = updateIdsOf(question);
      if (handingBack) {
        // Not started, not told "restarting": the next owner answers it as if nothing happened.
        await rows
          .handBack(ids)
          .catch((error: unknown) =>
            logger.warn({ err: error, updates: ids }, 'could not hand a question back'),
          );
        unclaim(ids);
        return false;
      }
      try {
        if ((await rows.markStarted(ids, instanceId)) === 0) {
          logger.warn({ updates: ids }, 'question taken over by another instance: not answered here');
          unclaim(ids);
          return false;
        }
      } catch (error) {
        // The answer itself reports a database that cannot be written; it goes ahead as on one instance.
        logger.warn({ err: error, updates: ids }, 'could not mark the question started');
      }
      return true;
    },
    async finished(question) {
      const ids = updateIdsOf(question);
      try {
        await rows.markDone(ids);
      } catch (error) {
        logger.warn({ err: error, updates: ids }, 'could not mark the question done');
      } finally {
        unclaim(ids);
      }
    },
    settled: (chatId) => owner.settled(chatId),
  };

  return {
    instanceId,
    rows,
    async accept(updates, options) {
      // The insert is the duplicate check: a redelivered update is acknowledged and changes nothing.
      const taker = options?.takeHere === true ? instanceId : undefined;
      for (const update of await rows.store(updates, taker))
        logger.info({ update }, 'duplicate update ignored');
    },
    taken(question) {
      for (const id of updateIdsOf(question)) claimed.add(id);
    },
    released(questions) {
      const ids = questions.flatMap(updateIdsOf);
      rows
        .markDone(ids)
        .catch((error: unknown) => logger.warn({ err: error, updates: ids }, 'could not mark updates done'))
        .finally(() => {
          unclaim(ids);
          for (const chatId of new Set(questions.map((question) => question.chat.id))) owner.settled(chatId);
        });
    },
    lifecycle,
    owner,
    async start() {
      const pruned = await rows.prune(Date.now() - DONE_ROWS_KEPT_MS).catch(() => 0);
      if (pruned > 0) logger.debug({ pruned }, 'old inbox rows pruned');
      await owner.start();
      logger.info({ instance: instanceId }, 'durable inbox on: chats are shared with the other instances');
    },
    async handBack() {
      handingBack = true;
      await owner.handBack();
    },
    close: () => owner.close(),
  };
}
