import type { ImageInput } from '../providers/image-input.js';

/**
 * The image type from the file's first bytes, the only reliable witness: Telegram's photos are
 * JPEG, but documents carry whatever MIME type the sender's app guessed.
 */
export function detectImageType(bytes: Uint8Array): ImageInput['mediaType'] | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  const ascii = Buffer.from(bytes.subarray(0, 12)).toString('latin1');
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
