/** Telegram's longest message text, in UTF-16 units. */
export const MESSAGE_LIMIT = 4096;

/**
 * A plain answer as the grammY baseline delivers it: consecutive slices of at most 4,096 characters,
 * each trimmed as Telegram trims message text; empty slices (whitespace only) send nothing.
 * The world expects exactly these parts from that bot, so its final text is the answer, unrendered.
 */
export function plainParts(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += MESSAGE_LIMIT) {
    const part = text.slice(at, at + MESSAGE_LIMIT).trim();
    if (part !== '') parts.push(part);
  }
  return parts;
}
