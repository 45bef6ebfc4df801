import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, MigrationError } from '../../src/storage/errors.js';
import { migrate, readMigrations, schemaVersion } from '../../src/storage/migrate.js';
import { defaultMigrationsDir } from '../../src/storage/open-database.js';
import { createTempWorkspace, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
let migrationsDir: string;

beforeEach(() => {
  ws = createTempWorkspace();
  migrationsDir = join(ws.dir, 'migrations');
  mkdirSync(migrationsDir);
});
afterEach(() => ws.cleanup());

function writeMigration(file: string, sql: string): void {
  writeFileSync(join(migrationsDir, file), sql);
}

function rawDb(name = 'raw.db') {
  return ws.track(new BetterSqlite3(join(ws.dir, name)));
}

function tableNames(db: BetterSqlite3.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}

describe('readMigrations', () => {
  it('lists NNN_name.sql files in numeric order and ignores other files', () => {
    writeMigration('010_ten.sql', '');
    writeMigration('002_two.sql', '');
    writeMigration('001_one.sql', '');
    for (let v = 3; v <= 9; v++) writeMigration(`00${v}_m${v}.sql`, '');
    writeFileSync(join(migrationsDir, 'README.md'), 'not a migration');
    const versions = readMigrations(migrationsDir).map((m) => m.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readMigrations(migrationsDir)[0]).toMatchObject({ version: 1, name: 'one', file: '001_one.sql' });
  });

  it.each(['1_init.sql', '001-init.sql', 'init.sql', '001_.sql', '001_init.SQL'])(
    'rejects the file name %s',
    (file) => {
      writeMigration(file, '');
      const err = catchError(() => readMigrations(migrationsDir));
      expect(err).toBeInstanceOf(MigrationError);
      expect(err).toMatchObject({ reason: 'bad-file-name', file });
      expect((err as Error).message).toContain(file);
    },
  );

  it('rejects a gap in the numbering, naming the file after it', () => {
    writeMigration('001_one.sql', '');
    writeMigration('003_three.sql', '');
    const err = catchError(() => readMigrations(migrationsDir));
    expect(err).toMatchObject({ reason: 'gap', file: '003_three.sql', version: 3 });
    expect((err as Error).message).toMatch(/version 2 is missing/);
  });

  it('rejects numbering that does not start at 1', () => {
    writeMigration('002_two.sql', '');
    expect(catchError(() => readMigrations(migrationsDir))).toMatchObject({ reason: 'gap', version: 2 });
  });

  it('rejects two files with the same version', () => {
    writeMigration('001_one.sql', '');
    writeMigration('001_uno.sql', '');
    expect(catchError(() => readMigrations(migrationsDir))).toMatchObject({
      reason: 'duplicate-version',
      version: 1,
    });
  });

  it('reports a missing folder', () => {
    const missing = join(ws.dir, 'nowhere');
    const err = catchError(() => readMigrations(missing));
    expect(err).toMatchObject({ reason: 'missing-folder' });
    expect((err as Error).message).toContain(missing);
  });

  it('the real migrations folder is well formed', () => {
    expect(readMigrations(defaultMigrationsDir)[0]).toMatchObject({ version: 1, name: 'init' });
  });
});

describe('migrate', () => {
  it('applies pending migrations once, in order, recording version, name and time', () => {
    writeMigration('001_one.sql', 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    writeMigration(
      '002_two.sql',
      'CREATE TABLE two (id INTEGER PRIMARY KEY, one_id INTEGER REFERENCES one (id));',
    );
    const db = rawDb();
    const first = migrate(db, { migrationsDir, now: () => 42 });
    expect(first.version).toBe(2);
    expect(first.applied.map((m) => m.file)).toEqual(['001_one.sql', '002_two.sql']);
    expect(
      db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(),
    ).toEqual([
      { version: 1, name: 'one', applied_at: 42 },
      { version: 2, name: 'two', applied_at: 42 },
    ]);

    const again = migrate(db, { migrationsDir });
    expect(again).toEqual({ version: 2, applied: [] });

    writeMigration('003_three.sql', 'ALTER TABLE two ADD COLUMN note TEXT;');
    const third = migrate(db, { migrationsDir });
    expect(third.applied.map((m) => m.version)).toEqual([3]);
    expect(schemaVersion(db)).toBe(3);
  });

  it('rolls a failing migration back completely and names its file', () => {
    writeMigration('001_one.sql', 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    writeMigration(
      '002_broken.sql',
      "CREATE TABLE half (id INTEGER PRIMARY KEY);\nINSERT INTO one (id) VALUES (1);\nINSERT INTO nope VALUES ('x');",
    );
    const db = rawDb();
    const err = catchError(() => migrate(db, { migrationsDir }));
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ reason: 'failed', file: '002_broken.sql', version: 2 });
    expect((err as Error).message).toMatch(/002_broken\.sql failed and was rolled back: no such table: nope/);
    // 001 stays applied; nothing of 002 is left behind.
    expect(schemaVersion(db)).toBe(1);
    expect(tableNames(db)).not.toContain('half');
    expect(db.prepare('SELECT count(*) AS n FROM one').get()).toEqual({ n: 0 });
    expect(db.inTransaction).toBe(false);
  });

  it('refuses a migration that leaves foreign key violations', () => {
    writeMigration('001_one.sql', 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    writeMigration(
      '002_orphans.sql',
      'CREATE TABLE child (one_id INTEGER REFERENCES one (id)); INSERT INTO child VALUES (99);',
    );
    const db = rawDb();
    db.pragma('foreign_keys = ON');
    const err = catchError(() => migrate(db, { migrationsDir }));
    expect(err).toMatchObject({ reason: 'foreign-key-violation', file: '002_orphans.sql' });
    expect(tableNames(db)).not.toContain('child');
    // Foreign keys are switched back on after migrating, even after a failure.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('lets a migration rebuild a referenced table (foreign keys off while migrating)', () => {
    writeMigration(
      '001_one.sql',
      'CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);' +
        'INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1);',
    );
    writeMigration(
      '002_rebuild.sql',
      'CREATE TABLE parent_new (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO parent_new (id) SELECT id FROM parent;' +
        'DROP TABLE parent; ALTER TABLE parent_new RENAME TO parent;',
    );
    const db = rawDb();
    db.pragma('foreign_keys = ON');
    migrate(db, { migrationsDir });
    // With foreign keys on, DROP TABLE parent would have cascaded into child.
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 1 });
  });

  it('refuses a database written by a newer Streamgram with a clear, typed error', () => {
    writeMigration('001_one.sql', 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    writeMigration('002_two.sql', 'CREATE TABLE two (id INTEGER PRIMARY KEY);');
    writeMigration('003_three.sql', 'CREATE TABLE three (id INTEGER PRIMARY KEY);');
    const db = rawDb('newer.db');
    migrate(db, { migrationsDir });
    db.exec(
      "INSERT INTO schema_migrations VALUES (4, 'four', 1); INSERT INTO schema_migrations VALUES (5, 'five', 1);",
    );
    const err = catchError(() => migrate(db, { migrationsDir }));
    expect(err).toBeInstanceOf(DatabaseVersionError);
    expect(err).toMatchObject({
      databaseVersion: 5,
      knownVersion: 3,
      databasePath: join(ws.dir, 'newer.db'),
    });
    expect((err as Error).message).toContain(
      'was written by a newer Streamgram (schema 5, this one knows 3); upgrade Streamgram or point DATABASE_PATH elsewhere',
    );
  });

  it('reads the version of a read-only database without writing to it', () => {
    writeMigration('001_one.sql', 'CREATE TABLE one (id INTEGER PRIMARY KEY);');
    migrate(rawDb('ro.db'), { migrationsDir });
    const readonly = ws.track(new BetterSqlite3(join(ws.dir, 'ro.db'), { readonly: true }));
    expect(migrate(readonly, { migrationsDir })).toEqual({ version: 1, applied: [] });
  });

  it('copies of the real migrations apply to a fresh database', () => {
    copyFileSync(join(defaultMigrationsDir, '001_init.sql'), join(migrationsDir, '001_init.sql'));
    const db = rawDb();
    expect(migrate(db, { migrationsDir }).version).toBe(1);
    expect(tableNames(db)).toEqual(
      expect.arrayContaining([
        'users',
        'chats',
        'messages',
        'usage',
        'processed_updates',
        'schema_migrations',
      ]),
    );
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
