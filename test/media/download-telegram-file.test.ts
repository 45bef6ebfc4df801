import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiEmulator, encodeSolidPng, startBotApiEmulator } from '../../src/emulator/index.js';
import {
  createTelegramFileDownloader,
  type DownloadTelegramFile,
} from '../../src/media/download-telegram-file.js';
import { MediaError } from '../../src/media/errors.js';
import { telegramFileApi } from '../../src/telegram/file-api.js';

let emulator: BotApiEmulator;
let download: DownloadTelegramFile;
const signal = new AbortController().signal;

function downloader(maxBytes: number): DownloadTelegramFile {
  const api = new Api(emulator.token, { apiRoot: emulator.apiRoot });
  return createTelegramFileDownloader({
    api: telegramFileApi(api),
    apiRoot: emulator.apiRoot,
    token: emulator.token,
    maxBytes,
  });
}

beforeEach(async () => {
  emulator = await startBotApiEmulator({ limits: 'none' });
  download = downloader(1_000_000);
});
afterEach(async () => {
  await emulator.close();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('downloading a received file', () => {
  it('fetches the bytes of the largest photo size through getFile and the download route', async () => {
    const user = emulator.createUser({ firstName: 'Ada' });
    const big = encodeSolidPng(64, 48, [200, 10, 10]);
    const message = emulator.userSendsMedia({
      chat: user.id,
      kind: 'photo',
      photoSizes: [
        { bytes: encodeSolidPng(8, 6, [200, 10, 10]), width: 8, height: 6 },
        { bytes: big, width: 64, height: 48 },
      ],
    });
    const sizes = message.photo as { file_id: string; width: number }[];
    expect(sizes.map((size) => size.width)).toEqual([8, 64]);
    const bytes = await download(sizes[1]?.file_id ?? '', signal);
    expect(bytes.equals(big)).toBe(true);
    expect(emulator.calls({ method: 'getFile' })).toHaveLength(1);
  });

  it('says getFile failed, with no token in the error', async () => {
    const error = await failure(download('no-such-file', signal));
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).kind).toBe('get-file');
    expect(JSON.stringify({ message: String(error), cause: (error as MediaError).cause })).not.toContain(
      emulator.token.split(':')[1],
    );
  });

  it('tells a failed download and a download cut half-way apart', async () => {
    const user = emulator.createUser({ firstName: 'Ada' });
    const message = emulator.userSendsMedia({
      chat: user.id,
      kind: 'document',
      file: { bytes: Buffer.alloc(50_000, 'a'), mimeType: 'text/plain', fileName: 'a.txt' },
    });
    const fileId = (message.document as { file_id: string }).file_id;
    emulator.failNextDownload({ kind: 'status', status: 500 });
    expect(((await failure(download(fileId, signal))) as MediaError).kind).toBe('download');
    emulator.failNextDownload({ kind: 'cut' });
    const cut = (await failure(download(fileId, signal))) as MediaError;
    expect(cut.kind).toBe('cut');
    expect(cut.message).not.toContain(emulator.token);
    expect((await download(fileId, signal)).length).toBe(50_000);
  });

  it('refuses a file over the limit', async () => {
    const user = emulator.createUser({ firstName: 'Ada' });
    const message = emulator.userSendsMedia({
      chat: user.id,
      kind: 'document',
      file: { bytes: Buffer.alloc(5_000, 'a'), fileName: 'a.txt' },
    });
    const error = await failure(downloader(1_000)((message.document as { file_id: string }).file_id, signal));
    expect((error as MediaError).kind).toBe('too-large');
  });
});
