/**
 * Prompt tokens of pictures, for the context budget, at each provider's documented ceiling (we do
 * not decode images, and an estimate must never under-count): Anthropic charges width×height/750
 * of an image scaled to at most ~1.15 megapixels, about 1,600; OpenAI's high detail charges 85 plus
 * 170 per 512-pixel tile of the image scaled to 768 on its short side, at most 8 tiles: 1,445.
 */
export function estimateImageTokens(count: number, provider: string): number {
  return count * (provider === 'anthropic' ? 1_600 : 1_445);
}
