import { describe, expect, it } from 'vitest';
import { detectImageType } from '../../src/media/detect-image-type.js';
import { MediaError } from '../../src/media/errors.js';
import { gifFirstFrame } from '../../src/media/gif-first-frame.js';
import { encodeAnimatedGif, readRgbaPng } from '../support/images.js';

describe('gifFirstFrame', () => {
  it('turns an animated GIF into a PNG of its first frame', () => {
    const gif = encodeAnimatedGif(12, 8, [
      [255, 0, 0],
      [0, 0, 255],
    ]);
    expect(detectImageType(gif)).toBe('image/gif');
    const png = gifFirstFrame(gif);
    expect(detectImageType(png)).toBe('image/png');
    expect(readRgbaPng(png)).toEqual({ width: 12, height: 8, firstPixel: [255, 0, 0, 255] });
  });

  it('refuses a damaged GIF and an absurd canvas with a MediaError', () => {
    const gif = encodeAnimatedGif(4, 4, [[1, 2, 3]]);
    expect(() => gifFirstFrame(gif.subarray(0, 20))).toThrow(MediaError);
    const huge = Buffer.from(gif);
    // The logical screen size sits right after "GIF89a": 65535×65535.
    huge.writeUInt16LE(0xffff, 6);
    huge.writeUInt16LE(0xffff, 8);
    expect(() => gifFirstFrame(huge)).toThrow(/GIF of 65535×65535/);
    try {
      gifFirstFrame(huge);
    } catch (error) {
      expect((error as MediaError).kind).toBe('too-large');
    }
  });
});
