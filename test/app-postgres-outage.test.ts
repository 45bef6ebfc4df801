import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-store.js';
import { type PostgresServer, startPostgresServer } from './support/postgres-server.js';
import { hasPostgres, postgresSkipReason } from './support/postgres-test-store.js';
import { useStreamgram } from './support/use-streamgram.js';

const start = useStreamgram();
let server: PostgresServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

// Its own server: stopping the shared one would break the other test files running meanwhile.
describe.skipIf(!hasPostgres)(`PostgreSQL outage ${hasPostgres ? '' : `(${postgresSkipReason})`}`, () => {
  it('stopped mid-answer: the answer is still shown, the next question gets a short notice, and it recovers by itself', async () => {
    server = await startPostgresServer();
    const url = await server.createDatabase('outage');
    const world = await start({
      // One instance without the durable inbox (test/inbox/inbox-outage.test.ts covers it with the inbox).
      env: { STREAM_MODE: 'edit', DATABASE_URL: url, INBOX: 'off' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Outage' });
    const lastText = () => telegram.lastBotMessage(user.id)?.text ?? '';
    const health = async () => (await fetch(`http://127.0.0.1:${world.app.httpPort}/healthz`)).status;

    // A slow answer: the database goes away while it streams.
    const slow = 'This answer keeps streaming while the database goes away and comes back later.';
    openai.enqueue({ text: slow, tokensPerSecond: 10 });
    telegram.userSends({ chat: user.id, text: 'One' });
    await openai.waitForRequest(0);
    await server.stop();
    await telegram.waitFor(() => lastText() === slow || undefined, { timeoutMs: 30_000 });
    await telegram.waitFor(
      () => world.logs.join('').includes('answer delivered but could not be stored') || undefined,
      {
        timeoutMs: 15_000,
      },
    );
    expect(await health()).toBe(503);

    telegram.userSends({ chat: user.id, text: 'Two' });
    await telegram.waitFor(() => lastText().includes("can't save our conversation") || undefined, {
      timeoutMs: 30_000,
    });
    expect(lastText()).toContain('its database is not available');
    expect(openai.requests).toHaveLength(1); // nothing reached the model
    const saveFailures = world.logs.filter((line) => line.includes('cannot save the conversation'));
    expect(saveFailures).toHaveLength(1);
    expect(saveFailures[0]).toContain('"kind":"unavailable"');

    await server.start();
    // The pool drops the connections the restart cut; the health check turns green on its own.
    for (let attempt = 0; (await health()) !== 200; attempt++) {
      if (attempt > 100) throw new Error('/healthz stayed red after the database came back');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    openai.enqueue({ text: 'Three, saved again.' });
    telegram.userSends({ chat: user.id, text: 'Three' });
    await telegram.waitFor(() => lastText() === 'Three, saved again.' || undefined, { timeoutMs: 30_000 });

    await world.app.stop();
    const store = await openStore(world.config);
    try {
      // The answer cut off from its database stays `streaming` until the next start marks it interrupted;
      // nothing is half-written and the answer after the outage is whole.
      const rows = await store.all<{ role: string; content: string; status: string }>(
        'SELECT role, content, status FROM messages ORDER BY id',
      );
      expect(rows.at(-1)).toEqual({ role: 'assistant', content: 'Three, saved again.', status: 'complete' });
      expect(rows.filter((row) => row.content === slow)).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
