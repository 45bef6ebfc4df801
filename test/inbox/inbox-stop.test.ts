import { describe, expect, it } from 'vitest';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { type Instance, type InstancesWorld, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

const LONG = 'This answer streams slowly so that it can be stopped from another instance. '.repeat(20);

/** Starts a slow answer and returns the message streaming it, its writer and another instance. */
async function streamingAnswer(w: InstancesWorld, chatId: number, question: string) {
  w.openai.enqueue({ text: LONG, tokensPerSecond: 8 });
  w.front.setTargets(w.instances.map((i) => i.url));
  w.telegram.userSends({ chat: chatId, text: question });
  const message = await w.telegram.waitFor(
    () => {
      const last = w.telegram.lastBotMessage(chatId);
      return last !== undefined && hasKeyboard(last) && (last.text ?? '').length > 0 ? last : undefined;
    },
    { timeoutMs: 15_000 },
  );
  const writer = w.instances.find((i) => i.app.inbox?.ownedChats().includes(chatId));
  if (writer === undefined) throw new Error('no instance owns the chat while its answer streams');
  const other = w.instances.find((i) => i !== writer) as Instance;
  // Every update from now on reaches the other instance only.
  w.front.setTargets([other.url]);
  return { message, writer, other };
}

async function stoppedWithin(w: InstancesWorld, chatId: number, messageId: number, ms: number) {
  return w.telegram.waitFor(
    () => {
      const message = w.telegram.message(chatId, messageId);
      return message !== undefined && !hasKeyboard(message) && (message.text ?? '').includes('Stopped')
        ? message
        : undefined;
    },
    { timeoutMs: ms },
  );
}

describe.skipIf(!hasPostgres)(
  `durable inbox: stop reaches the writer ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('/stop and the Stop button sent through another instance stop the answer within 3 s', async () => {
      const w = await start('inbox_stop', { count: 2, mode: 'webhook' });
      const user = w.telegram.createUser({ firstName: 'Stopper' });

      const first = await streamingAnswer(w, user.id, 'Tell me a long story');
      const before = w.front.forwardedTo(first.other.url);
      w.telegram.userSends({ chat: user.id, text: '/stop' });
      const stopped = await stoppedWithin(w, user.id, first.message.messageId, 3000);
      expect(stopped.text).not.toContain(LONG.trim());
      expect(w.front.forwardedTo(first.other.url)).toBeGreaterThan(before);
      expect(first.writer.logs.join('')).toContain('answer stopped by /stop');

      const second = await streamingAnswer(w, user.id, 'Another long story');
      const data = (second.message.replyMarkup as { inline_keyboard: { callback_data: string }[][] })
        .inline_keyboard[0]?.[0]?.callback_data;
      expect(data).toMatch(/^stop:\d+$/);
      w.telegram.pressButton({ chat: user.id, messageId: second.message.messageId, data: data as string });
      await stoppedWithin(w, user.id, second.message.messageId, 3000);
      expect(second.writer.logs.join('')).toContain('answer stopped by its button');
      expect(w.openai.requests).toHaveLength(2);
    }, 60_000);

    it("the draft's own stop button, delivered through another instance, aborts the writer's request", async () => {
      const w = await start('inbox_stop_draft', { count: 2, mode: 'webhook', env: { STREAM_MODE: 'draft' } });
      const user = w.telegram.createUser({ firstName: 'Drafter' });
      w.openai.enqueue({ text: LONG, tokensPerSecond: 8 });
      w.telegram.userSends({ chat: user.id, text: 'Draft a long story' });
      const draft = await w.telegram.waitFor(
        () => {
          const current = w.telegram.draft(user.id);
          return current?.canStop && current.text !== '' ? current : undefined;
        },
        { timeoutMs: 15_000 },
      );
      const writer = w.instances.find((i) => i.app.inbox?.ownedChats().includes(user.id));
      const other = w.instances.find((i) => i !== writer);
      if (other === undefined) throw new Error('no second instance');
      w.front.setTargets([other.url]);
      w.telegram.stopGeneration({ chat: user.id, draftId: draft.draftId });
      const settled = await Promise.race([
        w.openai.requests[0]?.settled,
        new Promise((resolve) => setTimeout(() => resolve('still streaming after 3 s'), 3000)),
      ]);
      expect(settled).toBe('client-aborted');
      await w.telegram.waitFor(
        () => ((w.telegram.lastBotMessage(user.id)?.text ?? '').endsWith('⏹ Stopped.') ? true : undefined),
        { timeoutMs: 10_000 },
      );
    }, 60_000);
  },
);
