import { describe, expect, it } from 'vitest';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, type InstancesWorld, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

const finished = (w: InstancesWorld, chatId: number) =>
  w.telegram
    .visibleMessages(chatId)
    .filter((message) => message.from === 'bot' && !hasKeyboard(message))
    .map((message) => message.text);

describe.skipIf(!hasPostgres)(
  `durable inbox: long polling ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('exactly one instance polls; when the leader stops another polls within a few seconds, and nothing is lost', async () => {
      const w = await start('inbox_polling', { count: 3, mode: 'polling' });
      echoAnswers(w.openai);
      const leaders = () => w.instances.filter((i) => !i.stopped && i.app.inbox?.isLeader());
      let overlaps = 0;
      const watch = setInterval(() => {
        if (leaders().length > 1) overlaps++;
      }, 20);
      try {
        const first = await w.telegram.waitFor(() => (leaders().length === 1 ? leaders()[0] : undefined), {
          timeoutMs: 10_000,
        });
        const users = [w.telegram.createUser({ firstName: 'A' }), w.telegram.createUser({ firstName: 'B' })];
        for (const user of users) w.telegram.userSends({ chat: user.id, text: `before ${user.id}` });
        for (const user of users)
          await w.telegram.waitFor(() => finished(w, user.id).length === 1 || undefined, {
            timeoutMs: 20_000,
          });

        await w.stopInstance(first);
        const stoppedAt = Date.now();
        const second = await w.telegram.waitFor(() => (leaders().length === 1 ? leaders()[0] : undefined), {
          timeoutMs: 10_000,
        });
        expect(second).not.toBe(first);
        expect(Date.now() - stoppedAt).toBeLessThan(8000);
        for (const user of users) w.telegram.userSends({ chat: user.id, text: `after ${user.id}` });
        for (const user of users) {
          await w.telegram.waitFor(() => finished(w, user.id).length === 2 || undefined, {
            timeoutMs: 20_000,
          });
          expect(finished(w, user.id)).toEqual([
            `Answer to before ${user.id}.`,
            `Answer to after ${user.id}.`,
          ]);
        }
      } finally {
        clearInterval(watch);
      }
      expect(overlaps).toBe(0);
      expect(w.openai.requests).toHaveLength(4);
      // One long poll at a time: Telegram never had to end one with 409 Conflict.
      expect(w.telegram.calls({ method: 'getUpdates', status: 409 })).toEqual([]);
    }, 90_000);
  },
);
