import type { Update } from 'grammy/types';
import { storageCall } from '../storage/errors.js';
import type { Store } from '../storage/sql.js';
import { CHAT_LOCK_NAMESPACE } from './lock-keys.js';
import { chatOf } from './update-chat.js';

/**
 * The NOTIFY channel. The payload is the chat id, so its owner wakes at once; `chatId:instance`
 * names the instance that should take the chat if nobody owns it (see `parseInboxNotice`).
 */
export const INBOX_CHANNEL = 'streamgram_inbox';

/** A NOTIFY payload: the chat, and the instance meant to take it (none: any instance may). */
export function parseInboxNotice(payload: string): { chatId: number; taker: string | undefined } {
  const colon = payload.indexOf(':');
  if (colon < 0) return { chatId: Number(payload), taker: undefined };
  return { chatId: Number(payload.slice(0, colon)), taker: payload.slice(colon + 1) };
}

export type InboxState = 'waiting' | 'handed' | 'started' | 'done';

export interface InboxRow {
  updateId: number;
  chatId: number;
  payload: string;
  state: InboxState;
  owner: string | null;
}

/** The `inbox_updates` table (PostgreSQL only): every statement the inbox needs, in one place. */
export interface InboxRows {
  /**
   * Stores updates in one transaction (a redelivered one changes nothing) and notifies their chats;
   * only once this resolved may they be acknowledged to Telegram. Throws `StorageError` otherwise.
   * Returns the ids that were stored already (redeliveries). With `taker`, only that instance (and
   * the chat's owner) acts on the notice; without, every instance tries to take an unowned chat.
   */
  store(updates: readonly Update[], taker?: string): Promise<number[]>;
  /** Notifies a chat's possible owners (after handing it back). */
  notify(chatId: number): Promise<void>;
  /**
   * Chats with rows not done yet that no session holds the chat lock of (a dead owner's, or rows
   * whose NOTIFY was missed), for the sweep: live owners' chats are not tried again and again.
   */
  unownedChats(limit: number): Promise<number[]>;
  /** A chat's waiting rows, in update order. */
  waiting(chatId: number): Promise<InboxRow[]>;
  /** Marks a waiting row handed to `owner`'s bot; false if it was not waiting any more. */
  hand(updateId: number, owner: string): Promise<boolean>;
  /**
   * Marks the rows handed to `owner` started; returns how many. 0 means another instance took them
   * meanwhile (this one lost its lock connection): the question must not be answered here too.
   */
  markStarted(updateIds: readonly number[], owner: string): Promise<number>;
  markDone(updateIds: readonly number[]): Promise<void>;
  /** Rows of a question that was not started (shutdown): waiting again, for the next owner. */
  handBack(updateIds: readonly number[]): Promise<void>;
  /**
   * On taking a chat: rows a previous owner was handed but had not started go back to waiting;
   * returns the rows it had started (their answers were cut off by its death).
   */
  adoptOrphans(chatId: number, owner: string): Promise<InboxRow[]>;
  /** Whether the chat has rows not done (waiting, handed or started). */
  hasOpen(chatId: number): Promise<boolean>;
  /** Forgets done rows older than the cutoff (epoch ms); returns how many. */
  prune(olderThanMs: number): Promise<number>;
}

interface RawRow {
  update_id: number;
  chat_id: number;
  payload: string;
  state: InboxState;
  owner: string | null;
}

const toRow = (row: RawRow): InboxRow => ({
  updateId: row.update_id,
  chatId: row.chat_id,
  payload: row.payload,
  state: row.state,
  owner: row.owner,
});

const ids = (updateIds: readonly number[]) => `{${updateIds.map((id) => Math.trunc(id)).join(',')}}`;

export function createInboxRows(store: Store, options: { now?: () => number } = {}): InboxRows {
  const now = options.now ?? Date.now;
  const insert = `INSERT INTO inbox_updates (update_id, chat_id, payload, received_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (update_id) DO NOTHING`;
  const notify = 'SELECT pg_notify($1, $2)';
  const columns = 'update_id, chat_id, payload, state, owner';
  return {
    store(updates, taker) {
      return storageCall('inbox.store', () =>
        store.transaction(async (tx) => {
          const at = now();
          const chats = new Set<number>();
          const duplicates: number[] = [];
          for (const update of updates) {
            const chatId = chatOf(update);
            const stored = await tx.run(insert, [update.update_id, chatId, JSON.stringify(update), at]);
            if (stored > 0) chats.add(chatId);
            else duplicates.push(update.update_id);
          }
          // Delivered at commit, never for a rolled-back insert.
          for (const chatId of chats)
            await tx.get(notify, [
              INBOX_CHANNEL,
              taker === undefined ? String(chatId) : `${chatId}:${taker}`,
            ]);
          return duplicates;
        }),
      );
    },
    notify(chatId) {
      return storageCall('inbox.notify', async () => {
        await store.get(notify, [INBOX_CHANNEL, String(chatId)]);
      });
    },
    unownedChats(limit) {
      // pg_locks shows a two-int advisory lock as classid = first key, objid = second key (as an
      // unsigned oid), objsubid = 2; the fold matches chatLockKey in lock-keys.ts.
      return storageCall('inbox.unownedChats', async () =>
        (
          await store.all<{ chat_id: number }>(
            `SELECT DISTINCT chat_id FROM inbox_updates AS inbox
               WHERE state <> 'done' AND NOT EXISTS (
                 SELECT 1 FROM pg_locks AS l
                   WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
                     AND l.classid::bigint = $2
                     AND l.objid::bigint = ((inbox.chat_id # (inbox.chat_id >> 32)) & 4294967295)
               )
               LIMIT $1`,
            [limit, CHAT_LOCK_NAMESPACE],
          )
        ).map((row) => row.chat_id),
      );
    },
    waiting(chatId) {
      return storageCall('inbox.waiting', async () =>
        (
          await store.all<RawRow>(
            `SELECT ${columns} FROM inbox_updates WHERE chat_id = $1 AND state = 'waiting' ORDER BY update_id`,
            [chatId],
          )
        ).map(toRow),
      );
    },
    hand(updateId, owner) {
      return storageCall(
        'inbox.hand',
        async () =>
          (await store.run(
            "UPDATE inbox_updates SET state = 'handed', owner = $2 WHERE update_id = $1 AND state = 'waiting'",
            [updateId, owner],
          )) > 0,
      );
    },
    markStarted(updateIds, owner) {
      return storageCall('inbox.markStarted', () =>
        store.run(
          `UPDATE inbox_updates SET state = 'started', started_at = $2
             WHERE update_id = ANY($1::bigint[]) AND state = 'handed' AND owner = $3`,
          [ids(updateIds), now(), owner],
        ),
      );
    },
    markDone(updateIds) {
      return storageCall('inbox.markDone', async () => {
        await store.run(
          "UPDATE inbox_updates SET state = 'done', done_at = $2 WHERE update_id = ANY($1::bigint[]) AND state <> 'done'",
          [ids(updateIds), now()],
        );
      });
    },
    handBack(updateIds) {
      return storageCall('inbox.handBack', async () => {
        await store.run(
          "UPDATE inbox_updates SET state = 'waiting', owner = NULL WHERE update_id = ANY($1::bigint[]) AND state = 'handed'",
          [ids(updateIds)],
        );
      });
    },
    adoptOrphans(chatId, owner) {
      return storageCall('inbox.adoptOrphans', async () => {
        // Rows handed to this very instance are still in its memory (a lock connection that came
        // back): only other owners' rows are orphans.
        await store.run(
          `UPDATE inbox_updates SET state = 'waiting', owner = NULL
             WHERE chat_id = $1 AND state = 'handed' AND owner IS DISTINCT FROM $2`,
          [chatId, owner],
        );
        return (
          await store.all<RawRow>(
            `SELECT ${columns} FROM inbox_updates
               WHERE chat_id = $1 AND state = 'started' AND owner IS DISTINCT FROM $2 ORDER BY update_id`,
            [chatId, owner],
          )
        ).map(toRow);
      });
    },
    hasOpen(chatId) {
      return storageCall(
        'inbox.hasOpen',
        async () =>
          (await store.get(
            "SELECT 1 AS open FROM inbox_updates WHERE chat_id = $1 AND state <> 'done' LIMIT 1",
            [chatId],
          )) !== undefined,
      );
    },
    prune(olderThanMs) {
      return storageCall('inbox.prune', () =>
        store.run("DELETE FROM inbox_updates WHERE state = 'done' AND done_at < $1", [olderThanMs]),
      );
    },
  };
}
