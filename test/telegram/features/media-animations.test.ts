import { describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../../src/emulator/index.js';
import { recordedImages } from '../../support/fake-model/index.js';
import { encodeAnimatedGif, readRgbaPng } from '../../support/images.js';
import { useStreamgram } from '../../support/use-streamgram.js';
import { botSays } from '../../support/visible.js';

const start = useStreamgram();

describe('GIFs and animations', () => {
  it('sends a GIF file’s first frame as a PNG picture', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    openai.enqueue({ text: 'Green first.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    const gif = encodeAnimatedGif(10, 6, [
      [0, 255, 0],
      [255, 0, 255],
    ]);
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'document',
      caption: 'What is this?',
      file: { bytes: gif, mimeType: 'image/gif', fileName: 'dance.gif' },
    });
    await botSays(world, user.id, (text) => text === 'Green first.');
    const images = recordedImages(openai.requests[0]?.messages.at(-1));
    expect(images.map((image) => image.mediaType)).toEqual(['image/png']);
    expect(readRgbaPng(images[0]?.bytes ?? Buffer.alloc(0))).toEqual({
      width: 10,
      height: 6,
      firstPixel: [0, 255, 0, 255],
    });
  });

  it('sends a Telegram animation’s first-frame thumbnail; without one, says so plainly', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', DEFAULT_MODEL: 'anthropic:claude-test' } });
    const { telegram, anthropic } = world;
    anthropic.enqueue({ text: 'A cat.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    const thumbnail = encodeSolidPng(32, 24, [120, 80, 40]);
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'animation',
      caption: 'Funny?',
      thumbnail: { bytes: thumbnail, width: 32, height: 24 },
    });
    await botSays(world, user.id, (text) => text === 'A cat.');
    const images = recordedImages(anthropic.requests[0]?.messages.at(-1));
    expect(images).toHaveLength(1);
    expect(images[0]?.bytes.equals(thumbnail)).toBe(true);
    expect(JSON.stringify(anthropic.requests[0]?.messages.at(-1))).toContain('Funny?');

    telegram.userSendsMedia({ chat: user.id, kind: 'animation' });
    await botSays(world, user.id, (text) => text.includes('can’t watch animations'));
    expect(anthropic.requests).toHaveLength(1);
  });

  it('refuses a picture file over 5 MB for an Anthropic model before fetching it; OpenAI gets it', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', DEFAULT_MODEL: 'anthropic:claude-test' } });
    const { telegram, anthropic, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    // A PNG signature and six megabytes: only the size matters before the fetch.
    const big = Buffer.concat([encodeSolidPng(8, 8, [1, 1, 1]), Buffer.alloc(6 * 1024 * 1024, 7)]);
    const file = { bytes: big, mimeType: 'image/png', fileName: 'scan.png' };
    telegram.userSendsMedia({ chat: user.id, kind: 'document', caption: 'Read this', file });
    const text = await botSays(world, user.id, (t) => t.includes('over 5 MB'));
    expect(text).toContain('anthropic:claude-test');
    expect(text).toContain('Send it as a photo');
    expect(anthropic.requests).toHaveLength(0);
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(0);

    telegram.userSends({ chat: user.id, text: '/model openai:gpt-test' });
    await botSays(world, user.id, (t) => t.includes('gpt-test'));
    openai.enqueue({ text: 'A big picture.' });
    telegram.userSendsMedia({ chat: user.id, kind: 'document', caption: 'Read this', file });
    await botSays(world, user.id, (t) => t === 'A big picture.');
    expect(recordedImages(openai.requests[0]?.messages.at(-1))[0]?.bytes.length).toBe(big.length);
  });
});
