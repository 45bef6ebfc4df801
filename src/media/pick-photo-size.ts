import type { PhotoSize } from 'grammy/types';

/** Providers scale larger pictures down anyway; bigger ones only cost bytes and tokens. */
export const MAX_PHOTO_SIDE = 2048;

/** The largest size within the bound (Telegram lists sizes smallest first); else the smallest. */
export function pickPhotoSize(sizes: readonly PhotoSize[], maxBytes: number): PhotoSize | undefined {
  const fitting = sizes.filter(
    (size) => Math.max(size.width, size.height) <= MAX_PHOTO_SIDE && (size.file_size ?? 0) <= maxBytes,
  );
  const pool = fitting.length > 0 ? fitting : sizes.slice(0, 1);
  return pool.reduce<PhotoSize | undefined>(
    (best, size) => (best === undefined || size.width * size.height > best.width * best.height ? size : best),
    undefined,
  );
}
