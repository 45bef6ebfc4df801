/**
 * Splits text into pieces about the size of a model's tokens (a short word with its leading space,
 * or a slice of a long word, or one punctuation mark), so the demo streams like a real model.
 * Joining the pieces gives the text back unchanged.
 */
export function splitIntoTokens(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(?:[\p{L}\p{N}]+|[^\s\p{L}\p{N}])|\s+$/gu;
  for (const match of text.matchAll(pattern)) {
    const piece = match[0];
    const lead = piece.length - piece.trimStart().length;
    const word = piece.slice(lead);
    if (word.length <= 6) {
      tokens.push(piece);
      continue;
    }
    // Long words become several tokens of four characters, as BPE vocabularies split them.
    tokens.push(piece.slice(0, lead + 4));
    for (let i = 4; i < word.length; i += 4) tokens.push(word.slice(i, i + 4));
  }
  return tokens;
}

/** A rough token count for prompts (about four characters per token, as OpenAI's rule of thumb says). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
