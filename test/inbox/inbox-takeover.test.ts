import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_BY_RESTART } from '../../src/inbox/recover-interrupted.js';
import { freePort } from '../support/free-port.js';
import { allDone, inboxRowsByText, waitForInboxRows } from '../support/inbox-rows.js';
import {
  createTestDatabase,
  dropTestDatabase,
  hasPostgres,
  postgresSkipReason,
} from '../support/postgres-test-store.js';
import { type SpawnedInstance, spawnInstance } from '../support/spawn-instance.js';
import { echoAnswers, type InstancesWorld, startInstances } from '../support/start-instances.js';
import { hasKeyboard } from '../support/visible.js';

let world: InstancesWorld | undefined;
let victim: SpawnedInstance | undefined;
let databaseUrl: string | undefined;
afterEach(async () => {
  await victim?.kill();
  victim = undefined;
  await world?.close();
  world = undefined;
  if (databaseUrl) await dropTestDatabase(databaseUrl);
  databaseUrl = undefined;
});

async function inboxStates(url: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(await inboxRowsByText(url)).map(([text, row]) => [text, row.state]),
  );
}

async function assistantStatuses(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string }>(
      "SELECT status FROM messages WHERE role = 'assistant' ORDER BY id",
    );
    return rows.map((row) => row.status);
  } finally {
    await client.end();
  }
}

const LONG = 'The instance writing this answer is about to be killed with SIGKILL. '.repeat(20);

describe.skipIf(!hasPostgres)(
  `durable inbox: takeover after kill -9 ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it("another instance takes the dead one's chat: the started answer is marked interrupted with a notice, the waiting questions are answered once", async () => {
      const url = await createTestDatabase('inbox_takeover');
      databaseUrl = url;
      world = await startInstances({ count: 0, databaseUrl: url, mode: 'webhook' });
      const w = world;
      const port = await freePort();
      victim = spawnInstance(w.envFor(port, { LOG_LEVEL: 'info' }));
      await victim.ready();
      w.front.setTargets([victim.url]);

      w.openai.enqueue({ text: LONG, tokensPerSecond: 6 });
      echoAnswers(w.openai);
      const user = w.telegram.createUser({ firstName: 'Survivor' });
      const q1 = w.telegram.userSends({ chat: user.id, text: 'q1' });
      await w.telegram.waitFor(
        () => {
          const last = w.telegram.lastBotMessage(user.id);
          return last !== undefined && hasKeyboard(last) && (last.text ?? '') !== '' ? last : undefined;
        },
        { timeoutMs: 20_000 },
      );
      w.telegram.userSends({ chat: user.id, text: 'q2' });
      w.telegram.userSends({ chat: user.id, text: 'q3' });
      // The victim stored and took all three: q1 is being written, q2 and q3 wait in its chat queue.
      for (let attempt = 0; ; attempt++) {
        const states = await inboxStates(url);
        if (states.q1 === 'started' && states.q2 === 'handed' && states.q3 === 'handed') break;
        if (attempt > 200) throw new Error(`rows never reached the victim: ${JSON.stringify(states)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const survivor = await w.startInstance();
      await victim.kill();
      w.front.setTargets([survivor.url]);

      const botTexts = () =>
        w.telegram
          .visibleMessages(user.id)
          .filter((message) => message.from === 'bot' && !hasKeyboard(message))
          .map((message) => message.text);
      await w.telegram.waitFor(() => (botTexts().includes('Answer to q3.') ? true : undefined), {
        timeoutMs: 30_000,
      });

      const notice = w.telegram
        .visibleMessages(user.id)
        .find((message) => message.text === INTERRUPTED_BY_RESTART);
      expect(notice?.replyToMessageId).toBe(q1.message_id);
      expect(
        botTexts().filter((text) => text !== INTERRUPTED_BY_RESTART && !text?.startsWith('The instance')),
      ).toEqual([
        // The interrupted q1 stays in the history as an unanswered turn, joined to the next question.
        expect.stringMatching(/^Answer to (q1\s+)?q2\.$/),
        'Answer to q3.',
      ]);
      // q1 once (by the victim), q2 and q3 once each (by the survivor): never answered twice.
      expect(w.openai.requests).toHaveLength(3);
      expect(Object.keys(await waitForInboxRows(url, allDone))).toEqual(['q1', 'q2', 'q3']);
      expect(await assistantStatuses(url)).toEqual(['interrupted', 'complete', 'complete']);
      expect(survivor.logs.join('')).toContain('answer of a dead instance marked interrupted');
    }, 90_000);
  },
);
