import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, MigrationError, StorageError } from '../../src/storage/errors.js';
import { schemaVersion } from '../../src/storage/migrate.js';
import { defaultMigrationsDir, openDatabase } from '../../src/storage/open-database.js';
import { createTempWorkspace, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
beforeEach(() => {
  ws = createTempWorkspace();
});
afterEach(() => ws.cleanup());

describe('openDatabase', () => {
  it('creates the parent folder and the file, with WAL, foreign keys, a busy timeout and synchronous NORMAL', () => {
    const db = ws.open(join('nested', 'deeper', 'streamgram.db'));
    expect(existsSync(join(ws.dir, 'nested', 'deeper', 'streamgram.db'))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('applies the real migrations once; reopening is a no-op', () => {
    const migrated: number[][] = [];
    const onMigrated = (r: { applied: { version: number }[] }) =>
      migrated.push(r.applied.map((m) => m.version));
    const first = ws.open('a.db', { onMigrated, now: () => 1234 });
    expect(schemaVersion(first)).toBe(5);
    first.close();
    const second = ws.open('a.db', { onMigrated });
    expect(migrated).toEqual([[1, 2, 3, 4, 5], []]);
    expect(second.prepare('SELECT version, name, applied_at FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'init', applied_at: 1234 },
      { version: 2, name: 'tools', applied_at: 1234 },
      { version: 3, name: 'media', applied_at: 1234 },
      { version: 4, name: 'tools_settings', applied_at: 1234 },
      { version: 5, name: 'inbox', applied_at: 1234 },
    ]);
  });

  it('finds the repository migrations from its own location', () => {
    expect(defaultMigrationsDir.replaceAll('\\', '/')).toMatch(/\/migrations\/sqlite\/?$/);
    expect(existsSync(join(defaultMigrationsDir, '001_init.sql'))).toBe(true);
  });

  it('works in memory', () => {
    const db = ws.track(openDatabase(':memory:'));
    expect(schemaVersion(db)).toBe(5);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a database from a newer Streamgram and closes it', () => {
    const path = join(ws.dir, 'newer.db');
    ws.open('newer.db').close();
    const raw = new BetterSqlite3(path);
    raw.exec("INSERT INTO schema_migrations VALUES (9, 'future', 0)");
    raw.close();
    let caught: unknown;
    try {
      ws.open('newer.db');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatabaseVersionError);
    expect((caught as Error).message).toBe(
      `The database at ${path} was written by a newer Streamgram (schema 9, this one knows 5); ` +
        'upgrade Streamgram or point DATABASE_PATH elsewhere.',
    );
  });

  it('reports a broken migration by file name and leaves the database at the last good version', () => {
    const migrationsDir = join(ws.dir, 'migrations');
    mkdirSync(migrationsDir);
    writeFileSync(join(migrationsDir, '001_ok.sql'), 'CREATE TABLE ok (id INTEGER PRIMARY KEY);');
    writeFileSync(join(migrationsDir, '002_bad.sql'), 'CREATE TABLE partial (id INTEGER); SELEC 1;');
    expect(() => ws.open('m.db', { migrationsDir })).toThrow(MigrationError);
    expect(() => ws.open('m.db', { migrationsDir })).toThrow(/002_bad\.sql failed and was rolled back/);
    const raw = ws.track(new BetterSqlite3(join(ws.dir, 'm.db')));
    expect(schemaVersion(raw)).toBe(1);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'partial'").get()).toBeUndefined();
  });

  it('raises a classified StorageError when the path cannot be a database folder', () => {
    writeFileSync(join(ws.dir, 'a-file'), 'x');
    // A regular file where the folder should be: fails for root too.
    let caught: unknown;
    try {
      ws.open(join('a-file', 'db.sqlite'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect(caught).toMatchObject({ kind: 'io' });
  });
});
