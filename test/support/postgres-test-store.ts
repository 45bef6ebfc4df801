import pg from 'pg';
import { inject } from 'vitest';

/** True when the shared test server runs; tests on PostgreSQL use `describe.skipIf(!hasPostgres)`. */
export const hasPostgres = inject('postgresUrl') !== undefined;

/** Why PostgreSQL tests are skipped, for their titles. */
export const postgresSkipReason = inject('postgresMissing') ?? '';

let counter = 0;

/** A new empty database on the shared test server, named after the test file's process; its URL. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const base = inject('postgresUrl');
  if (base === undefined) throw new Error(postgresSkipReason || 'no PostgreSQL test server');
  counter += 1;
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${counter}_${Date.now() % 1e6}`;
  const admin = new pg.Client({ connectionString: `${base}postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return `${base}${name}`;
}

/** Drops a database made by `createTestDatabase`, closing whatever still holds it. */
export async function dropTestDatabase(url: string): Promise<void> {
  const base = inject('postgresUrl');
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${base}postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
