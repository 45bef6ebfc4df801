/**
 * Width and height from an image's header (JPEG, PNG, GIF, WebP), without decoding it; undefined
 * when the header cannot be read. Used only for token estimates, so a miss costs the ceiling.
 */
export function readImageSize(bytes: Buffer): { width: number; height: number } | undefined {
  try {
    if (bytes.length >= 24 && bytes.toString('latin1', 1, 4) === 'PNG') {
      return sized(bytes.readUInt32BE(16), bytes.readUInt32BE(20));
    }
    if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
      return sized(bytes.readUInt16LE(6), bytes.readUInt16LE(8));
    }
    if (
      bytes.length >= 30 &&
      bytes.toString('latin1', 0, 4) === 'RIFF' &&
      bytes.toString('latin1', 8, 12) === 'WEBP'
    ) {
      return webpSize(bytes);
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  } catch {
    // A header cut short: no size.
  }
  return undefined;
}

function sized(width: number, height: number) {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function webpSize(bytes: Buffer) {
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return sized(bytes.readUInt16LE(26) & 0x3fff, bytes.readUInt16LE(28) & 0x3fff);
  if (chunk === 'VP8L') {
    const bits = bytes.readUInt32LE(21);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return sized(bytes.readUIntLE(24, 3) + 1, bytes.readUIntLE(27, 3) + 1);
  return undefined;
}

/** Walks the markers to the first start-of-frame (SOF0-SOF15, but not DHT C4, JPG C8, DAC CC). */
function jpegSize(bytes: Buffer) {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return sized(bytes.readUInt16BE(offset + 7), bytes.readUInt16BE(offset + 5));
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}
