import { describe, expect, it } from 'vitest';
import { ALBUM_PICTURES, sendAlbum } from '../support/albums.js';
import { recordedImages } from '../support/fake-model/index.js';
import { allDone, waitForInboxRows } from '../support/inbox-rows.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { useInstances } from '../support/start-instances.js';

const start = useInstances();

describe.skipIf(!hasPostgres)(
  `durable inbox: an album whose parts reach different instances ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    for (const captioned of [0, 1, 2]) {
      it(`is one question when part ${captioned + 1} of 3 mentions the bot, with every picture in order, answered once`, async () => {
        const w = await start(`inbox_album_${captioned}`, { count: 2, mode: 'webhook' });
        const { telegram, openai } = w;
        const ada = telegram.createUser({ firstName: 'Ada' });
        const group = telegram.createGroup({ title: 'Team' });
        openai.enqueue({ text: 'Red, green, blue.' });
        sendAlbum(telegram, {
          chat: group.id,
          from: ada.id,
          id: `album-${captioned}`,
          captionAt: captioned,
          caption: `@${telegram.bot.username} which colours?`,
        });
        await telegram.waitFor(
          () =>
            telegram
              .visibleMessages(group.id)
              .some((m) => m.from === 'bot' && m.text === 'Red, green, blue.') || undefined,
          { timeoutMs: 20_000 },
        );
        // The front alternates: the three parts were taken by both instances.
        const takers = new Set(
          w.front
            .log()
            .filter((entry) => entry.status === 200)
            .map((entry) => entry.target),
        );
        expect(takers.size).toBe(2);
        await waitForInboxRows(w.databaseUrl, allDone);
        expect(openai.requests).toHaveLength(1);
        const sent = openai.requests[0]?.messages.at(-1);
        expect(
          recordedImages(sent).map((image) => ALBUM_PICTURES.findIndex((p) => p.equals(image.bytes))),
        ).toEqual([0, 1, 2]);
        expect(JSON.stringify(sent)).toContain('which colours?');
        expect(telegram.visibleMessages(group.id).filter((m) => m.from === 'bot')).toHaveLength(1);
      }, 60_000);
    }
  },
);
