import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import { INBOX_CHANNEL, type InboxRow, type InboxRows, parseInboxNotice } from './inbox-rows.js';
import { CHAT_LOCK_NAMESPACE, chatLockKey, LEADER_LOCK_NAMESPACE, SWEEPER_LOCK_KEY } from './lock-keys.js';
import { type LockSession, openLockSession } from './lock-session.js';

export interface ChatOwnerDeps {
  url: string;
  instanceId: string;
  rows: InboxRows;
  /** Handles one update as the bot does (grammY's `handleUpdate`); resolves when its handler returned. */
  dispatch(update: Update): Promise<void>;
  /** Whether the update became (part of) a question here: its answer marks its row, not the dispatcher. */
  isClaimed(updateId: number): boolean;
  /** Whether the chat still has work in this process (an answer running or waiting, a paste merging). */
  isBusy(chatId: number): boolean;
  /**
   * Whether this process wrote to the chat within the chat's Telegram windows. Such a chat stays
   * here after its work ended: with Redis away another instance could not see those writes and
   * would break the chat's limit (issue #14).
   */
  wroteRecently(chatId: number): boolean;
  /** A dead owner was writing these rows' answer: tidy up and tell the user. Must not throw. */
  recoverInterrupted(chatId: number, rows: readonly InboxRow[]): Promise<void>;
  logger: Logger;
  /** How often chats with rows not done are looked for (a NOTIFY may be missed); default 1000 ms. */
  sweepMs?: number;
  /** Wait between attempts to (re)open the lock connection; default 1000 ms. */
  reconnectMs?: number;
}

export interface ChatOwner {
  /** Opens the lock connection (LISTEN) and starts the sweep. */
  start(): Promise<void>;
  /** Rows may be waiting in this chat: take it if free, and dispatch them. */
  wake(chatId: number): void;
  /** The chat's work here ended (an answer finished): release the chat if nothing is left. */
  settled(chatId: number): void;
  /** Chats this instance owns now (for logs and tests). */
  owned(): number[];
  /** Whether this instance holds the sweeper lock (for tests). */
  isSweeper(): boolean;
  /**
   * Graceful shutdown: no more dispatching; chats without work here are released at once (and
   * notified, so another instance takes them); busy ones are released by `settled`.
   */
  handBack(): Promise<void>;
  /** Ends the lock connection: PostgreSQL frees whatever is still locked. */
  close(): Promise<void>;
}

/**
 * A chat owned here with an answer running is read again by the sweep only every this many sweeps:
 * its new rows wake it through NOTIFY, which PostgreSQL delivers while the lock connection is up
 * (and when it drops, every chat is let go anyway). Reading each of them every second cost one
 * query per chat per second on every instance.
 */
const BUSY_RECHECK_EVERY = 10;

interface OwnedChat {
  session: LockSession;
  running: boolean;
  /** A wake-up arrived while dispatching: read the waiting rows once more. */
  again: boolean;
}

/**
 * One owner per chat across instances: a session advisory lock per chat on a dedicated connection.
 * The owner dispatches the chat's waiting rows in update order, one at a time (the answers
 * themselves run on the chat queue, so a /stop is dispatched while its answer streams), and lets
 * the chat go once it has nothing left and its writes have left the chat's Telegram windows. A dead
 * owner's connection closes and frees its locks.
 */
export function createChatOwner(deps: ChatOwnerDeps): ChatOwner {
  const { rows, logger } = deps;
  const sweepMs = deps.sweepMs ?? 1000;
  const reconnectMs = deps.reconnectMs ?? 1000;
  const chats = new Map<number, OwnedChat>();
  const acquiring = new Set<number>();
  let session: LockSession | undefined;
  let stopping = false;
  let closed = false;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let connectFailures = 0;
  let sweeps = 0;
  let sweeping = false;
  /** This instance holds the sweeper lock: it is the one looking for chats nobody owns. */
  let sweeper = false;

  async function connect(): Promise<void> {
    reconnectTimer = undefined;
    if (closed) return;
    try {
      const opened: LockSession = await openLockSession({
        url: deps.url,
        applicationName: `streamgram-inbox-${deps.instanceId}`,
        listen: { channel: INBOX_CHANNEL, onNotification: noticed },
        onLost: (error) => lost(opened, error),
      });
      if (closed) {
        await opened.close();
        return;
      }
      session = opened;
      if (connectFailures > 0) logger.info('inbox lock connection is back: dispatching again');
      connectFailures = 0;
    } catch (error) {
      if (connectFailures++ === 0)
        logger.warn({ err: error }, 'cannot open the inbox lock connection; retrying every second');
      if (!closed) reconnectTimer = setTimeout(() => void connect().catch(() => undefined), reconnectMs);
      throw error;
    }
  }

  // Answers already running keep going: with PostgreSQL itself restarting (the common case) no other
  // instance can take their chats before we are back, and cutting them would lose text the user is
  // reading. If another instance does take a chat first (a network cut to this instance only), it
  // marks the running answer interrupted and tells the user; the question is still never answered twice.
  function lost(which: LockSession, error: Error): void {
    if (session !== which) return;
    session = undefined;
    sweeper = false;
    connectFailures = 1;
    logger.warn(
      { err: error, chats: chats.size },
      'inbox lock connection lost: chats released, dispatching paused until it is back',
    );
    chats.clear();
    void which.close();
    if (!closed) reconnectTimer = setTimeout(() => void connect().catch(() => undefined), reconnectMs);
  }

  /**
   * A chat got rows. Its owner dispatches them; if nobody owns it, only the instance the notice
   * names tries to take it (the one that stored a webhook update): with every instance trying for
   * every update, the lock attempts on PostgreSQL grew with the number of instances. The sweep
   * still finds a chat nobody took (that instance died, or its lock connection is down).
   */
  function noticed(payload: string): void {
    const { chatId, taker } = parseInboxNotice(payload);
    if (chats.has(chatId) || taker === undefined || taker === deps.instanceId) wake(chatId);
  }

  function wake(chatId: number): void {
    if (!Number.isSafeInteger(chatId)) return;
    takeAndDispatch(chatId).catch((error: unknown) =>
      logger.warn({ err: error, chat: chatId }, 'inbox dispatch paused for this chat; the sweep retries'),
    );
  }

  async function takeAndDispatch(chatId: number): Promise<void> {
    if (stopping) return;
    const chat = chats.get(chatId) ?? (await acquire(chatId));
    if (chat !== undefined) await dispatchWaiting(chatId, chat);
  }

  async function acquire(chatId: number): Promise<OwnedChat | undefined> {
    const current = session;
    if (current === undefined || acquiring.has(chatId)) return undefined;
    acquiring.add(chatId);
    try {
      if (!(await current.tryLock(CHAT_LOCK_NAMESPACE, chatLockKey(chatId)))) return undefined;
      const chat: OwnedChat = { session: current, running: false, again: false };
      try {
        const started = await rows.adoptOrphans(chatId, deps.instanceId);
        if (started.length > 0) await deps.recoverInterrupted(chatId, started);
      } catch (error) {
        // Orphans not adopted yet: let the chat go, the next sweep tries again.
        await current.unlock(CHAT_LOCK_NAMESPACE, chatLockKey(chatId)).catch(() => undefined);
        throw error;
      }
      if (session !== current || stopping) {
        await current.unlock(CHAT_LOCK_NAMESPACE, chatLockKey(chatId)).catch(() => undefined);
        return undefined;
      }
      chats.set(chatId, chat);
      logger.debug({ chat: chatId }, 'chat taken');
      return chat;
    } finally {
      acquiring.delete(chatId);
    }
  }

  async function dispatchWaiting(chatId: number, chat: OwnedChat): Promise<void> {
    if (chat.running) {
      chat.again = true;
      return;
    }
    chat.running = true;
    try {
      do {
        chat.again = false;
        for (const row of await rows.waiting(chatId)) {
          if (stopping || chats.get(chatId) !== chat) return;
          if (!(await rows.hand(row.updateId, deps.instanceId))) continue;
          try {
            await deps.dispatch(JSON.parse(row.payload) as Update);
          } catch (error) {
            logger.error({ err: error, update: row.updateId, chat: chatId }, 'inbox update failed');
          }
          if (!deps.isClaimed(row.updateId)) await rows.markDone([row.updateId]);
        }
      } while (chat.again && !stopping && chats.get(chatId) === chat);
    } finally {
      chat.running = false;
    }
    await release(chatId);
  }

  async function release(chatId: number): Promise<void> {
    const chat = chats.get(chatId);
    const idle = () => chats.get(chatId) === chat && !chat?.running && !deps.isBusy(chatId);
    if (chat === undefined || !idle()) return;
    // The sweep lets it go once its writes have left their windows (a graceful stop does not wait).
    if (!stopping && deps.wroteRecently(chatId)) return;
    // When stopping, rows left open are waiting for the next owner: hand the chat over now.
    if (!stopping && (await rows.hasOpen(chatId))) return;
    if (!idle()) return;
    chats.delete(chatId);
    await chat.session.unlock(CHAT_LOCK_NAMESPACE, chatLockKey(chatId)).catch(() => undefined);
    logger.debug({ chat: chatId }, 'chat released');
    if (stopping) {
      await rows.notify(chatId).catch(() => undefined);
      return;
    }
    // A row may have arrived between the check and the unlock, its NOTIFY seen while we still owned it.
    if (await rows.hasOpen(chatId)) wake(chatId);
  }

  async function sweep(): Promise<void> {
    const current = session;
    if (stopping || current === undefined) return;
    // Chats owned here: let idle ones go, and now and then read busy ones again. A chat kept only
    // for its recent writes costs no query until they have left their windows.
    const recheckBusy = sweeps++ % BUSY_RECHECK_EVERY === 0;
    for (const [chatId, chat] of chats) {
      const busy = chat.running || deps.isBusy(chatId);
      if (busy ? !recheckBusy : deps.wroteRecently(chatId)) continue;
      wake(chatId);
    }
    // Chats nobody owns (a dead owner's, or rows whose taker could not take them): one instance at
    // a time looks, so the scan of open rows against pg_locks does not grow with the instances.
    // The sweeper's lock dies with it, and the next sweep of another instance takes it over.
    if (!sweeper) {
      const won = await current.tryLock(LEADER_LOCK_NAMESPACE, SWEEPER_LOCK_KEY);
      if (session === current) sweeper = won;
    }
    if (!sweeper || session !== current || stopping) return;
    for (const chatId of await rows.unownedChats(1000)) wake(chatId);
  }

  /** A slow database must not stack sweeps (nor take the sweeper lock twice). */
  async function sweepOnce(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      await sweep();
    } catch (error) {
      logger.debug({ err: error }, 'inbox sweep failed');
    } finally {
      sweeping = false;
    }
  }

  return {
    async start() {
      // PostgreSQL just answered the migrations; if the connection fails now, it is retried.
      await connect().catch(() => undefined);
      sweepTimer = setInterval(() => void sweepOnce(), sweepMs);
      sweepTimer.unref?.();
      // Rows stored while no instance ran (or by a dead one) do not wait for a NOTIFY.
      await sweepOnce();
    },
    wake,
    settled(chatId) {
      release(chatId).catch((error: unknown) =>
        logger.warn({ err: error, chat: chatId }, 'could not release the chat; the sweep retries'),
      );
    },
    owned: () => [...chats.keys()],
    isSweeper: () => sweeper,
    async handBack() {
      stopping = true;
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      // Another instance looks for unowned chats from now on, not after this one's grace period.
      if (sweeper) {
        sweeper = false;
        await session?.unlock(LEADER_LOCK_NAMESPACE, SWEEPER_LOCK_KEY).catch(() => undefined);
      }
      // The update being dispatched in each chat finishes first (its handler is short).
      for (let waited = 0; [...chats.values()].some((chat) => chat.running) && waited < 5000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all([...chats.keys()].map((chatId) => release(chatId).catch(() => undefined)));
    },
    async close() {
      stopping = true;
      closed = true;
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      chats.clear();
      const current = session;
      session = undefined;
      await current?.close();
    },
  };
}
