import pg from 'pg';

/** Counters of one database from pg_stat_database. */
export interface PgActivity {
  /** Committed transactions (every statement outside a transaction counts as one). */
  commits: number;
  /** Rows read by index and sequential scans. */
  rowsFetched: number;
}

/**
 * Reads a database's transaction and row counters, to compare how much PostgreSQL work the same
 * load costs with 1, 2 and 3 instances. PostgreSQL 15 publishes a busy backend's counts about once
 * a second and an idle one's later, but always when it exits: so the final reading waits until the
 * bot processes' connections are gone.
 */
export async function openPgActivity(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async read(): Promise<PgActivity> {
      // Without this, a transaction sees one snapshot of the statistics.
      await client.query('SELECT pg_stat_clear_snapshot()');
      const result = await client.query<{ commits: string; fetched: string }>(
        `SELECT xact_commit AS commits, tup_fetched AS fetched
           FROM pg_stat_database WHERE datname = current_database()`,
      );
      const row = result.rows[0];
      return { commits: Number(row?.commits ?? 0), rowsFetched: Number(row?.fetched ?? 0) };
    },
    /** Reads once every other connection to the database has ended (at most `timeoutMs`). */
    async readWhenAlone(timeoutMs: number): Promise<PgActivity> {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
        const others = await client.query<{ count: string }>(
          `SELECT count(*) AS count FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        if (Number(others.rows[0]?.count ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return this.read();
    },
    close: () => client.end(),
  };
}
