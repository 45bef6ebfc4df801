import { describe, expect, it } from 'vitest';
import {
  anthropicImageTokens,
  estimateImageTokens,
  openaiImageTokens,
} from '../../src/conversation/estimate-image-tokens.js';
import { trimHistory } from '../../src/conversation/trim-history.js';
import { encodeSolidPng } from '../../src/emulator/index.js';
import type { ImageInput } from '../../src/providers/image-input.js';
import type { ChatMessage } from '../../src/providers/types.js';

describe('picture token estimates, as each provider documents them', () => {
  it.each([
    // OpenAI's own worked examples (high detail): 1024×1024 → 768×768, 4 tiles; 2048×4096 → 1024×2048 → 768×1536, 6 tiles.
    [1024, 1024, 765],
    [2048, 4096, 1105],
    [512, 512, 255],
    [100, 100, 255],
    [4000, 3000, 765],
    [768, 2048, 1445],
    [768, 4000, 765],
  ])('OpenAI: %i×%i is %i tokens', (width, height, tokens) => {
    expect(openaiImageTokens({ width, height })).toBe(tokens);
  });

  it.each([
    // Anthropic's table: 200×200 ≈ 54, 1000×1000 ≈ 1334; larger pictures are capped near 1,600.
    [200, 200, 54],
    [1000, 1000, 1334],
    [1092, 1092, 1590],
    [4000, 3000, 1600],
    [1, 1, 1],
  ])('Anthropic: %i×%i is %i tokens', (width, height, tokens) => {
    expect(anthropicImageTokens({ width, height })).toBe(tokens);
  });

  it('reads the size from the picture, and counts the ceiling when it cannot', () => {
    const small = { mediaType: 'image/png' as const, data: encodeSolidPng(200, 200, [1, 2, 3]) };
    const unreadable = { mediaType: 'image/jpeg' as const, data: Buffer.from([0xff, 0xd8, 0xff]) };
    expect(estimateImageTokens([small], 'anthropic')).toBe(54);
    expect(estimateImageTokens([small], 'openai')).toBe(255);
    expect(estimateImageTokens([small], 'deepseek')).toBe(255);
    expect(estimateImageTokens([small, unreadable], 'anthropic')).toBe(54 + 1600);
    expect(estimateImageTokens([unreadable], 'openai')).toBe(1445);
    expect(estimateImageTokens([], 'openai')).toBe(0);
  });

  it('history trimming counts each picture by its own estimate', () => {
    const picture = (side: number) => ({
      mediaType: 'image/png' as const,
      data: encodeSolidPng(side, side, [0, 0, 0]),
    });
    const history: ChatMessage[] = [
      { role: 'user', content: 'big', images: [picture(1000)] },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: 'small', images: [picture(200)] },
      { role: 'assistant', content: 'b' },
    ];
    const perPicture = (image: ImageInput) => estimateImageTokens([image], 'anthropic');
    // Room for the small picture's turn (54 + text) but not the big one's (1334 + text).
    const trimmed = trimHistory(history, 200, perPicture);
    expect(trimmed.messages.map((message) => message.content)).toEqual(['small', 'b']);
    expect(trimHistory(history, 2000, perPicture).messages).toHaveLength(4);
  });
});
