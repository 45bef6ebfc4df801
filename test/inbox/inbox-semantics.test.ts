import { describe, expect, it } from 'vitest';
import { allDone, waitForInboxRows } from '../support/inbox-rows.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { echoAnswers, type InstancesWorld, useInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

const start = useInstances();

const finished = (w: InstancesWorld, chatId: number) =>
  w.telegram
    .visibleMessages(chatId)
    .filter((message) => message.from === 'bot' && !hasKeyboard(message))
    .map((message) => message.text ?? '');

describe.skipIf(!hasPostgres)(
  `durable inbox keeps the bot's rules across instances ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('a split paste arriving through two instances is one question; a redelivered update is not answered twice', async () => {
      const w = await start('inbox_paste', { count: 2, mode: 'webhook' });
      const url = w.databaseUrl;
      w.openai.setHandler(() => ({ text: 'One answer for the whole paste.' }));
      const user = w.telegram.createUser({ firstName: 'Paster' });
      // The Telegram app splits a long text into parts of up to 4096 characters; the front alternates.
      w.telegram.userSends({ chat: user.id, text: `${'a'.repeat(3999)} end-of-part-one` });
      w.telegram.userSends({ chat: user.id, text: 'and the short last part' });
      await w.telegram.waitFor(() => finished(w, user.id).length === 1 || undefined, { timeoutMs: 20_000 });
      expect(
        w.front
          .log()
          .filter((entry) => entry.status === 200)
          .map((entry) => entry.target),
      ).toEqual(w.instances.map((instance) => instance.url));
      expect(w.openai.requests).toHaveLength(1);
      const asked = JSON.stringify(w.openai.requests[0]?.messages.at(-1)?.content);
      expect(asked).toContain('end-of-part-one');
      expect(asked).toContain('and the short last part');
      await waitForInboxRows(url, allDone);

      // Telegram sends an update again (a lost acknowledgement): the insert recognises it.
      const first = w.telegram.calls({ method: 'sendMessage' })[0];
      expect(first).toBeDefined();
      w.telegram.redeliverUpdate(1);
      await w.telegram.waitFor(() => w.allLogs().includes('duplicate update ignored') || undefined, {
        timeoutMs: 10_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(w.openai.requests).toHaveLength(1);
      expect(finished(w, user.id)).toEqual(['One answer for the whole paste.']);
    }, 60_000);

    it('a chat stays with the instance that just wrote to it until its Telegram windows are over', async () => {
      const w = await start('inbox_sticky', { count: 2, mode: 'webhook' });
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Regular' });
      w.telegram.userSends({ chat: user.id, text: 'first' });
      await w.telegram.waitFor(() => finished(w, user.id).includes('Answer to first.') || undefined, {
        timeoutMs: 15_000,
      });
      await waitForInboxRows(w.databaseUrl, allDone);
      // Its answer is over, yet the chat is kept: with Redis away, no other instance would know
      // how much of the chat's limit those writes used.
      const writer = w.instances.find((i) => i.app.inbox?.ownedChats().includes(user.id));
      const other = w.instances.find((i) => i !== writer);
      if (writer === undefined || other === undefined) throw new Error('the chat was let go at once');
      w.front.setTargets([other.url]);
      w.telegram.userSends({ chat: user.id, text: 'second' });
      await w.telegram.waitFor(() => finished(w, user.id).includes('Answer to second.') || undefined, {
        timeoutMs: 15_000,
      });
      const rows = await waitForInboxRows(w.databaseUrl, allDone);
      expect(rows.second?.owner).toBe(writer.app.inbox?.instanceId);
      expect(rows.first?.owner).toBe(writer.app.inbox?.instanceId);
      // A private chat's window is 3 s: a few seconds later the chat is free again.
      await w.telegram.waitFor(() => !writer.app.inbox?.ownedChats().includes(user.id) || undefined, {
        timeoutMs: 10_000,
      });
    }, 60_000);

    it('BUSY_POLICY=replace: a newer question through another instance replaces the running answer', async () => {
      const w = await start('inbox_replace', {
        count: 2,
        mode: 'webhook',
        env: { BUSY_POLICY: 'replace' },
      });
      w.openai.enqueue({
        text: 'A slow answer that the next question replaces. '.repeat(20),
        tokensPerSecond: 8,
      });
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Impatient' });
      w.telegram.userSends({ chat: user.id, text: 'first' });
      const streaming = await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last !== undefined && hasKeyboard(last) && (last.text ?? '') !== '' ? last : undefined;
        },
        { timeoutMs: 15_000 },
      );
      const writer = w.instances.find((i) => i.app.inbox?.ownedChats().includes(user.id));
      const other = w.instances.find((i) => i !== writer);
      if (other === undefined) throw new Error('no second instance');
      w.front.setTargets([other.url]);
      w.telegram.userSends({ chat: user.id, text: 'second' });
      await w.telegram.waitFor(() => finished(w, user.id).includes('Answer to second.') || undefined, {
        timeoutMs: 20_000,
      });
      expect(w.telegram.message(user.id, streaming.messageId)?.text).toContain('a newer message arrived');
      expect(w.openai.requests).toHaveLength(2);
    }, 60_000);
  },
);
