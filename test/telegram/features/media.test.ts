import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../../src/emulator/index.js';
import { recordedImages } from '../../support/fake-model/index.js';
import { useStreamgram } from '../../support/use-streamgram.js';
import { botSays } from '../../support/visible.js';

const start = useStreamgram();

/** Waits for the bot's last message in the chat to read `text` and be finished. */

describe('pictures and files reach the model', () => {
  it('sends a photo with its caption to OpenAI as an image of the largest size within bounds', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    openai.enqueue({ text: 'A blue square.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    const large = encodeSolidPng(640, 480, [0, 0, 255]);
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'photo',
      caption: 'What is this?',
      photoSizes: [
        { bytes: encodeSolidPng(90, 67, [0, 0, 255]), width: 90, height: 67 },
        { bytes: large, width: 640, height: 480 },
        { bytes: encodeSolidPng(4000, 3000, [0, 0, 255]), width: 4000, height: 3000 },
      ],
    });
    await botSays(world, user.id, (text) => text === 'A blue square.');
    const sent = openai.requests[0]?.messages.at(-1);
    const images = recordedImages(sent);
    expect(images).toHaveLength(1);
    expect(images[0]?.mediaType).toBe('image/png');
    expect(images[0]?.bytes.equals(large)).toBe(true);
    expect(JSON.stringify(sent)).toContain('What is this?');
    expect(JSON.stringify(openai.requests[0]?.body)).not.toContain(telegram.token);
  });

  it('keeps showing an earlier picture in follow-ups, from a cache, up to MAX_IMAGES', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', MAX_IMAGES: '1' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const first = encodeSolidPng(40, 30, [10, 200, 10]);
    const second = encodeSolidPng(30, 40, [200, 200, 10]);
    const sizes = (bytes: Buffer) => [{ bytes, width: 40, height: 30 }];
    openai.enqueue({ text: 'Green.' });
    telegram.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'Colour?', photoSizes: sizes(first) });
    await botSays(world, user.id, (text) => text === 'Green.');
    openai.enqueue({ text: 'Still green.' });
    telegram.userSends({ chat: user.id, text: 'Are you sure?' });
    await botSays(world, user.id, (text) => text === 'Still green.');
    const followUp = openai.requests[1]?.messages ?? [];
    expect(recordedImages(followUp[1])[0]?.bytes.equals(first)).toBe(true);
    expect(followUp.at(-1)).toEqual({ role: 'user', content: 'Are you sure?' });
    // Fetched once: the follow-up took the picture from the cache.
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(1);

    openai.enqueue({ text: 'Yellow.' });
    telegram.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'And now?', photoSizes: sizes(second) });
    await botSays(world, user.id, (text) => text === 'Yellow.');
    const third = openai.requests[2]?.messages ?? [];
    expect(
      third.flatMap((message) => recordedImages(message)).map((image) => image.bytes.equals(second)),
    ).toEqual([true]);
    expect(JSON.stringify(third[1])).toContain('an earlier picture, not shown again');
  });

  it('answers an album once, with all its pictures and its caption', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    openai.enqueue({ text: 'Three squares.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    const pictures = colours.map((rgb) => encodeSolidPng(20, 20, rgb));
    pictures.forEach((bytes, index) => {
      telegram.userSendsMedia({
        chat: user.id,
        kind: 'photo',
        mediaGroupId: 'album-1',
        ...(index === 0 ? { caption: 'Compare these' } : {}),
        photoSizes: [{ bytes, width: 20, height: 20 }],
      });
    });
    await botSays(world, user.id, (text) => text === 'Three squares.');
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]?.messages.at(-1);
    expect(recordedImages(sent).map((image) => pictures.findIndex((p) => p.equals(image.bytes)))).toEqual([
      0, 1, 2,
    ]);
    expect(JSON.stringify(sent)).toContain('Compare these');
  });

  it('tells the user plainly when the provider refuses the picture', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    openai.enqueue({
      error: {
        kind: 'status',
        status: 400,
        body: { error: { message: 'Invalid image.', type: 'invalid_request_error', code: 'invalid_image' } },
      },
    });
    const user = telegram.createUser({ firstName: 'Ada' });
    telegram.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'What is it?' });
    const text = await botSays(world, user.id, (t) => t.includes('picture'));
    expect(text).toContain('refused the picture');
  });

  it('in a group, sees a photo only when addressed: a caption mention, or a reply to it that mentions the bot', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', ALLOWED_USERS: '*' } });
    const { telegram, openai } = world;
    const ada = telegram.createUser({ firstName: 'Ada' });
    const bob = telegram.createUser({ firstName: 'Bob' });
    const group = telegram.createGroup({ title: 'Team' });
    const png = encodeSolidPng(24, 24, [9, 9, 9]);
    const photo = telegram.userSendsMedia({
      chat: group.id,
      from: bob.id,
      kind: 'photo',
      caption: 'our new logo',
      photoSizes: [{ bytes: png, width: 24, height: 24 }],
    });
    openai.enqueue({ text: 'A dark square.' });
    telegram.userSends({
      chat: group.id,
      from: ada.id,
      text: `@${telegram.bot.username} what do you think?`,
      replyToMessageId: photo.message_id,
    });
    await botSays(world, group.id, (text) => text === 'A dark square.');
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]?.messages.at(-1);
    expect(recordedImages(sent)[0]?.bytes.equals(png)).toBe(true);
    expect(JSON.stringify(sent)).toContain('our new logo');
    expect(JSON.stringify(sent)).toContain('what do you think?');
  });

  it('sends an image file to Anthropic as an image block', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', DEFAULT_MODEL: 'anthropic:claude-test' } });
    const { telegram, anthropic } = world;
    anthropic.enqueue({ text: 'A red square.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    const png = encodeSolidPng(32, 32, [255, 0, 0]);
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'document',
      file: { bytes: png, mimeType: 'image/png', fileName: 'square.png' },
    });
    await botSays(world, user.id, (text) => text === 'A red square.');
    const images = recordedImages(anthropic.requests[0]?.messages.at(-1));
    expect(images.map((image) => image.mediaType)).toEqual(['image/png']);
    expect(images[0]?.bytes.equals(png)).toBe(true);
  });

  it('refuses a picture for a text-only model, naming the models that see, without a request', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', TEXT_ONLY_MODELS: 'openai:gpt-test' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    telegram.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'Look' });
    const text = await botSays(world, user.id, (t) => t.includes('reads text only'));
    expect(text).toContain('anthropic:claude-test');
    expect(openai.requests).toHaveLength(0);
    expect(telegram.calls({ method: 'getFile' })).toHaveLength(0);
  });

  it('reads a PDF’s text and a text file with their names', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    openai.enqueue({ text: 'Read it.' });
    const user = telegram.createUser({ firstName: 'Ada' });
    telegram.userSendsMedia({
      chat: user.id,
      kind: 'document',
      caption: 'Summarise',
      file: {
        bytes: minimalPdf('Quarterly figures rose'),
        mimeType: 'application/pdf',
        fileName: 'report.pdf',
      },
    });
    await botSays(world, user.id, (text) => text === 'Read it.');
    const content = String(openai.requests[0]?.messages.at(-1)?.content);
    expect(content).toContain('report.pdf');
    expect(content).toContain('Quarterly figures rose');
    expect(content).toContain('Summarise');
  });

  it('answers each bad input plainly, stores nothing, and the next message works', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit', MAX_FILE_MB: '1' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const cases: [() => void, string][] = [
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: { bytes: Buffer.from('not an image'), mimeType: 'image/png', fileName: 'broken.png' },
          }),
        'couldn’t read that picture',
      ],
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: { bytes: Buffer.alloc(0), fileName: 'empty.txt' },
          }),
        'empty',
      ],
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: { bytes: Buffer.from('PK\u0003\u0004'), mimeType: 'application/zip', fileName: 'a.zip' },
          }),
        'archives',
      ],
      [
        () => {
          telegram.failNext({ method: 'getFile', status: 400, description: 'Bad Request: invalid file_id' });
          telegram.userSendsMedia({ chat: user.id, kind: 'photo' });
        },
        'couldn’t download',
      ],
      [
        () => {
          telegram.failNextDownload({ kind: 'cut' });
          telegram.userSendsMedia({ chat: user.id, kind: 'photo' });
        },
        'couldn’t download',
      ],
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: { bytes: minimalPdf(''), mimeType: 'application/pdf', fileName: 'scan.pdf' },
          }),
        'looks scanned',
      ],
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: {
              bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
              mimeType: 'text/plain',
              fileName: 'a.txt',
            },
          }),
        'couldn’t read that file as text',
      ],
      [
        () =>
          telegram.userSendsMedia({
            chat: user.id,
            kind: 'document',
            file: { bytes: Buffer.alloc(1_200_000, 'a'), mimeType: 'text/plain', fileName: 'big.txt' },
          }),
        'over 1 MB',
      ],
    ];
    for (const [send, expected] of cases) {
      const before = telegram.lastBotMessage(user.id)?.messageId ?? 0;
      send();
      await telegram.waitFor(
        () => {
          const reply = telegram.lastBotMessage(user.id);
          return reply !== undefined && reply.messageId > before ? reply : undefined;
        },
        { timeoutMs: 15_000 },
      );
      expect(telegram.lastBotMessage(user.id)?.text).toContain(expected);
    }
    expect(openai.requests).toHaveLength(0);
    openai.enqueue({ text: 'Still here.' });
    telegram.userSends({ chat: user.id, text: 'Hello?' });
    await botSays(world, user.id, (text) => text === 'Still here.');
    expect(openai.requests[0]?.messages).toEqual([
      { role: 'system', content: expect.any(String) },
      { role: 'user', content: 'Hello?' },
    ]);
    await world.app.stop();
    const db = new Database(world.databasePath, { readonly: true });
    try {
      // Nothing half-stored: only the question that worked and its answer.
      expect(db.prepare('SELECT role, content FROM messages ORDER BY id').all()).toEqual([
        { role: 'user', content: 'Hello?' },
        { role: 'assistant', content: 'Still here.' },
      ]);
    } finally {
      db.close();
    }
  });
});

/** A minimal valid one-page PDF with `text` in Helvetica (an empty text makes a "scanned" page). */
function minimalPdf(text: string): Buffer {
  const stream = text === '' ? '' : `BT /F1 18 Tf 20 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(out.length);
    out += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
