import { describe, expect, it } from 'vitest';
import { REFUSED_PICTURE } from '../../../src/conversation/history-images.js';
import { encodeSolidPng } from '../../../src/emulator/index.js';
import { recordedImages } from '../../support/fake-model/index.js';
import { useStreamgram } from '../../support/use-streamgram.js';
import { botSays } from '../../support/visible.js';

const start = useStreamgram();

const photo = (rgb: [number, number, number]) => [
  { bytes: encodeSolidPng(24, 24, rgb), width: 24, height: 24 },
];

describe('pictures in later turns', () => {
  it('a picture the provider refuses once becomes a placeholder, and the next question works without /new', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    openai.enqueue({ text: 'Green.' });
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'photo',
      caption: 'Colour?',
      photoSizes: photo([0, 200, 0]),
    });
    await botSays(world, user.id, (text) => text === 'Green.');

    // The earlier picture now fails the request (a provider tightened its rules, another model).
    openai.refuseImages(1);
    telegram.userSends({ chat: user.id, text: 'Are you sure?' });
    const refusal = await botSays(world, user.id, (text) => text.includes('refused the picture'));
    expect(refusal).toContain('gpt-test');
    expect(recordedImages(openai.requests[1]?.messages[1])).toHaveLength(1);

    openai.enqueue({ text: 'Yes, green.' });
    telegram.userSends({ chat: user.id, text: 'Tell me again' });
    await botSays(world, user.id, (text) => text === 'Yes, green.');
    const third = openai.requests[2]?.messages ?? [];
    expect(third.flatMap((message) => recordedImages(message))).toEqual([]);
    expect(JSON.stringify(third)).toContain(REFUSED_PICTURE);
    expect(JSON.stringify(third)).toContain('Colour?');
    expect(third.at(-1)).toEqual({ role: 'user', content: 'Tell me again' });

    // A new picture is sent as usual: only the refused one is left out.
    openai.enqueue({ text: 'Red.' });
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'photo',
      caption: 'And this?',
      photoSizes: photo([200, 0, 0]),
    });
    await botSays(world, user.id, (text) => text === 'Red.');
    expect(openai.requests[3]?.messages.flatMap((message) => recordedImages(message))).toHaveLength(1);
  });

  it('a new picture the provider refuses is told plainly and does not stick to the conversation', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', DEFAULT_MODEL: 'anthropic:claude-test' } });
    const { telegram, anthropic } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    anthropic.refuseImages(1);
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'photo',
      caption: 'What is it?',
      photoSizes: photo([1, 2, 3]),
    });
    const text = await botSays(world, user.id, (t) => t.includes('picture'));
    expect(text).toBe(
      '⚠️ anthropic:claude-test refused the picture. Try another picture, or another model with /model.',
    );
    anthropic.enqueue({ text: 'Hello.' });
    telegram.userSends({ chat: user.id, text: 'Hi' });
    await botSays(world, user.id, (t) => t === 'Hello.');
    expect(anthropic.requests[1]?.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('beyond MAX_IMAGES the oldest pictures become placeholders, newest kept, each fetched once', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', MAX_IMAGES: '2' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const colours: [number, number, number][] = [
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ];
    const sent = colours.map(photo);
    for (const [index, sizes] of sent.entries()) {
      openai.enqueue({ text: `Seen ${index + 1}.` });
      telegram.userSendsMedia({
        chat: user.id,
        kind: 'photo',
        caption: `Picture ${index + 1}`,
        photoSizes: sizes,
      });
      await botSays(world, user.id, (text) => text === `Seen ${index + 1}.`);
    }
    openai.enqueue({ text: 'Compared.' });
    telegram.userSends({ chat: user.id, text: 'Compare them all' });
    await botSays(world, user.id, (text) => text === 'Compared.');
    const last = openai.requests[3]?.messages ?? [];
    const images = last.flatMap((message) => recordedImages(message));
    expect(images.map((image) => sent.findIndex((sizes) => sizes[0]?.bytes.equals(image.bytes)))).toEqual([
      1, 2,
    ]);
    expect(JSON.stringify(last[1])).toContain('an earlier picture, not shown again');
    expect(JSON.stringify(last[1])).toContain('Picture 1');
    // The in-memory cache: three pictures, three getFile calls over four questions.
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(3);
  });

  it('after a restart fetches the pictures of the history again; one Telegram no longer serves becomes a placeholder', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const sizes = photo([50, 60, 70]);
    openai.enqueue({ text: 'Grey.' });
    telegram.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'Colour?', photoSizes: sizes });
    await botSays(world, user.id, (text) => text === 'Grey.');

    // The cache is memory: a new process asks Telegram again.
    await world.restart();
    openai.enqueue({ text: 'Still grey.' });
    telegram.userSends({ chat: user.id, text: 'Sure?' });
    await botSays(world, user.id, (text) => text === 'Still grey.');
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(2);
    const images = openai.requests[1]?.messages.flatMap((message) => recordedImages(message)) ?? [];
    expect(images.map((image) => image.bytes.equals(sizes[0]?.bytes ?? Buffer.alloc(0)))).toEqual([true]);

    await world.restart();
    telegram.failNext({ method: 'getFile', status: 400, description: 'Bad Request: wrong file_id' });
    openai.enqueue({ text: 'I remember grey.' });
    telegram.userSends({ chat: user.id, text: 'And now?' });
    await botSays(world, user.id, (text) => text === 'I remember grey.');
    const third = openai.requests[2]?.messages ?? [];
    expect(third.flatMap((message) => recordedImages(message))).toEqual([]);
    expect(JSON.stringify(third[1])).toContain('an earlier picture, not shown again');
  });
});
