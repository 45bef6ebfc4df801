import { MediaError } from './errors.js';

/** The cloud Bot API serves files up to this size. */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface TelegramFileApi {
  getFile(
    fileId: string,
    signal?: AbortSignal,
  ): Promise<{ file_path?: string | undefined; file_size?: number | undefined }>;
}

export interface DownloadTelegramFileDeps {
  api: TelegramFileApi;
  apiRoot: string;
  token: string;
  /** Files larger than this are refused before and during the download. */
  maxBytes: number;
  fetch?: typeof fetch;
}

export type DownloadTelegramFile = (fileId: string, signal: AbortSignal) => Promise<Buffer>;

/**
 * Fetches a received file's bytes ourselves. The download URL holds the bot token, so it never
 * leaves this function: not to a provider, not into an error or a log line.
 */
export function createTelegramFileDownloader(deps: DownloadTelegramFileDeps): DownloadTelegramFile {
  const fetchFile = deps.fetch ?? fetch;
  const limit = Math.min(deps.maxBytes, TELEGRAM_DOWNLOAD_LIMIT_BYTES);

  return async (fileId, signal) => {
    let info: Awaited<ReturnType<TelegramFileApi['getFile']>>;
    try {
      info = await deps.api.getFile(fileId, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new MediaError('get-file', 'Telegram did not hand out the file', { cause: describe(error) });
    }
    if (info.file_size !== undefined && info.file_size > limit) {
      throw new MediaError('too-large', `the file has ${info.file_size} bytes, over the limit of ${limit}`);
    }
    if (info.file_path === undefined) throw new MediaError('get-file', 'Telegram gave no file path');
    const url = `${deps.apiRoot}/file/bot${deps.token}/${info.file_path}`;
    let response: Response;
    try {
      response = await fetchFile(url, { signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new MediaError('download', 'the file download failed', { cause: describe(error) });
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw new MediaError('download', `the file download answered ${response.status}`);
    }
    return readBounded(response, limit, signal);
  };
}

async function readBounded(response: Response, limit: number, signal: AbortSignal): Promise<Buffer> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) throw new MediaError('too-large', `the file is over the limit of ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof MediaError || signal.aborted) throw error;
    throw new MediaError('cut', `the download broke off after ${size} bytes`, { cause: describe(error) });
  }
  if (Number.isFinite(announced) && size !== announced) {
    throw new MediaError('cut', `the download broke off after ${size} of ${announced} bytes`);
  }
  return Buffer.concat(chunks);
}

/** The cause without any URL (grammY's and fetch's errors can name the request URL). */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/https?:\/\/\S+/g, '<url>').replace(/bot\d+:[\w-]+/g, 'bot<token>');
}
