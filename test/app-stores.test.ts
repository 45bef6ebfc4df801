import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-store.js';
import { countRows } from './storage/test-stores.js';
import { createTestDatabase, dropTestDatabase, hasPostgres } from './support/postgres-test-store.js';
import { useStreamgram } from './support/use-streamgram.js';

const start = useStreamgram();
const stores = hasPostgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
// Trust authentication ignores it, but the bot must still never log it.
const DATABASE_PASSWORD = 'db-secret-password-0123';
const databases: string[] = [];
afterAll(async () => {
  for (const url of databases) await dropTestDatabase(url);
});

async function databaseEnv(kind: (typeof stores)[number]): Promise<Record<string, string>> {
  if (kind === 'sqlite') return {};
  const url = await createTestDatabase('e2e');
  databases.push(url);
  return {
    DATABASE_URL: url.replace('postgres@', `postgres:${DATABASE_PASSWORD}@`),
    DATABASE_POOL_SIZE: '3',
  };
}

describe.each(stores)('the whole bot on %s', (kind) => {
  it('answers, counts usage, starts afresh with /new, remembers across a restart and skips a redelivered update', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', ...(await databaseEnv(kind)) },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const lastText = () => telegram.lastBotMessage(user.id)?.text ?? '';
    const waitForText = (check: (text: string) => boolean) =>
      telegram.waitFor(() => check(lastText()) || undefined, { timeoutMs: 20_000 });
    const asked = () =>
      openai.requests.map((request) =>
        request.messages.filter((message) => message.role !== 'system').map((message) => message.content),
      );

    openai.enqueue({ text: 'First answer.', usage: { inputTokens: 10, outputTokens: 5 } });
    telegram.userSends({ chat: user.id, text: 'One' });
    await waitForText((text) => text === 'First answer.');

    // A deploy: the conversation lives in the database, not in the process.
    await world.restart();
    openai.enqueue({ text: 'Second answer.', usage: { inputTokens: 20, outputTokens: 7 } });
    telegram.userSends({ chat: user.id, text: 'Two' });
    await waitForText((text) => text === 'Second answer.');
    expect(asked()[1]).toEqual(['One', 'First answer.', 'Two']);

    telegram.userSends({ chat: user.id, text: '/usage' });
    await waitForText((text) => text.startsWith('Your token usage'));
    // 10 + 20 input and 5 + 7 output tokens, summed by the database.
    expect(lastText()).toMatch(/\b30\b/);
    expect(lastText()).toMatch(/\b12\b/);

    telegram.userSends({ chat: user.id, text: '/new' });
    await waitForText((text) => text.startsWith('🆕 New conversation'));
    openai.enqueue({ text: 'Third answer.', usage: { inputTokens: 3, outputTokens: 3 } });
    telegram.userSends({ chat: user.id, text: 'Three' });
    await waitForText((text) => text === 'Third answer.');
    expect(asked()[2]).toEqual(['Three']);

    // Telegram delivers the first update again (as after a crash): it is not answered twice.
    const first = telegram
      .calls({ method: 'getUpdates' })
      .flatMap((call) => (call.result as { update_id: number }[]) ?? [])[0];
    telegram.redeliverUpdate(first?.update_id ?? 0);
    openai.enqueue({ text: 'Fourth answer.' });
    telegram.userSends({ chat: user.id, text: 'Four' });
    await waitForText((text) => text === 'Fourth answer.');
    expect(asked().map((messages) => messages.at(-1))).toEqual(['One', 'Two', 'Three', 'Four']);
    expect(world.logs.join('')).toContain('duplicate update ignored');
    expect(world.logs.join('')).toContain(`"database":"${kind}"`);
    expect(world.logs.join('')).not.toContain(DATABASE_PASSWORD);

    const health = await fetch(`http://127.0.0.1:${world.app.httpPort}/healthz`);
    expect(await health.text()).toBe(`ok (database: ${kind})\n`);

    await world.app.stop();
    const store = await openStore(world.config);
    try {
      expect(await countRows(store, 'messages')).toBe(8);
      expect(await countRows(store, 'usage')).toBe(4);
      const statuses = await store.all<{ status: string }>(
        "SELECT DISTINCT status FROM messages WHERE role = 'assistant'",
      );
      expect(statuses).toEqual([{ status: 'complete' }]);
    } finally {
      await store.close();
    }
  }, 90_000);
});
