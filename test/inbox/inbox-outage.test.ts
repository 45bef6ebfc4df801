import { afterEach, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgresServer } from '../support/postgres-server.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, type InstancesWorld, startInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

let world: InstancesWorld | undefined;
let server: PostgresServer | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await server?.destroy();
  server = undefined;
});

// Its own server: stopping the shared one would break the other test files running meanwhile.
describe.skipIf(!hasPostgres)(
  `durable inbox: database outage ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('webhook with the database down: 503 and nothing acknowledged; once back, the redelivered update is answered once', async () => {
      server = await startPostgresServer();
      const databaseUrl = await server.createDatabase('inbox_outage');
      world = await startInstances({ count: 2, databaseUrl, mode: 'webhook' });
      const w = world;
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Patient' });

      await server.stop();
      w.telegram.userSends({ chat: user.id, text: 'Are you there?' });
      const info = await w.telegram.waitFor(
        () => {
          const current = w.telegram.webhookInfo();
          return current.last_error_message?.includes('503') ? current : undefined;
        },
        { timeoutMs: 15_000 },
      );
      expect(info.pending_update_count).toBe(1);
      expect(w.front.log().every((entry) => entry.status === 503)).toBe(true);
      expect(w.telegram.lastBotMessage(user.id)).toBeUndefined();
      expect(w.allLogs()).toContain('cannot store the update; Telegram will resend it');

      await server.start();
      await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last?.text === 'Answer to Are you there?.' && !hasKeyboard(last) ? last : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(w.telegram.pendingUpdates()).toHaveLength(0);
      // Let any second delivery or second owner show itself before counting.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(w.openai.requests).toHaveLength(1);
      expect(w.telegram.visibleMessages(user.id).filter((m) => m.from === 'bot')).toHaveLength(1);
    }, 90_000);

    it('long polling with the database down: nobody polls (the leader lock went with its connection), so Telegram keeps the update until PostgreSQL is back', async () => {
      server = await startPostgresServer();
      const databaseUrl = await server.createDatabase('inbox_outage_polling');
      world = await startInstances({ count: 2, databaseUrl, mode: 'polling' });
      const w = world;
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Polled' });
      await w.telegram.waitFor(() => w.instances.some((i) => i.app.inbox?.isLeader()) || undefined, {
        timeoutMs: 10_000,
      });

      await server.stop();
      w.telegram.userSends({ chat: user.id, text: 'Stored later?' });
      await w.telegram.waitFor(() => w.instances.every((i) => !i.app.inbox?.isLeader()) || undefined, {
        timeoutMs: 15_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(w.allLogs()).toContain('leader lock connection lost: polling stopped');
      expect(w.telegram.pendingUpdates()).toHaveLength(1);
      expect(w.telegram.lastBotMessage(user.id)).toBeUndefined();

      await server.start();
      await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last?.text === 'Answer to Stored later?.' && !hasKeyboard(last) ? last : undefined;
        },
        { timeoutMs: 30_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(w.openai.requests).toHaveLength(1);
    }, 90_000);
  },
);
