import { GifReader } from 'omggif';
import { encodeRgbaPng } from './encode-png.js';
import { MediaError } from './errors.js';

/** Larger canvases are refused before decoding: 4 bytes a pixel must stay a sane amount of memory. */
export const MAX_GIF_PIXELS = 4096 * 4096;

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
  if (width * height > MAX_GIF_PIXELS || reader.numFrames() === 0) {
    throw new MediaError('bad-picture', `the picture is a GIF of ${width}×${height} we cannot take`);
  }
  const pixels = new Uint8Array(width * height * 4);
  try {
    reader.decodeAndBlitFrameRGBA(0, pixels);
  } catch (error) {
    throw new MediaError('bad-picture', 'the picture is a damaged GIF', { cause: error });
  }
  return encodeRgbaPng(width, height, pixels);
}
