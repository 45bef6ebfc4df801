import type { MessageState } from '../emulator/index.js';
import { detectImageType } from '../media/detect-image-type.js';

export interface MessagePicture {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * The picture a user's message shows in the page: a photo's largest size, an image sent as a file,
 * an animation's thumbnail. Judged by the bytes, never by the name, as the bot does.
 */
export function messagePicture(
  message: MessageState | undefined,
  fileBytes: (fileId: string) => Uint8Array | undefined,
): MessagePicture | undefined {
  if (message?.media === undefined || message.deleted) return undefined;
  const fileId = pictureFileId(message.media, message.mediaPayload);
  const bytes = fileId === undefined ? undefined : fileBytes(fileId);
  if (bytes === undefined) return undefined;
  const contentType = detectImageType(bytes);
  return contentType === undefined ? undefined : { bytes, contentType };
}

function pictureFileId(media: string, payload: unknown): string | undefined {
  type File = { file_id?: unknown; thumbnail?: { file_id?: unknown } };
  if (media === 'photo' && Array.isArray(payload)) {
    const largest = (payload as File[]).at(-1)?.file_id;
    return typeof largest === 'string' ? largest : undefined;
  }
  const file = payload as File | undefined;
  const id =
    media === 'animation' ? file?.thumbnail?.file_id : media === 'document' ? file?.file_id : undefined;
  return typeof id === 'string' ? id : undefined;
}
