import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_LOCK_NAMESPACE, chatLockKey } from '../../src/inbox/lock-keys.js';
import { chatOf } from '../../src/inbox/update-chat.js';
import {
  createTestDatabase,
  dropTestDatabase,
  hasPostgres,
  postgresSkipReason,
} from '../support/postgres-test-store.js';

// Private chats (positive), groups (negative) and supergroups (-100xxxxxxxxxx, past 2^31).
const CHAT_IDS = [1, 100001, 2_147_483_647, 7_000_000_001, -42, -1_001_234_567_890, -1_009_876_543_210];

describe('chat lock keys', () => {
  it('fold every Telegram chat id into an int4, the same id always to the same key', () => {
    for (const id of CHAT_IDS) {
      const key = chatLockKey(id);
      expect(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31).toBe(true);
      expect(chatLockKey(id)).toBe(key);
    }
    expect(new Set(CHAT_IDS.map(chatLockKey)).size).toBe(CHAT_IDS.length);
  });

  it('find the chat of each update type the bot takes; an inline callback falls back to its user', () => {
    const chat = { id: -100, type: 'supergroup' as const, title: 'g' };
    const from = { id: 7, is_bot: false, first_name: 'U' };
    expect(chatOf({ update_id: 1, message: { message_id: 1, date: 0, chat, from, text: 'x' } })).toBe(-100);
    expect(
      chatOf({ update_id: 2, callback_query: { id: 'c', from, chat_instance: 'i', inline_message_id: 'm' } }),
    ).toBe(7);
  });
});

describe.skipIf(!hasPostgres)(
  `chat lock keys in pg_locks ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    let url: string;
    let client: pg.Client;
    beforeAll(async () => {
      url = await createTestDatabase('lock_keys');
      client = new pg.Client({ connectionString: url });
      await client.connect();
    });
    afterAll(async () => {
      await client?.end();
      if (url) await dropTestDatabase(url);
    });

    it('match the SQL fold the sweep uses to skip chats another instance owns', async () => {
      for (const id of CHAT_IDS) {
        await client.query('SELECT pg_advisory_lock($1, $2)', [CHAT_LOCK_NAMESPACE, chatLockKey(id)]);
        const { rows } = await client.query<{ held: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.objsubid = 2
           AND l.classid::bigint = $2 AND l.objid::bigint = (($1::bigint # ($1::bigint >> 32)) & 4294967295)) AS held`,
          [id, CHAT_LOCK_NAMESPACE],
        );
        expect(rows[0]?.held, `chat ${id}`).toBe(true);
        await client.query('SELECT pg_advisory_unlock($1, $2)', [CHAT_LOCK_NAMESPACE, chatLockKey(id)]);
      }
    });
  },
);
