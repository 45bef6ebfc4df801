import { GifReader } from 'omggif';
import { encodeRgbaPng } from './encode-png.js';
import { MediaError } from './errors.js';

/**
 * Larger canvases are refused before decoding: decoding and compressing 4 bytes a pixel blocks the
 * event loop (every other chat's stream) for longer than a picture is worth; providers scale
 * pictures down to about this size anyway.
 */
export const MAX_GIF_PIXELS = 2048 * 2048;

/**
 * A GIF's first frame as a PNG. Providers take still pictures (OpenAI refuses animated GIFs), and
 * the first frame is what a person sees before the animation plays.
 */
export function gifFirstFrame(bytes: Uint8Array): Buffer {
  let reader: GifReader;
  try {
    reader = new GifReader(bytes);
  } catch (error) {
    throw new MediaError('bad-picture', 'the picture is a damaged GIF', { cause: error });
  }
  const { width, height } = reader;
  if (reader.numFrames() === 0) throw new MediaError('bad-picture', 'the picture is a GIF without frames');
  if (width * height > MAX_GIF_PIXELS) {
    throw new MediaError(
      'too-large',
      `the picture is a GIF of ${width}×${height}, over ${MAX_GIF_PIXELS} pixels`,
    );
  }
  const pixels = new Uint8Array(width * height * 4);
  try {
    reader.decodeAndBlitFrameRGBA(0, pixels);
  } catch (error) {
    throw new MediaError('bad-picture', 'the picture is a damaged GIF', { cause: error });
  }
  return encodeRgbaPng(width, height, pixels);
}
