import { type BotApiEmulator, encodeSolidPng } from '../../src/emulator/index.js';
import { recordedImages } from './fake-model/index.js';

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

/** Ada posts ALBUM_PICTURES in a new group; only part `captionAt` asks the bot "which colours?". */
export function askColoursInGroup(telegram: BotApiEmulator, captionAt: number): { groupId: number } {
  const ada = telegram.createUser({ firstName: 'Ada' });
  const group = telegram.createGroup({ title: 'Team' });
  sendAlbum(telegram, {
    chat: group.id,
    from: ada.id,
    id: `album-${captionAt}`,
    captionAt,
    caption: `@${telegram.bot.username} which colours?`,
  });
  return { groupId: group.id };
}

/** Which of ALBUM_PICTURES a model request's message carried, in the order it carried them. */
export function albumPictureOrder(message: Parameters<typeof recordedImages>[0]): number[] {
  return recordedImages(message).map((image) => ALBUM_PICTURES.findIndex((p) => p.equals(image.bytes)));
}
