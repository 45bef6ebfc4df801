import { inflateSync } from 'node:zlib';
import { GifWriter } from 'omggif';

/**
 * An animated GIF of solid frames (one colour each, in order), `width`×`height`, made with omggif's
 * writer so tests need no binary fixtures.
 */
export function encodeAnimatedGif(
  width: number,
  height: number,
  colours: readonly [number, number, number][],
): Buffer {
  const palette = colours.map(([r, g, b]) => (r << 16) | (g << 8) | b);
  // A GIF palette has a power-of-two size of at least 2.
  while (palette.length < 2 || (palette.length & (palette.length - 1)) !== 0) palette.push(0);
  const buffer = Buffer.alloc(1024 + width * height * colours.length * 2);
  const writer = new GifWriter(buffer, width, height, { palette, loop: 0 });
  for (const index of colours.keys()) {
    writer.addFrame(0, 0, width, height, new Array<number>(width * height).fill(index), { delay: 10 });
  }
  return buffer.subarray(0, writer.end());
}

/** Width, height and the RGBA of pixel (0, 0) of a PNG with unfiltered 8-bit RGBA rows (ours). */
export function readRgbaPng(png: Buffer): { width: number; height: number; firstPixel: number[] } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat = png.indexOf('IDAT');
  const length = png.readUInt32BE(idat - 4);
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length));
  return { width, height, firstPixel: [...raw.subarray(1, 5)] };
}
