import type { SqlExecutor, SqlValue, Store } from '../sql.js';

/** The tables copied, parents before children, each with its integer primary key for paging. */
const TABLES = [
  { name: 'users', key: 'id' },
  { name: 'chats', key: 'id' },
  { name: 'messages', key: 'id' },
  { name: 'usage', key: 'id' },
  { name: 'processed_updates', key: 'update_id' },
] as const;

/** Tables with ids the database hands out, whose counters must pass the copied ids. */
const GENERATED_IDS = ['messages', 'usage'] as const;

const PAGE_ROWS = 500;
// Well under SQLite's and PostgreSQL's limits on bound parameters per statement.
const MAX_PARAMS = 30_000;

export class CopyRefusedError extends Error {
  override readonly name = 'CopyRefusedError';
}

export interface CopyResult {
  /** Rows copied per table, in copy order. */
  counts: { table: string; rows: number }[];
  schemaVersion: number;
}

/**
 * Copies every row of a migrated Streamgram database into another (SQLite to PostgreSQL, or either
 * way), in one transaction on the target: a failure leaves the target as it was. The target must be
 * empty unless `replace` is set (its rows are deleted first); both must be at the same schema
 * version. `message_telegram_ids` is rebuilt by the target's own triggers; conversation heads are
 * set once their messages exist.
 */
export async function copyDatabase(
  source: Store,
  target: Store,
  options: { replace?: boolean } = {},
): Promise<CopyResult> {
  const [from, to] = [await schemaVersion(source), await schemaVersion(target)];
  if (from !== to) {
    throw new CopyRefusedError(
      `The source is at schema ${from} and the target at ${to}: start this Streamgram once on the older one to bring it up to date.`,
    );
  }
  return target.transaction(async (tx) => {
    const existing = await rowCounts(tx);
    const nonEmpty = existing.filter((entry) => entry.rows > 0);
    if (nonEmpty.length > 0 && !options.replace) {
      const found = nonEmpty.map((entry) => `${entry.table} ${entry.rows}`).join(', ');
      throw new CopyRefusedError(`The target already holds rows (${found}); add --force to replace them.`);
    }
    if (nonEmpty.length > 0) await emptyTables(tx, target.kind);

    const counts: CopyResult['counts'] = [];
    const heads: [number, number][] = [];
    for (const table of TABLES) {
      let rows = 0;
      for await (const page of readPages(source, table.name, table.key)) {
        if (table.name === 'chats') {
          // A head names a message not copied yet: set it afterwards.
          for (const row of page) {
            if (row.head_message_id !== null) heads.push([Number(row.id), Number(row.head_message_id)]);
            row.head_message_id = null;
          }
        }
        await insertRows(tx, table.name, page);
        rows += page.length;
      }
      counts.push({ table: table.name, rows });
    }
    for (const [chatId, messageId] of heads) {
      await tx.run('UPDATE chats SET head_message_id = $1 WHERE id = $2', [messageId, chatId]);
    }
    if (target.kind === 'postgres') {
      for (const table of GENERATED_IDS) {
        // The next id the identity hands out follows the highest copied one.
        await tx.get(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`,
        );
      }
    }
    return { counts, schemaVersion: from };
  });
}

async function schemaVersion(sql: SqlExecutor): Promise<number> {
  const row = await sql.get<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return Number(row?.version ?? 0);
}

async function rowCounts(sql: SqlExecutor): Promise<{ table: string; rows: number }[]> {
  const counts = [];
  for (const table of TABLES) {
    const row = await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table.name}`);
    counts.push({ table: table.name, rows: Number(row?.n ?? 0) });
  }
  return counts;
}

async function emptyTables(sql: SqlExecutor, kind: Store['kind']): Promise<void> {
  if (kind === 'postgres') {
    await sql.run(`TRUNCATE ${TABLES.map((table) => table.name).join(', ')}, message_telegram_ids CASCADE`);
    return;
  }
  await sql.run('UPDATE chats SET head_message_id = NULL');
  for (const table of [...TABLES].reverse()) await sql.run(`DELETE FROM ${table.name}`);
}

/** The table's rows in key order, a page at a time, so a large history never sits in memory whole. */
async function* readPages(
  source: SqlExecutor,
  table: string,
  key: string,
): AsyncGenerator<Record<string, SqlValue>[]> {
  let after: number | null = null;
  for (;;) {
    const page: Record<string, SqlValue>[] =
      after === null
        ? await source.all(`SELECT * FROM ${table} ORDER BY ${key} LIMIT ${PAGE_ROWS}`)
        : await source.all(`SELECT * FROM ${table} WHERE ${key} > $1 ORDER BY ${key} LIMIT ${PAGE_ROWS}`, [
            after,
          ]);
    if (page.length === 0) return;
    yield page;
    after = Number(page.at(-1)?.[key]);
    if (page.length < PAGE_ROWS) return;
  }
}

async function insertRows(sql: SqlExecutor, table: string, rows: Record<string, SqlValue>[]): Promise<void> {
  const columns = Object.keys(rows[0] ?? {});
  if (columns.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const params: SqlValue[] = [];
    const tuples = batch.map((row) => {
      const placeholders = columns.map((column) => {
        params.push(row[column] ?? null);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await sql.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}
