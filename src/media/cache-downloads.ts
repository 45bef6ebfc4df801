import type { DownloadTelegramFile } from './download-telegram-file.js';

/**
 * Keeps the most recently used files in memory, so building the history of every question does not
 * fetch the same pictures from Telegram again and again. Bounded by count and by bytes.
 */
export function cacheDownloads(
  download: DownloadTelegramFile,
  limits: { maxFiles: number; maxBytes: number },
): DownloadTelegramFile {
  const cache = new Map<string, Buffer>();
  let bytes = 0;
  return async (fileId, signal) => {
    const hit = cache.get(fileId);
    if (hit !== undefined) {
      cache.delete(fileId);
      cache.set(fileId, hit);
      return hit;
    }
    const fetched = await download(fileId, signal);
    if (fetched.length > limits.maxBytes) return fetched;
    cache.set(fileId, fetched);
    bytes += fetched.length;
    for (const [oldest, value] of cache) {
      if (cache.size <= limits.maxFiles && bytes <= limits.maxBytes) break;
      cache.delete(oldest);
      bytes -= value.length;
    }
    return fetched;
  };
}
