/** Roughly what a chat message costs beyond its text (role markers, separators). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * A tokenizer-free estimate of the tokens in `text`, on the generous side so a trimmed prompt fits:
 * about four ASCII characters per token, one per CJK character, two per other character.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) ascii += 1;
    else if (isWide(code)) wide += 1;
    else other += 1;
  }
  return Math.ceil(ascii / 4 + wide + other / 2);
}

function isWide(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) || // CJK radicals, kana, ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) ||
    code >= 0x1f000 // emoji and other astral symbols
  );
}
