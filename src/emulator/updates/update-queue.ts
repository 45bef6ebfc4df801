import type { ApiUpdate } from '../api-types.js';
import { ApiError, DESCRIPTIONS } from '../errors.js';
import type { EventBus } from '../events.js';

/** What Telegram sends when `allowed_updates` is empty or was never given. */
export const DEFAULT_EXCLUDED_UPDATES = [
  'chat_member',
  'message_reaction',
  'message_reaction_count',
] as const;

export interface GetUpdatesRequest {
  offset: number | undefined;
  limit: number;
  /** Seconds to wait for an update when none is pending (fractions allowed). */
  timeoutSeconds: number;
  signal: AbortSignal;
}

export interface UpdateQueue {
  /** Creates an update (assigning its id) unless `allowed_updates` excludes its type. */
  push(body: Record<string, unknown>): { update: ApiUpdate; queued: boolean };
  /**
   * Queues an update that was already delivered, with its original id, to be delivered once more
   * even though the bot confirmed it (as Telegram does after a restart that lost the offset).
   */
  redeliver(updateId: number): ApiUpdate;
  /** Long polling: confirms by `offset`, then answers at once or waits for the next update. */
  getUpdates(request: GetUpdatesRequest): Promise<ApiUpdate[]>;
  /** `undefined` keeps the remembered setting; `[]` restores the default. */
  rememberAllowedUpdates(types: string[] | undefined): void;
  /** The remembered list, `undefined` for Telegram's default. */
  allowedUpdates(): string[] | undefined;
  pending(): ApiUpdate[];
  /** A getUpdates request is waiting for updates now. */
  polling(): boolean;
  /** The first pending update and its removal, for webhook delivery. */
  peek(): ApiUpdate | undefined;
  remove(updateId: number): void;
  dropPending(): void;
  /** Called after every queued update (webhook delivery listens). */
  onQueued(listener: () => void): void;
  /** Ends a waiting long poll with 409 (webhook set / another getUpdates). */
  conflictWaiter(description: string): void;
  close(): void;
}

interface Entry {
  update: ApiUpdate;
  /** Redelivered: survives one confirmation by offset, until it has been handed out again. */
  forced: boolean;
}

interface Waiter {
  limit: number;
  resolve(updates: ApiUpdate[]): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createUpdateQueue(deps: {
  bus: EventBus;
  firstUpdateId: number;
  historySize: number;
}): UpdateQueue {
  let nextId = deps.firstUpdateId;
  let entries: Entry[] = [];
  // Delivered-and-confirmed updates, so tests can ask for a redelivery.
  const history = new Map<number, ApiUpdate>();
  let allowed: string[] | undefined;
  let waiter: Waiter | undefined;
  const listeners: (() => void)[] = [];

  const typeOf = (update: ApiUpdate) => Object.keys(update).find((k) => k !== 'update_id') ?? '';
  const isAllowed = (type: string) =>
    allowed === undefined
      ? !(DEFAULT_EXCLUDED_UPDATES as readonly string[]).includes(type)
      : allowed.includes(type);

  const forget = (entry: Entry) => {
    history.set(entry.update.update_id, entry.update);
    if (history.size > deps.historySize) history.delete(history.keys().next().value as number);
  };

  const confirm = (offset: number | undefined) => {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      // A negative offset keeps only the last -offset updates.
      const keep = Math.max(0, entries.length + offset);
      for (const entry of entries.slice(0, keep)) forget(entry);
      entries = entries.slice(keep);
      return;
    }
    const kept: Entry[] = [];
    for (const entry of entries) {
      if (entry.update.update_id >= offset || entry.forced) kept.push(entry);
      else forget(entry);
    }
    entries = kept;
  };

  const take = (limit: number) => {
    const batch = entries.slice(0, limit);
    for (const entry of batch) entry.forced = false;
    return batch.map((e) => e.update);
  };

  const wake = () => {
    const current = waiter;
    if (current === undefined || entries.length === 0) return;
    waiter = undefined;
    clearTimeout(current.timer);
    current.resolve(take(current.limit));
  };

  const insertSorted = (entry: Entry) => {
    const index = entries.findIndex((e) => e.update.update_id > entry.update.update_id);
    if (index === -1) entries.push(entry);
    else entries.splice(index, 0, entry);
  };

  const queue: UpdateQueue = {
    push(body) {
      // Ids are spent even on filtered updates, so a returned id is never reused.
      const update = { update_id: nextId++, ...body } as ApiUpdate;
      const queued = isAllowed(typeOf(update));
      if (queued) entries.push({ update, forced: false });
      deps.bus.emit({ kind: 'update', update, queued });
      if (queued) {
        wake();
        for (const listener of listeners) listener();
      }
      return { update, queued };
    },
    redeliver(updateId) {
      const pending = entries.find((e) => e.update.update_id === updateId);
      if (pending !== undefined) {
        pending.forced = true;
        return pending.update;
      }
      const update = history.get(updateId);
      if (update === undefined) throw new Error(`update ${updateId} is not known (anymore)`);
      history.delete(updateId);
      insertSorted({ update, forced: true });
      deps.bus.emit({ kind: 'update', update, queued: true });
      wake();
      for (const listener of listeners) listener();
      return update;
    },
    getUpdates(request) {
      queue.conflictWaiter(DESCRIPTIONS.getUpdatesConflictOther);
      confirm(request.offset);
      if (entries.length > 0 || request.timeoutSeconds <= 0 || request.signal.aborted) {
        return Promise.resolve(take(request.limit));
      }
      return new Promise<ApiUpdate[]>((resolve, reject) => {
        const finish = () => {
          if (waiter !== self) return;
          waiter = undefined;
          clearTimeout(self.timer);
          resolve([]);
        };
        const self: Waiter = {
          limit: request.limit,
          resolve,
          reject,
          timer: setTimeout(finish, request.timeoutSeconds * 1000),
        };
        waiter = self;
        request.signal.addEventListener('abort', finish, { once: true });
      });
    },
    rememberAllowedUpdates(types) {
      if (types === undefined) return;
      allowed = types.length === 0 ? undefined : [...types];
    },
    allowedUpdates: () => (allowed === undefined ? undefined : [...allowed]),
    pending: () => entries.map((e) => e.update),
    polling: () => waiter !== undefined,
    peek: () => entries[0]?.update,
    remove(updateId) {
      const index = entries.findIndex((e) => e.update.update_id === updateId);
      if (index === -1) return;
      const [entry] = entries.splice(index, 1);
      if (entry !== undefined) forget(entry);
    },
    dropPending() {
      for (const entry of entries) forget(entry);
      entries = [];
    },
    onQueued(listener) {
      listeners.push(listener);
    },
    conflictWaiter(description) {
      const current = waiter;
      if (current === undefined) return;
      waiter = undefined;
      clearTimeout(current.timer);
      current.reject(new ApiError(409, description));
    },
    close() {
      const current = waiter;
      waiter = undefined;
      if (current !== undefined) {
        clearTimeout(current.timer);
        current.resolve([]);
      }
    },
  };
  return queue;
}
