import { describe, expect, it } from 'vitest';
import { albumPictureOrder, askColoursInGroup, sendAlbum } from '../../support/albums.js';
import { recordedImages } from '../../support/fake-model/index.js';
import { useStreamgram } from '../../support/use-streamgram.js';
import { botSays } from '../../support/visible.js';

const start = useStreamgram();

describe('albums in groups', () => {
  for (const captioned of [0, 1, 2]) {
    it(`is one question when part ${captioned + 1} of 3 mentions the bot, with every picture in order`, async () => {
      const world = await start({ env: { STREAM_MODE: 'edit', ALLOWED_USERS: '*' } });
      const { telegram, openai } = world;
      openai.enqueue({ text: 'Red, green, blue.' });
      const { groupId } = askColoursInGroup(telegram, captioned);
      await botSays(world, groupId, (text) => text === 'Red, green, blue.');
      expect(openai.requests).toHaveLength(1);
      const sent = openai.requests[0]?.messages.at(-1);
      expect(albumPictureOrder(sent)).toEqual([0, 1, 2]);
      expect(JSON.stringify(sent)).toContain('which colours?');
      expect(JSON.stringify(sent)).not.toContain(`@${telegram.bot.username}`);
    });
  }

  it('ignores an album nobody addressed to the bot', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', ALLOWED_USERS: '*' } });
    const { telegram, openai } = world;
    const ada = telegram.createUser({ firstName: 'Ada' });
    const group = telegram.createGroup({ title: 'Team' });
    sendAlbum(telegram, {
      chat: group.id,
      from: ada.id,
      id: 'holiday',
      captionAt: 0,
      caption: 'our holiday',
    });
    openai.enqueue({ text: 'Hello.' });
    telegram.userSends({ chat: group.id, from: ada.id, text: `@${telegram.bot.username} hi` });
    await botSays(world, group.id, (text) => text === 'Hello.');
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]?.messages.flatMap((message) => recordedImages(message))).toEqual([]);
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(0);
  });
});
