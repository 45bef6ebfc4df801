import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { MessageRepository } from '../storage/messages.js';
import type { InboxRow, InboxRows } from './inbox-rows.js';

export const INTERRUPTED_BY_RESTART =
  '⚠️ Interrupted: the bot restarted while writing this answer. Please ask again.';

export interface RecoverInterruptedDeps {
  rows: Pick<InboxRows, 'markDone'>;
  messages: Pick<MessageRepository, 'markChatStreamingAsInterrupted' | 'answerStatusOfUpdate'>;
  /** Replies to the question's message in its chat (and topic). */
  reply(chatId: number, text: string, to: { messageId?: number; threadId?: number }): Promise<void>;
  logger: Logger;
  now?: () => number;
}

/**
 * Called by a chat's new owner for rows whose answer a dead instance had started: the stored answer
 * is marked interrupted (as after a crash on one instance), the user is told once, and the rows are
 * done, so the question is never answered twice. The notice is best effort: a failed send is logged.
 * An answer the dead instance had finished and stored (it died before marking its rows done) only
 * has its rows marked: the user saw it end, and a notice would call a complete answer cut.
 */
export function createRecoverInterrupted(deps: RecoverInterruptedDeps) {
  const now = deps.now ?? Date.now;
  async function finishedBefore(chatId: number, rows: readonly InboxRow[]): Promise<boolean> {
    for (const row of rows) {
      const status = await deps.messages.answerStatusOfUpdate(chatId, row.updateId);
      if (status !== undefined && status !== 'streaming') return true;
    }
    return false;
  }

  return async (chatId: number, rows: readonly InboxRow[]): Promise<void> => {
    const interrupted = await deps.messages.markChatStreamingAsInterrupted(chatId, now());
    if (interrupted === 0 && (await finishedBefore(chatId, rows))) {
      await deps.rows.markDone(rows.map((row) => row.updateId));
      deps.logger.info(
        { chat: chatId, updates: rows.map((row) => row.updateId) },
        'answer of a dead instance had finished; its rows are done now',
      );
      return;
    }
    const last = rows.at(-1);
    const message = last === undefined ? undefined : questionMessage(last.payload);
    try {
      await deps.reply(chatId, INTERRUPTED_BY_RESTART, {
        ...(message?.message_id === undefined ? {} : { messageId: message.message_id }),
        ...(message?.message_thread_id === undefined ? {} : { threadId: message.message_thread_id }),
      });
    } catch (error) {
      deps.logger.warn({ err: error, chat: chatId }, 'could not tell the user about the interrupted answer');
    }
    await deps.rows.markDone(rows.map((row) => row.updateId));
    deps.logger.warn(
      { chat: chatId, updates: rows.map((row) => row.updateId) },
      'answer of a dead instance marked interrupted',
    );
  };
}

function questionMessage(payload: string) {
  const update = JSON.parse(payload) as Update;
  return update.message ?? update.edited_message;
}
