import pg from 'pg';

/**
 * One dedicated PostgreSQL connection (not from the pool) holding session-level advisory locks:
 * when the process dies, the socket closes and PostgreSQL frees its locks, which is how the other
 * instances learn that its chats (or the polling) are free. It may also LISTEN for wake-ups.
 */
export interface LockSession {
  /** `pg_try_advisory_lock(namespace, key)`: true when this session holds it now. */
  tryLock(namespace: number, key: number): Promise<boolean>;
  unlock(namespace: number, key: number): Promise<void>;
  /** Ends the connection; PostgreSQL frees every lock it held. Idempotent. */
  close(): Promise<void>;
}

export interface LockSessionOptions {
  url: string;
  /** Shown in pg_stat_activity, so operators (and tests) can tell whose connection it is. */
  applicationName: string;
  /** Channel to LISTEN on; notifications' payloads go to `onNotification`. */
  listen?: { channel: string; onNotification(payload: string): void };
  /** Called once when the connection is lost (not after `close`). The locks are gone with it. */
  onLost(error: Error): void;
  connectTimeoutMs?: number;
}

export async function openLockSession(options: LockSessionOptions): Promise<LockSession> {
  const client = new pg.Client({
    connectionString: options.url,
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // A peer that vanished without closing the socket is noticed, and our locks with it.
    keepAlive: true,
  });
  let closing = false;
  let lost = false;
  let opened = false;
  let lostWhileOpening: Error | undefined;
  const loseOnce = (error: Error) => {
    if (closing || lost) return;
    lost = true;
    // While opening, the caller has no session to compare yet (its `onLost` would see none): the
    // open fails by itself (connect or LISTEN rejects), or the loss is told once it has returned.
    if (opened) options.onLost(error);
    else lostWhileOpening = error;
  };
  client.on('error', loseOnce);
  client.on('end', () => loseOnce(new Error('connection ended')));
  try {
    await client.connect();
    if (options.listen) {
      const { channel, onNotification } = options.listen;
      client.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) onNotification(message.payload);
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    }
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  opened = true;
  const early = lostWhileOpening;
  if (early) setImmediate(() => options.onLost(early));
  let ended: Promise<void> | undefined;
  // One statement at a time on the connection (node-postgres deprecates overlapping queries).
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
  return {
    async tryLock(namespace, key) {
      const result = await serial(() =>
        client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [namespace, key]),
      );
      return result.rows[0]?.ok === true;
    },
    async unlock(namespace, key) {
      await serial(() => client.query('SELECT pg_advisory_unlock($1, $2)', [namespace, key]));
    },
    close() {
      closing = true;
      ended ??= client.end().catch(() => undefined);
      return ended;
    },
  };
}
