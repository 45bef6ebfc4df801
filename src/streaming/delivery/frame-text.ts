import type { TelegramEntity, TelegramText } from '../telegram-text.js';
import type { SourceCursor } from './types.js';

export function sameTelegramText(a: TelegramText | undefined, b: TelegramText | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.text !== b.text || a.entities.length !== b.entities.length) return false;
  return a.entities.every((entity, index) => sameEntity(entity, b.entities[index]));
}

function sameEntity(a: TelegramEntity, b: TelegramEntity | undefined): boolean {
  if (!b || a.type !== b.type || a.offset !== b.offset || a.length !== b.length) return false;
  if (a.type === 'pre' && b.type === 'pre') return a.language === b.language;
  if (a.type === 'text_link' && b.type === 'text_link') return a.url === b.url;
  return true;
}

export function isBlank(text: TelegramText): boolean {
  return text.text.trim() === '';
}

export function italic(text: string): TelegramText {
  return { text, entities: text.length > 0 ? [{ type: 'italic', offset: 0, length: text.length }] : [] };
}

/** Edit mode's stand-in while only reasoning arrives; changes once a second at most, so frames stay rare. */
export function thinkingLine(elapsedMs: number): TelegramText {
  return italic(`Thinking… ${Math.max(0, Math.floor(elapsedMs / 1000))} s`);
}

/**
 * The notice goes on its own italic line at the end of the last part, or into a part of its own
 * when the last part has no room left.
 */
export function appendNotice(parts: TelegramText[], notice: string, limit: number): TelegramText[] {
  const line = notice.trim().slice(0, limit);
  if (line === '') return parts;
  const last = parts.at(-1);
  const separator = '\n\n';
  if (!last || last.text.length + separator.length + line.length > limit) return [...parts, italic(line)];
  const offset = last.text.length + separator.length;
  return [
    ...parts.slice(0, -1),
    {
      text: last.text + separator + line,
      entities: [...last.entities, { type: 'italic', offset, length: line.length }],
    },
  ];
}

/**
 * A cursor that starts near the end of the reasoning, at a line start when one is close: a draft shows
 * only the latest reasoning, and rendering it costs the same however long the reasoning grows.
 */
export function reasoningTailCursor(reasoning: string, tailChars: number): SourceCursor {
  let offset = Math.max(0, reasoning.length - tailChars);
  if (offset > 0) {
    const lineStart = reasoning.indexOf('\n', offset);
    if (lineStart >= 0 && lineStart - offset < tailChars / 4) offset = lineStart + 1;
    // Never start inside a surrogate pair.
    const code = reasoning.charCodeAt(offset);
    if (code >= 0xdc00 && code <= 0xdfff) offset += 1;
  }
  return { reasoningOffset: offset, textOffset: 0, prefix: '' };
}
