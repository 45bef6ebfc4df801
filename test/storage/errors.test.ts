import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChatRepository } from '../../src/storage/chats.js';
import { classifySqliteError, StorageError, storageFailureKind } from '../../src/storage/errors.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { createStorage } from '../../src/storage/storage.js';
import { createUserRepository } from '../../src/storage/users.js';
import { createTempWorkspace, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
beforeEach(() => {
  ws = createTempWorkspace();
});
afterEach(() => ws.cleanup());

describe('storageFailureKind', () => {
  it.each([
    ['SQLITE_READONLY', 'read-only'],
    ['SQLITE_READONLY_DBMOVED', 'read-only'],
    ['SQLITE_FULL', 'disk-full'],
    ['SQLITE_IOERR_WRITE', 'io'],
    ['SQLITE_IOERR', 'io'],
    ['SQLITE_CANTOPEN', 'io'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_BUSY_SNAPSHOT', 'busy'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'constraint'],
    ['SQLITE_ERROR', 'other'],
    ['SQLITE_READONLYISH', 'other'],
    ['ENOSPC', 'disk-full'],
    ['EROFS', 'read-only'],
  ])('%s -> %s', (code, kind) => {
    expect(storageFailureKind(code)).toBe(kind);
  });
});

describe('classifySqliteError', () => {
  it('leaves errors that are not SQLite or file-system failures alone', () => {
    expect(classifySqliteError(new TypeError('bad bind'))).toBeUndefined();
    expect(classifySqliteError('text')).toBeUndefined();
    const existing = new StorageError('io', 'op', 'SQLITE_IOERR');
    expect(classifySqliteError(existing)).toBe(existing);
  });

  it('wraps a real SqliteError with its kind, code, operation and cause', () => {
    const db = ws.track(new BetterSqlite3(':memory:'));
    let original: unknown;
    try {
      db.exec('CREATE TABLE t (x INTEGER NOT NULL); INSERT INTO t VALUES (NULL);');
    } catch (err) {
      original = err;
    }
    const classified = classifySqliteError(original, 'test.insert');
    expect(classified).toMatchObject({
      kind: 'constraint',
      code: 'SQLITE_CONSTRAINT_NOTNULL',
      operation: 'test.insert',
    });
    expect(classified?.cause).toBe(original);
    expect(classified?.message).toMatch(
      /^test\.insert failed \(constraint, SQLITE_CONSTRAINT_NOTNULL\): NOT NULL/,
    );
  });
});

describe('a database that cannot be written', () => {
  it('raises read-only StorageErrors from the repositories (a read-only connection works as root too)', async () => {
    const path = join(ws.dir, 'ro.db');
    const writable = createSqliteStore(ws.open('ro.db'));
    await createChatRepository(writable).upsert({ id: 1, type: 'private' });
    const readonly = createSqliteStore(ws.track(new BetterSqlite3(path, { readonly: true })));
    const chats = createChatRepository(readonly);
    expect(await chats.get(1)).toMatchObject({ id: 1 }); // reads still work

    let caught: unknown;
    try {
      await createUserRepository(readonly).upsert({ id: 7, firstName: 'Ann' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect(caught).toMatchObject({ kind: 'read-only', operation: 'users.upsert' });
    expect((caught as StorageError).code).toMatch(/^SQLITE_READONLY/);
    await expect(chats.setModel(1, 'openai:gpt-5')).rejects.toThrow(
      expect.objectContaining({ kind: 'read-only' }),
    );
    expect((await chats.get(1))?.model).toBeNull();
  });

  it('raises disk-full and leaves nothing half-written when the database hits its size limit', async () => {
    const db = ws.open('full.db');
    const store = createSqliteStore(db);
    const storage = createStorage(store, { now: () => 1000 });
    await storage.chats.upsert({ id: 1, type: 'private' });
    await storage.users.upsert({ id: 2 });
    // A page limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    let inserted = 0;
    let caught: unknown;
    try {
      await storage.transaction(async (tx) => {
        for (let i = 0; i < 1000; i++) {
          await tx.messages.insertUserMessage({
            chatId: 1,
            userId: 2,
            parentId: null,
            content: 'x'.repeat(2000),
            telegramMessageIds: [i],
          });
          inserted++;
        }
      });
    } catch (err) {
      caught = err;
    }
    expect(inserted).toBeGreaterThan(0); // it failed midway, not on the first row
    expect(caught).toBeInstanceOf(StorageError);
    expect(caught).toMatchObject({ kind: 'disk-full', code: 'SQLITE_FULL' });
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(db.inTransaction).toBe(false);
  });
});
