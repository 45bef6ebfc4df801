import type { MediaKind } from '../api-types.js';
import type { FileStore } from './file-store.js';
import { encodeSolidPng } from './png.js';

export interface PhotoSizeInput {
  bytes: Uint8Array;
  width: number;
  height: number;
}

export interface MediaFileInput {
  bytes: Uint8Array;
  mimeType?: string;
  fileName?: string;
  /** For voice, audio and video notes; default 3. */
  duration?: number;
}

let defaultPhotos: PhotoSizeInput[] | undefined;

/** Telegram's two usual sizes of one picture (smallest first), as real PNGs. */
function defaultPhotoSizes(): PhotoSizeInput[] {
  defaultPhotos ??= [
    { bytes: encodeSolidPng(90, 67, [40, 120, 200]), width: 90, height: 67 },
    { bytes: encodeSolidPng(1280, 960, [40, 120, 200]), width: 1280, height: 960 },
  ];
  return defaultPhotos;
}

const DEFAULT_FILES: Record<Exclude<MediaKind, 'photo'>, MediaFileInput & { extension: string }> = {
  // "OggS" and a few bytes: enough for a transcription endpoint that does not decode audio.
  voice: { bytes: Buffer.from('OggS\0emulated voice note'), mimeType: 'audio/ogg', extension: 'oga' },
  audio: {
    bytes: Buffer.from('ID3\u0003emulated audio'),
    mimeType: 'audio/mpeg',
    extension: 'mp3',
    fileName: 'audio.mp3',
  },
  video_note: {
    bytes: Buffer.from('\0\0\0\u0018ftypmp42 emulated'),
    mimeType: 'video/mp4',
    extension: 'mp4',
  },
  sticker: { bytes: Buffer.from('RIFF\0\0\0\0WEBPVP8 '), mimeType: 'image/webp', extension: 'webp' },
  // Telegram turns GIFs into silent MP4 animations, with a JPEG thumbnail of the first frame.
  animation: {
    bytes: Buffer.from('\0\0\0\u0018ftypmp42 emulated animation'),
    mimeType: 'video/mp4',
    extension: 'mp4',
    fileName: 'animation.gif.mp4',
  },
  document: {
    bytes: Buffer.from('Hello from a text file.\n'),
    mimeType: 'text/plain',
    extension: 'txt',
    fileName: 'file.txt',
  },
};

/**
 * The Bot API field of a media message (`photo`, `voice`, ...), with its bytes registered in the
 * file store so that `getFile` and the download route serve them.
 */
export function mediaPayload(
  files: FileStore,
  kind: MediaKind,
  fileId: string,
  input: {
    photoSizes?: PhotoSizeInput[] | undefined;
    file?: MediaFileInput | undefined;
    /** An animation's thumbnail (its first frame); none by default. */
    thumbnail?: PhotoSizeInput | undefined;
    fileName?: string | undefined;
  },
): unknown {
  if (kind === 'photo') {
    const sizes = input.photoSizes ?? defaultPhotoSizes();
    return sizes.map((size, index) =>
      storedPhotoSize(files, index === sizes.length - 1 ? fileId : `${fileId}-${index}`, size, 'photos'),
    );
  }
  const fallback = DEFAULT_FILES[kind];
  const file = { ...fallback, ...input.file };
  const fileName = input.fileName ?? input.file?.fileName ?? fallback.fileName;
  const extension = fileName?.split('.').pop() ?? fallback.extension;
  files.put({
    fileId,
    fileUniqueId: `u-${fileId}`,
    bytes: file.bytes,
    extension,
    folder: kind === 'document' ? 'documents' : kind,
  });
  const base = { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: file.bytes.length };
  switch (kind) {
    case 'voice':
      return { ...base, duration: file.duration ?? 3, mime_type: file.mimeType };
    case 'audio':
      return { ...base, duration: file.duration ?? 3, mime_type: file.mimeType, file_name: fileName };
    case 'video_note':
      return { ...base, duration: file.duration ?? 3, length: 240 };
    case 'sticker':
      return {
        ...base,
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: '👍',
      };
    case 'document':
      return { ...base, file_name: fileName, mime_type: file.mimeType };
    case 'animation':
      return {
        ...base,
        width: 320,
        height: 240,
        duration: file.duration ?? 3,
        file_name: fileName,
        mime_type: file.mimeType,
        ...(input.thumbnail === undefined
          ? {}
          : { thumbnail: storedPhotoSize(files, `${fileId}-thumb`, input.thumbnail, 'thumbnails') }),
      };
  }
}

/** Stores one JPEG size of a photo or thumbnail and describes it as Telegram's PhotoSize. */
function storedPhotoSize(
  files: FileStore,
  id: string,
  size: PhotoSizeInput,
  folder: 'photos' | 'thumbnails',
) {
  files.put({ fileId: id, fileUniqueId: `u-${id}`, bytes: size.bytes, extension: 'jpg', folder });
  return {
    file_id: id,
    file_unique_id: `u-${id}`,
    width: size.width,
    height: size.height,
    file_size: size.bytes.length,
  };
}
