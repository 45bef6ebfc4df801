import { encodeRgbaPng } from '../../media/encode-png.js';

/**
 * A real PNG of one colour, so emulated photos decode in any image library and tests need no
 * binary fixtures.
 */
export function encodeSolidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const pixels = new Uint8Array(width * height * 4);
  for (let index = 0; index < width * height; index++) pixels.set([...rgb, 255], index * 4);
  return encodeRgbaPng(width, height, pixels);
}
