import type { Database } from 'better-sqlite3';
import { type ChatRepository, createChatRepository } from './chats.js';
import { createMessageRepository, type MessageRepository } from './messages.js';
import { createProcessedUpdates, type ProcessedUpdates } from './processed-updates.js';
import { runInTransaction } from './transaction.js';
import { createUsageRepository, type UsageRepository } from './usage.js';
import { createUserRepository, type UserRepository } from './users.js';

export interface Storage {
  readonly db: Database;
  readonly users: UserRepository;
  readonly chats: ChatRepository;
  readonly messages: MessageRepository;
  readonly usage: UsageRepository;
  readonly processedUpdates: ProcessedUpdates;
  /**
   * All-or-nothing, e.g. the end of an answer:
   * `storage.transaction(() => { messages.finishAssistantMessage(...); usage.record(...); chats.setHead(...) })`.
   * See `runInTransaction`.
   */
  transaction<T>(fn: () => T): T;
}

/** Every repository over one open, migrated database (see `openDatabase`). */
export function createStorage(db: Database, options: { now?: () => number } = {}): Storage {
  const clock = options.now ? { now: options.now } : {};
  return {
    db,
    users: createUserRepository(db, clock),
    chats: createChatRepository(db, clock),
    messages: createMessageRepository(db, clock),
    usage: createUsageRepository(db, clock),
    processedUpdates: createProcessedUpdates(db, clock),
    transaction: (fn) => runInTransaction(db, fn),
  };
}
