import { describe, expect, it } from 'vitest';
import { allDone, inboxRowsByText, waitForInboxRows } from '../support/inbox-rows.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

const LONG = 'This answer is still being written when its instance is asked to stop. '.repeat(6);

describe.skipIf(!hasPostgres)(
  `durable inbox: graceful stop hands back ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('questions waiting behind a running answer go to the other instance, not started and not told "restarting"', async () => {
      const w = await start('inbox_hand_back', { count: 2, mode: 'webhook' });
      const url = w.databaseUrl;
      w.openai.enqueue({ text: LONG, tokensPerSecond: 30 });
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Deploy' });
      w.telegram.userSends({ chat: user.id, text: 'q1' });
      await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last !== undefined && hasKeyboard(last) ? last : undefined;
        },
        { timeoutMs: 15_000 },
      );
      // Whichever instance stored it, the chat's owner writes the answer: that one is leaving.
      const leaving = w.instances.find((i) => i.app.inbox?.ownedChats().includes(user.id));
      const staying = w.instances.find((i) => i !== leaving);
      if (leaving === undefined || staying === undefined) throw new Error('no owner while q1 streams');
      w.telegram.userSends({ chat: user.id, text: 'q2' });
      w.telegram.userSends({ chat: user.id, text: 'q3' });
      for (let attempt = 0; ; attempt++) {
        const rows = await inboxRowsByText(url);
        if (rows.q2?.state === 'handed' && rows.q3?.state === 'handed') break;
        if (attempt > 200)
          throw new Error(`q2 and q3 never reached the leaving instance: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // A rolling deploy: the load balancer stops sending to it, then it gets SIGTERM.
      const stopping = w.stopInstance(leaving);
      const finished = () =>
        w.telegram
          .visibleMessages(user.id)
          .filter((message) => message.from === 'bot' && !hasKeyboard(message))
          .map((message) => message.text);
      await w.telegram.waitFor(() => (finished().length === 3 ? true : undefined), { timeoutMs: 30_000 });
      await stopping;
      expect(finished()).toEqual([LONG.trim(), 'Answer to q2.', 'Answer to q3.']);
      const rows = await waitForInboxRows(url, allDone);
      // The running answer finished on the leaving instance; the waiting ones were answered by the other.
      expect(rows.q1).toEqual({ state: 'done', owner: leaving.app.inbox?.instanceId });
      expect(rows.q2).toEqual({ state: 'done', owner: staying.app.inbox?.instanceId });
      expect(rows.q3).toEqual({ state: 'done', owner: staying.app.inbox?.instanceId });
      expect(w.allLogs()).not.toContain('restarting');
      expect(w.openai.requests).toHaveLength(3);
    }, 90_000);
  },
);
