import { describe, expect, it } from 'vitest';
import { albumPictureOrder, askColoursInGroup } from '../support/albums.js';
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
        openai.enqueue({ text: 'Red, green, blue.' });
        const { groupId } = askColoursInGroup(telegram, captioned);
        await telegram.waitFor(
          () =>
            telegram
              .visibleMessages(groupId)
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
        expect(albumPictureOrder(sent)).toEqual([0, 1, 2]);
        expect(JSON.stringify(sent)).toContain('which colours?');
        expect(telegram.visibleMessages(groupId).filter((m) => m.from === 'bot')).toHaveLength(1);
      }, 60_000);
    }
  },
);
