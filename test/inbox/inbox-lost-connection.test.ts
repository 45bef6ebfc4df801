import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { allDone, waitForInboxRows } from '../support/inbox-rows.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

/** Cuts an instance's lock connection from the server side, as a network cut or a failover would. */
async function terminateLockConnection(url: string, instanceId: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [`streamgram-inbox-${instanceId}`],
    );
    return rows.filter((row) => row.ok).length;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!hasPostgres)(
  `durable inbox: lost lock connection ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('the owner loses its lock connection mid-answer: one log line, it reconnects, and the waiting question is answered exactly once', async () => {
      const w = await start('inbox_lost', { count: 2, mode: 'webhook' });
      const url = w.databaseUrl;
      w.openai.enqueue({
        text: 'Still streaming while the lock connection goes away. '.repeat(8),
        tokensPerSecond: 25,
      });
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Cut' });
      w.telegram.userSends({ chat: user.id, text: 'q1' });
      await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last !== undefined && hasKeyboard(last) ? last : undefined;
        },
        { timeoutMs: 15_000 },
      );
      const owner = w.instances.find((i) => i.app.inbox?.ownedChats().includes(user.id));
      if (owner?.app.inbox === undefined) throw new Error('no owner while q1 streams');
      w.telegram.userSends({ chat: user.id, text: 'q2' });
      await waitForInboxRows(url, (rows) => rows.q2?.state === 'handed');

      expect(await terminateLockConnection(url, owner.app.inbox.instanceId)).toBe(1);
      await w.telegram.waitFor(
        () => owner.logs.join('').includes('inbox lock connection is back') || undefined,
        { timeoutMs: 15_000 },
      );
      await waitForInboxRows(url, (rows) => allDone(rows) && Object.keys(rows).length === 2, 30_000);
      // Let a second answer show itself, if there were one.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const answersToQ2 = w.telegram
        .visibleMessages(user.id)
        .filter((message) => message.from === 'bot' && (message.text ?? '').endsWith('q2.'));
      expect(answersToQ2).toHaveLength(1);
      expect(w.openai.requests).toHaveLength(2);
      const lost = owner.logs.filter((line) => line.includes('inbox lock connection lost'));
      expect(lost).toHaveLength(1);
    }, 60_000);
  },
);
