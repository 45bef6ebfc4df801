import { parseArgs } from 'node:util';
import { openStore } from '../open-store.js';
import { describePostgresUrl } from '../postgres/postgres-store.js';
import type { Store } from '../sql.js';
import { CopyRefusedError, copyDatabase } from './copy-database.js';

const USAGE = `Copies a Streamgram database into another, e.g. a SQLite bot's history and usage to PostgreSQL.

  npm run db:copy -- --from ./data/streamgram.db --to postgres://user:password@host:5432/streamgram

  --from   the database to read: a SQLite file, or a postgres:// URL
  --to     the database to fill (created and migrated if new): a postgres:// URL, or a SQLite file
  --force  replace the rows a non-empty target already holds

Stop the bot first, so nothing is written while the copy runs. Both databases are brought to this
Streamgram's schema first (as the bot does at start). The copy is one transaction on the target.`;

/** `--from`/`--to` values: a postgres:// URL or a SQLite file path. */
function storeSettings(value: string) {
  const isUrl = /^postgres(ql)?:\/\//.test(value);
  return { databasePath: value, databaseUrl: isUrl ? value : undefined, databasePoolSize: 2 };
}

/** Where a database is, without a password. */
function describe(value: string): string {
  return /^postgres(ql)?:\/\//.test(value) ? describePostgresUrl(value) : value;
}

async function main(): Promise<number> {
  let values: { from?: string; to?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.from || !values.to) {
    process.stderr.write(`Both --from and --to are needed.\n\n${USAGE}\n`);
    return 2;
  }
  if (values.from === values.to) {
    process.stderr.write('--from and --to name the same database.\n');
    return 2;
  }
  const opened: Store[] = [];
  try {
    const source = await openStore(storeSettings(values.from));
    opened.push(source);
    const target = await openStore(storeSettings(values.to));
    opened.push(target);
    process.stdout.write(`Copying ${describe(values.from)} -> ${describe(values.to)}\n`);
    const result = await copyDatabase(source, target, { replace: values.force === true });
    for (const { table, rows } of result.counts) process.stdout.write(`${table.padEnd(18)} ${rows}\n`);
    process.stdout.write(`Done: schema version ${result.schemaVersion}, committed in one transaction.\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The URLs' passwords must not reach the terminal either.
    const scrubbed = [values.from, values.to].reduce(
      (text, value) => (value ? text.replaceAll(value, describe(value)) : text),
      message,
    );
    process.stderr.write(`${error instanceof CopyRefusedError ? '' : 'Copy failed: '}${scrubbed}\n`);
    return 1;
  } finally {
    for (const store of opened) await store.close();
  }
}

process.exitCode = await main();
