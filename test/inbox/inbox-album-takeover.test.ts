import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ALBUM_PICTURES } from '../support/albums.js';
import { recordedImages } from '../support/fake-model/index.js';
import { freePort } from '../support/free-port.js';
import {
  createTestDatabase,
  dropTestDatabase,
  hasPostgres,
  postgresSkipReason,
} from '../support/postgres-test-store.js';
import { type SpawnedInstance, spawnInstance } from '../support/spawn-instance.js';
import { type InstancesWorld, startInstances } from '../support/start-instances.js';

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

async function rowStates(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string }>(
      'SELECT state FROM inbox_updates ORDER BY update_id',
    );
    return rows.map((row) => row.state);
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres)(
  `durable inbox: an album part held by an instance that dies ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('is handed to the next owner with the chat: the album is answered once, with every picture', async () => {
      const url = await createTestDatabase('inbox_album_takeover');
      databaseUrl = url;
      world = await startInstances({ count: 0, databaseUrl: url, mode: 'webhook' });
      const w = world;
      const port = await freePort();
      victim = spawnInstance(w.envFor(port));
      await victim.ready();
      w.front.setTargets([victim.url]);

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
      for (let attempt = 0; (await rowStates(url)).join() !== 'handed'; attempt++) {
        if (attempt > 200) throw new Error(`the part never reached the victim: ${await rowStates(url)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
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
      expect(
        recordedImages(sent).map((image) => ALBUM_PICTURES.findIndex((p) => p.equals(image.bytes))),
      ).toEqual([0, 1, 2]);
      for (let attempt = 0; (await rowStates(url)).some((state) => state !== 'done'); attempt++) {
        if (attempt > 200) throw new Error(`rows never all done: ${await rowStates(url)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 90_000);
  },
);
