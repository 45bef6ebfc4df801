import type { Update } from 'grammy/types';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInboxRows,
  INBOX_CHANNEL,
  type InboxRows,
  parseInboxNotice,
} from '../../src/inbox/inbox-rows.js';
import { StorageError } from '../../src/storage/errors.js';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import type { Store } from '../../src/storage/sql.js';
import {
  createTestDatabase,
  dropTestDatabase,
  hasPostgres,
  postgresSkipReason,
} from '../support/postgres-test-store.js';

const update = (id: number, chatId: number, text = `m${id}`): Update => ({
  update_id: id,
  message: {
    message_id: id,
    date: 0,
    chat: { id: chatId, type: 'private', first_name: 'U' },
    from: { id: chatId, is_bot: false, first_name: 'U' },
    text,
  },
});

describe.skipIf(!hasPostgres)(`inbox rows ${hasPostgres ? '' : `(${postgresSkipReason})`}`, () => {
  let url: string;
  let store: Store;
  let rows: InboxRows;
  let clock = 1_000;
  beforeAll(async () => {
    url = await createTestDatabase('inbox_rows');
    store = await openPostgresStore(url);
    rows = createInboxRows(store, { now: () => clock });
  });
  afterAll(async () => {
    await store?.close();
    if (url) await dropTestDatabase(url);
  });

  it('stores a batch once, notifies each chat at commit, and reports redeliveries', async () => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query(`LISTEN ${INBOX_CHANNEL}`);
    try {
      expect(await rows.store([update(1, 10), update(2, 10), update(3, 20)])).toEqual([]);
      expect(await rows.store([update(2, 10), update(4, 10)])).toEqual([2]);
      await expect.poll(() => heard.sort()).toEqual(['10', '10', '20']);
    } finally {
      await listener.end();
    }
    expect((await rows.waiting(10)).map((row) => row.updateId)).toEqual([1, 2, 4]);
  });

  it("hands a row once, starts only rows handed to the caller, and adopts a dead owner's rows", async () => {
    expect(await rows.hand(1, 'a')).toBe(true);
    expect(await rows.hand(1, 'b')).toBe(false);
    expect(await rows.hand(2, 'a')).toBe(true);
    expect(await rows.hand(4, 'a')).toBe(true);
    expect(await rows.markStarted([1], 'b')).toBe(0);
    expect(await rows.markStarted([1], 'a')).toBe(1);
    // Instance b takes chat 10 after a died: 2 and 4 wait again, 1 (started) is returned to tidy up.
    const orphans = await rows.adoptOrphans(10, 'b');
    expect(orphans.map((row) => [row.updateId, row.state, row.owner])).toEqual([[1, 'started', 'a']]);
    expect((await rows.waiting(10)).map((row) => row.updateId)).toEqual([2, 4]);
    expect(await rows.adoptOrphans(10, 'a')).toEqual([]); // its own rows are not orphans
    await rows.markDone([1]);
    expect(await rows.hasOpen(10)).toBe(true);
    await rows.hand(2, 'b');
    await rows.handBack([2]);
    expect((await rows.waiting(10)).map((row) => [row.updateId, row.owner])).toEqual([
      [2, null],
      [4, null],
    ]);
    await rows.markDone([2, 4]);
    expect(await rows.hasOpen(10)).toBe(false);
  });

  it('lists open chats nobody holds the lock of, and prunes old done rows only', async () => {
    expect(await rows.unownedChats(10)).toEqual([20]);
    clock = 9_000;
    await rows.markDone([3]);
    expect(await rows.unownedChats(10)).toEqual([]);
    expect(await rows.prune(5_000)).toBe(3); // 1, 2 and 4 were done at 1 000
    expect(await rows.hasOpen(20)).toBe(false);
    expect(await rows.prune(10_000)).toBe(1);
  });

  it('refuses an update it cannot store with a StorageError, storing nothing of the batch', async () => {
    const broken = { update_id: 5, message: { chat: { id: 30 } } } as unknown as Update;
    await store.run('ALTER TABLE inbox_updates ADD CONSTRAINT no_five CHECK (update_id <> 5)');
    try {
      await expect(rows.store([update(6, 30), broken])).rejects.toBeInstanceOf(StorageError);
      expect(await rows.waiting(30)).toEqual([]);
    } finally {
      await store.run('ALTER TABLE inbox_updates DROP CONSTRAINT no_five');
    }
  });
});

describe('inbox notices', () => {
  it('name the chat, and the instance meant to take it when there is one', () => {
    expect(parseInboxNotice('-1001234')).toEqual({ chatId: -1001234, taker: undefined });
    expect(parseInboxNotice('42:host-7-a1b2c3')).toEqual({ chatId: 42, taker: 'host-7-a1b2c3' });
    // Instance ids may hold colons themselves (INSTANCE_ID is free text): only the first separates.
    expect(parseInboxNotice('42:pod:3')).toEqual({ chatId: 42, taker: 'pod:3' });
  });
});
