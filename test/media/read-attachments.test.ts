import { describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { describeMediaFailure } from '../../src/media/describe-media-failure.js';
import { MediaError } from '../../src/media/errors.js';
import { createAttachmentReader } from '../../src/media/read-attachments.js';
import { encodeAnimatedGif } from '../support/images.js';

/** Files by id, as Telegram would serve them (the download seam, not the HTTP path: see the e2e tests). */
function readerOf(files: Record<string, Buffer>) {
  return createAttachmentReader({
    download: async (fileId) => {
      const bytes = files[fileId];
      if (bytes === undefined) throw new MediaError('get-file', 'unknown file');
      return bytes;
    },
    maxDocumentChars: 50,
  });
}

const signal = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<MediaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MediaError)) throw new Error(`expected a MediaError, got ${String(error)}`);
  return error;
}

describe('reading attachments', () => {
  it('reads pictures (a GIF as its first frame) and text files with their names, in order', async () => {
    const png = encodeSolidPng(4, 4, [1, 2, 3]);
    const read = await readerOf({
      png,
      gif: encodeAnimatedGif(3, 3, [[9, 9, 9]]),
      txt: Buffer.from('\uFEFFhello there'),
    })(
      [
        { kind: 'image', fileId: 'png' },
        { kind: 'document', fileId: 'gif', fileName: 'loop.gif' },
        { kind: 'document', fileId: 'txt', fileName: 'notes.txt' },
      ],
      signal,
    );
    expect(read.images.map((image) => image.mediaType)).toEqual(['image/png', 'image/png']);
    expect(read.images[0]?.data.equals(png)).toBe(true);
    expect(read.text).toBe('File: notes.txt\n"""\nhello there\n"""');
  });

  it.each([
    [
      'a damaged picture',
      { kind: 'image' as const, fileId: 'junk' },
      'bad-picture',
      'couldn’t read that picture',
    ],
    ['a damaged PDF', { kind: 'document' as const, fileId: 'junk', fileName: 'a.pdf' }, 'bad-pdf', 'damaged'],
    [
      'binary named .txt',
      { kind: 'document' as const, fileId: 'binary', fileName: 'a.txt' },
      'not-text',
      'as text',
    ],
    ['blank text', { kind: 'document' as const, fileId: 'blank', fileName: 'a.txt' }, 'empty', 'empty'],
    ['an empty file', { kind: 'document' as const, fileId: 'none', fileName: 'a.md' }, 'empty', 'empty'],
    [
      'too much text',
      { kind: 'document' as const, fileId: 'long', fileName: 'a.md' },
      'too-large',
      'too large',
    ],
    [
      'voice without a transcriber',
      { kind: 'audio' as const, fileId: 'blank', fileName: 'v.ogg' },
      'transcription',
      'transcribe',
    ],
  ])('%s is a %s failure the user is told about', async (_name, attachment, kind, words) => {
    const read = readerOf({
      junk: Buffer.from('%PDF-1.4 not really'),
      binary: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]),
      blank: Buffer.from(' \n\t '),
      none: Buffer.alloc(0),
      long: Buffer.from('x'.repeat(51)),
    });
    const error = await failure(read([attachment], signal));
    expect(error.kind).toBe(kind);
    expect(describeMediaFailure(error)).toContain(words);
  });
});
