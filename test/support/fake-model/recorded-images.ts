import type { RecordedMessage } from './fake-server.js';

export interface RecordedImage {
  mediaType: string;
  bytes: Buffer;
}

/**
 * The pictures in a recorded message, from either wire format: OpenAI `image_url` parts with a
 * base64 data URL, Anthropic `image` blocks with a base64 source. Anything else (a remote URL,
 * which would mean a Telegram file link leaked) is returned with mediaType `url:<the url>`.
 */
export function recordedImages(message: RecordedMessage | undefined): RecordedImage[] {
  const content = message?.content;
  if (!Array.isArray(content)) return [];
  const images: RecordedImage[] = [];
  type Part = { type?: string; image_url?: { url?: string }; source?: Record<string, unknown> };
  for (const part of content as Part[]) {
    if (part.type === 'image_url') {
      const url = String(part.image_url?.url ?? '');
      const match = /^data:([^;]+);base64,(.*)$/s.exec(url);
      images.push(
        match
          ? { mediaType: match[1] ?? '', bytes: Buffer.from(match[2] ?? '', 'base64') }
          : { mediaType: `url:${url}`, bytes: Buffer.alloc(0) },
      );
    } else if (part.type === 'image') {
      const source = part.source ?? {};
      images.push(
        source.type === 'base64'
          ? { mediaType: String(source.media_type), bytes: Buffer.from(String(source.data), 'base64') }
          : { mediaType: `url:${String(source.url)}`, bytes: Buffer.alloc(0) },
      );
    }
  }
  return images;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/**
 * What the real APIs say about a malformed picture (checked like they do: a known type and real
 * base64 data; OpenAI also takes http(s) URLs, which Streamgram must never send), or undefined.
 */
export function imagePartProblem(messages: readonly RecordedMessage[]): string | undefined {
  for (const message of messages) {
    for (const image of recordedImages(message)) {
      if (image.mediaType.startsWith('url:'))
        return `Image URLs are not accepted here: ${image.mediaType.slice(4)}`;
      if (!IMAGE_TYPES.has(image.mediaType)) {
        return `Invalid image media type ${image.mediaType}: must be image/jpeg, image/png, image/gif or image/webp`;
      }
      if (image.bytes.length === 0) return 'Invalid image: the image data is empty';
    }
  }
  return undefined;
}
