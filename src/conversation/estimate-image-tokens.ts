import { readImageSize } from '../media/read-image-size.js';
import type { ImageInput } from '../providers/image-input.js';

/** Each provider's most a picture costs: what a picture whose size we cannot read is counted as. */
const CEILING = { anthropic: 1_600, openai: 1_445 };

/**
 * Prompt tokens of pictures, for the context budget, by each provider's documented estimate:
 * - Anthropic: width×height/750 of the picture scaled to a long edge of at most 1568 px, at most
 *   ~1,600 (pictures over ~1.15 megapixels are scaled down further).
 * - OpenAI (high detail; also used for OpenAI-compatible endpoints): scaled to fit 2048×2048, then
 *   to a short side of at most 768 px; 85 plus 170 per 512-px tile, at most 1,445.
 */
export function estimateImageTokens(images: readonly ImageInput[], provider: string): number {
  const perImage = provider === 'anthropic' ? anthropicImageTokens : openaiImageTokens;
  return images.reduce((sum, image) => sum + perImage(readImageSize(image.data)), 0);
}

type Size = { width: number; height: number } | undefined;

export function anthropicImageTokens(size: Size): number {
  if (size === undefined) return CEILING.anthropic;
  const scale = Math.min(1, 1568 / Math.max(size.width, size.height));
  const pixels = Math.round(size.width * scale) * Math.round(size.height * scale);
  return Math.min(CEILING.anthropic, Math.max(1, Math.ceil(pixels / 750)));
}

export function openaiImageTokens(size: Size): number {
  if (size === undefined) return CEILING.openai;
  const fit = Math.min(1, 2048 / Math.max(size.width, size.height));
  let width = size.width * fit;
  let height = size.height * fit;
  const shorten = Math.min(1, 768 / Math.min(width, height));
  width *= shorten;
  height *= shorten;
  const tiles = Math.ceil(width / 512) * Math.ceil(height / 512);
  return Math.min(CEILING.openai, 85 + 170 * tiles);
}
