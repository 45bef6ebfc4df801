import { type ChatRepository, createChatRepository } from './chats.js';
import { storageCall } from './errors.js';
import { createMessageRepository, type MessageRepository } from './messages.js';
import { createProcessedUpdates, type ProcessedUpdates } from './processed-updates.js';
import type { SqlExecutor, Store } from './sql.js';
import { createUsageRepository, type UsageRepository } from './usage.js';
import { createUserRepository, type UserRepository } from './users.js';

/** The repositories, over the store or over one transaction of it. */
export interface Repositories {
  readonly users: UserRepository;
  readonly chats: ChatRepository;
  readonly messages: MessageRepository;
  readonly usage: UsageRepository;
  readonly processedUpdates: ProcessedUpdates;
}

export interface Storage extends Repositories {
  /** The database underneath (SQLite or PostgreSQL), for health checks and closing. */
  readonly store: Store;
  /**
   * All-or-nothing, e.g. the end of an answer:
   * `await storage.transaction(async (tx) => { await tx.messages.finishAssistantMessage(...); await tx.usage.record(...) })`.
   * Use only `tx` inside, and never wait for a provider or Telegram call there: the transaction
   * holds the database's write lock (SQLite) or a pooled connection (PostgreSQL) until it ends.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}

/** Every repository over one open, migrated store (see `openStore`). */
export function createStorage(store: Store, options: { now?: () => number } = {}): Storage {
  const clock = options.now ? { now: options.now } : {};
  const repositories = (sql: SqlExecutor): Repositories => ({
    users: createUserRepository(sql, clock),
    chats: createChatRepository(sql, clock),
    messages: createMessageRepository(sql, clock),
    usage: createUsageRepository(sql, clock),
    processedUpdates: createProcessedUpdates(sql, clock),
  });
  return {
    store,
    ...repositories(store),
    transaction: (fn) => storageCall('transaction', () => store.transaction((tx) => fn(repositories(tx)))),
  };
}
