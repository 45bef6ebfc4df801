import { type BotApiEmulator, encodeSolidPng } from '../../src/emulator/index.js';

/** Three small pictures (red, green, blue), for albums whose order a test checks. */
export const ALBUM_PICTURES = [
  encodeSolidPng(16, 16, [255, 0, 0]),
  encodeSolidPng(16, 16, [0, 255, 0]),
  encodeSolidPng(16, 16, [0, 0, 255]),
];

/** A user posts ALBUM_PICTURES as one album; only part `captionAt` carries the caption. */
export function sendAlbum(
  telegram: BotApiEmulator,
  album: { chat: number; from: number; id: string; captionAt: number; caption: string },
): void {
  for (const [index, bytes] of ALBUM_PICTURES.entries()) {
    telegram.userSendsMedia({
      chat: album.chat,
      from: album.from,
      kind: 'photo',
      mediaGroupId: album.id,
      ...(index === album.captionAt ? { caption: album.caption } : {}),
      photoSizes: [{ bytes, width: 16, height: 16 }],
    });
  }
}
