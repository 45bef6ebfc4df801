import type { Api } from 'grammy';
import type { TelegramFileApi } from '../media/download-telegram-file.js';

/** grammY's `getFile` behind the media seam (grammY types its signal with its own AbortSignal shim). */
export function telegramFileApi(api: Api): TelegramFileApi {
  return { getFile: (fileId, signal) => api.getFile(fileId, signal as Parameters<Api['getFile']>[1]) };
}
