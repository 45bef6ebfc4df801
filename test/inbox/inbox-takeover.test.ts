import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_BY_RESTART } from '../../src/inbox/recover-interrupted.js';
import { ALBUM_PICTURES, albumPictureOrder } from '../support/albums.js';
import { freePort } from '../support/free-port.js';
import { allDone, waitForInboxRows } from '../support/inbox-rows.js';
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

/** The one column a query selects, row by row. */
async function column(url: string, sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: string }>(sql);
    return rows.map((row) => row.value);
  } finally {
    await client.end();
  }
}

const assistantStatuses = (url: string) =>
  column(url, "SELECT status AS value FROM messages WHERE role = 'assistant' ORDER BY id");
const rowStates = (url: string) => column(url, 'SELECT state AS value FROM inbox_updates ORDER BY update_id');

/** Polls the inbox rows' states, in update order, until `check` passes (album parts have no text). */
async function waitForRowStates(url: string, check: (states: string[]) => boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const states = await rowStates(url);
    if (check(states)) return;
    if (attempt > 200) throw new Error(`inbox rows never passed the check: ${states}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh database and a world whose one instance, the victim, runs in a process of its own. */
async function startWithVictim(database: string, env: Record<string, string> = {}) {
  const url = await createTestDatabase(database);
  databaseUrl = url;
  const w = await startInstances({ count: 0, databaseUrl: url, mode: 'webhook' });
  world = w;
  const started = spawnInstance(w.envFor(await freePort(), env));
  victim = started;
  await started.ready();
  w.front.setTargets([started.url]);
  return { url, w, victim: started };
}

const LONG = 'The instance writing this answer is about to be killed with SIGKILL. '.repeat(20);

describe.skipIf(!hasPostgres)(
  `durable inbox: takeover after kill -9 ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it("another instance takes the dead one's chat: the started answer is marked interrupted with a notice, the waiting questions are answered once", async () => {
      const { url, w, victim } = await startWithVictim('inbox_takeover', { LOG_LEVEL: 'info' });

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
      await waitForInboxRows(
        url,
        (rows) => rows.q1?.state === 'started' && rows.q2?.state === 'handed' && rows.q3?.state === 'handed',
      );

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

    it('an album part held by the dead instance goes to the next owner with the chat: the album is answered once, with every picture', async () => {
      const { url, w, victim } = await startWithVictim('inbox_album_takeover');

      const ada = w.telegram.createUser({ firstName: 'Ada' });
      const group = w.telegram.createGroup({ title: 'Team' });
      const part = (index: number, caption?: string) =>
        w.telegram.userSendsMedia({
          chat: group.id,
          from: ada.id,
          kind: 'photo',
          mediaGroupId: 'album-kill',
          ...(caption ? { caption } : {}),
          photoSizes: [{ bytes: ALBUM_PICTURES[index]!, width: 16, height: 16 }],
        });
      // The first picture mentions nobody: the victim holds it for the part that will.
      part(0);
      await waitForRowStates(url, (states) => states.join() === 'handed');
      await victim.kill();

      const survivor = await w.startInstance();
      w.front.setTargets([survivor.url]);
      w.openai.enqueue({ text: 'Red, green, blue.' });
      part(1);
      part(2, `@${w.telegram.bot.username} which colours?`);
      await w.telegram.waitFor(
        () =>
          w.telegram
            .visibleMessages(group.id)
            .some((m) => m.from === 'bot' && m.text === 'Red, green, blue.') || undefined,
        { timeoutMs: 30_000 },
      );
      expect(w.openai.requests).toHaveLength(1);
      const sent = w.openai.requests[0]?.messages.at(-1);
      expect(albumPictureOrder(sent)).toEqual([0, 1, 2]);
      await waitForRowStates(url, (states) => states.every((state) => state === 'done'));
    }, 90_000);
  },
);
