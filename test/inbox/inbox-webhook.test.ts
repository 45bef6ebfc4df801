import { describe, expect, it } from 'vitest';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, type InstancesWorld, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

/** The bot's finished answers in a chat (no Stop button left), oldest first. */
function answers(w: InstancesWorld, chatId: number): string[] {
  return w.telegram
    .visibleMessages(chatId)
    .filter((message) => message.from === 'bot' && !hasKeyboard(message))
    .map((message) => message.text ?? '');
}

describe.skipIf(!hasPostgres)(
  `durable inbox, webhook behind a round-robin front ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('answers every question of several chats exactly once, in order, whichever instance stored it', async () => {
      const w = await start('inbox_webhook', { count: 3, mode: 'webhook' });
      echoAnswers(w.openai, { tokensPerSecond: 200 });
      const users = Array.from({ length: 4 }, (_, i) => w.telegram.createUser({ firstName: `U${i}` }));
      const perChat = 4;
      for (let n = 1; n <= perChat; n++)
        for (const user of users) w.telegram.userSends({ chat: user.id, text: `q${n} of ${user.id}` });

      for (const user of users) {
        await w.telegram.waitFor(() => answers(w, user.id).length === perChat || undefined, {
          timeoutMs: 30_000,
        });
      }
      for (const user of users) {
        expect(answers(w, user.id)).toEqual(
          Array.from({ length: perChat }, (_, i) => `Answer to q${i + 1} of ${user.id}.`),
        );
      }
      // Exactly one model request per question: nothing answered twice.
      expect(w.openai.requests).toHaveLength(users.length * perChat);
      // The front spread the updates over the three instances; the stores agree on one owner per chat.
      for (const instance of w.instances) expect(w.front.forwardedTo(instance.url)).toBeGreaterThan(0);
      expect(w.allLogs()).not.toContain('"level":50');
    }, 60_000);
  },
);
