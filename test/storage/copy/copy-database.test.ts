import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyRefusedError, copyDatabase } from '../../../src/storage/copy/copy-database.js';
import { openPostgresStore } from '../../../src/storage/postgres/postgres-store.js';
import type { SqlExecutor, Store } from '../../../src/storage/sql.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { createStorage } from '../../../src/storage/storage.js';
import { createTestDatabase, dropTestDatabase, hasPostgres } from '../../support/postgres-test-store.js';
import { createTempWorkspace, type TempWorkspace } from '../temp-database.js';

const run = promisify(execFile);
const TABLES = {
  users: 'id',
  chats: 'id',
  messages: 'id',
  message_telegram_ids: 'message_id, telegram_message_id',
  usage: 'id',
  processed_updates: 'update_id',
};

let ws: TempWorkspace;
const opened: Store[] = [];
const databases: string[] = [];
beforeEach(() => {
  ws = createTempWorkspace();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const url of databases.splice(0)) await dropTestDatabase(url);
  ws.cleanup();
});

const track = <T extends Store>(store: T) => {
  opened.push(store);
  return store;
};

/** A bot's history with every kind of row the schema holds. */
async function fillSource(path: string): Promise<Store> {
  const store = track(openSqliteStore(path));
  let now = 1_700_000_000_000;
  const storage = createStorage(store, { now: () => now++ });
  await storage.users.upsert({ id: 1, username: 'ada', firstName: 'Ada' });
  await storage.users.upsert({ id: 2 }); // no username, no name
  await storage.chats.upsert({ id: 1, type: 'private' });
  await storage.chats.upsert({ id: -1001, type: 'supergroup', title: 'Team' });
  await storage.chats.setModel(-1001, 'anthropic:claude-test');
  await storage.chats.setSystemPrompt(-1001, 'Be brief.');
  await storage.chats.setShowReasoning(1, false);
  const question = await storage.messages.insertUserMessage({
    chatId: 1,
    userId: 1,
    parentId: null,
    content: 'Look at this',
    telegramMessageIds: [10, 11],
    updateId: 500,
    attachments: [{ kind: 'image', fileId: 'file-1' }],
  });
  const answer = await storage.messages.startAssistantMessage({
    chatId: 1,
    userId: 1,
    parentId: question,
    model: 'openai:gpt-test',
  });
  await storage.messages.finishAssistantMessage(answer, {
    content: 'Done “with” tools ✅',
    reasoning: 'thinking…',
    toolTurns: [{ role: 'user', content: 'tool result' }],
    status: 'complete',
    telegramMessageIds: [12, 13],
  });
  await storage.chats.setHead(1, answer);
  const groupQuestion = await storage.messages.insertUserMessage({
    chatId: -1001,
    userId: 2,
    parentId: null,
    content: 'In a topic',
    telegramMessageIds: [5],
    threadId: 77,
  });
  for (const status of ['interrupted', 'cancelled', 'error'] as const) {
    const id = await storage.messages.startAssistantMessage({
      chatId: -1001,
      userId: 2,
      parentId: groupQuestion,
      model: 'anthropic:claude-test',
      threadId: 77,
    });
    await storage.messages.finishAssistantMessage(id, { content: status, status, telegramMessageIds: [] });
  }
  // Left streaming by a crash.
  await storage.messages.startAssistantMessage({
    chatId: -1001,
    userId: null,
    parentId: null,
    model: 'openai:gpt-test',
  });
  await storage.usage.record({
    userId: 1,
    chatId: 1,
    messageId: answer,
    provider: 'openai',
    model: 'gpt-test',
    usage: {
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: 40,
      cacheWriteTokens: 5,
      reasoningTokens: 7,
    },
  });
  await storage.usage.record({
    userId: 2,
    chatId: -1001,
    provider: 'anthropic',
    model: 'claude-test',
    usage: undefined,
  });
  await storage.processedUpdates.markProcessed(500);
  await storage.processedUpdates.markProcessed(501);
  return store;
}

async function dump(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    tables[table] = await sql.all(`SELECT * FROM ${table} ORDER BY ${order}`);
  }
  return tables;
}

const targets = hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

async function openTarget(kind: (typeof targets)[number]): Promise<{ store: Store; address: string }> {
  if (kind === 'sqlite') {
    const address = join(ws.dir, 'target.db');
    return { store: track(openSqliteStore(address)), address };
  }
  const address = await createTestDatabase('copy');
  databases.push(address);
  return { store: track(await openPostgresStore(address, { poolSize: 2 })), address };
}

describe.each(targets)('copying a SQLite bot to %s', (kind) => {
  it('copies every row, rebuilds the Telegram id index and keeps ids counting on', async () => {
    const source = await fillSource(join(ws.dir, 'source.db'));
    const { store: target } = await openTarget(kind);
    const result = await copyDatabase(source, target);
    expect(result.counts).toEqual([
      { table: 'users', rows: 2 },
      { table: 'chats', rows: 2 },
      { table: 'messages', rows: 7 },
      { table: 'usage', rows: 2 },
      { table: 'processed_updates', rows: 2 },
    ]);
    expect(await dump(target)).toEqual(await dump(source));

    // The bot goes on writing on the copy: new ids follow the copied ones.
    const storage = createStorage(target);
    const next = await storage.messages.insertUserMessage({
      chatId: 1,
      userId: 1,
      parentId: (await storage.chats.get(1))?.headMessageId ?? null,
      content: 'And now?',
      telegramMessageIds: [14],
    });
    expect(next).toBe(8);
    expect((await storage.messages.findByTelegramMessageId(1, 13))?.content).toBe('Done “with” tools ✅');
    expect((await storage.usage.totalsByModel(1))[0]).toMatchObject({ inputTokens: 100, reasoningTokens: 7 });
  });

  it('refuses a target that holds rows, and replaces them only when told to', async () => {
    const source = await fillSource(join(ws.dir, 'source.db'));
    const { store: target } = await openTarget(kind);
    await createStorage(target).users.upsert({ id: 99, firstName: 'Already here' });
    await expect(copyDatabase(source, target)).rejects.toThrow(CopyRefusedError);
    await expect(copyDatabase(source, target)).rejects.toThrow(/users 1.*--force/);
    expect((await dump(target)).users).toHaveLength(1);

    await copyDatabase(source, target, { replace: true });
    expect(await dump(target)).toEqual(await dump(source));
  });
});

describe.skipIf(!hasPostgres)('npm run db:copy', () => {
  it('prints what it copied, refuses a second copy and replaces with --force', async () => {
    const sourcePath = join(ws.dir, 'bot.db');
    await (await fillSource(sourcePath)).close();
    const url = await createTestDatabase('cli');
    databases.push(url);
    const withPassword = url.replace('postgres@', 'postgres:cli-secret-pass@');
    const copy = (...extra: string[]) =>
      run(process.execPath, [
        '--import',
        'tsx',
        'src/storage/copy/main.ts',
        '--from',
        sourcePath,
        '--to',
        withPassword,
        ...extra,
      ]).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );

    const first = await copy();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^messages\s+7$/m);
    expect(first.stdout).toMatch(/^usage\s+2$/m);
    const second = await copy();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('--force');
    const forced = await copy('--force');
    expect(forced.code).toBe(0);
    for (const output of [first, second, forced])
      expect(output.stdout + output.stderr).not.toContain('cli-secret-pass');
  }, 60_000);
});
