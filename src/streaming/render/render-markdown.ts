import { MESSAGE_TEXT_LIMIT, type TelegramText } from '../telegram-text.js';
import { capEntities, normalizeEntities } from './entity-rules.js';
import { graphemeCut, renderStandalone } from './split-block.js';
import { repairStreamingTail } from './streaming-repair.js';

/**
 * Markdown to Telegram text + entities, without splitting: for short bot messages. Longer input
 * is not cut here; use `renderTelegramParts` for answers. With `final: false` the unfinished end
 * is tidied as in streaming. Markdown that renders to nothing but has text is shown as written.
 */
export function renderMarkdown(markdown: string, options: { final: boolean }): TelegramText {
  const doc = options.final ? markdown : repairStreamingTail(markdown);
  const rendered = renderStandalone({ plain: false, contentStart: 0 }, '', doc);
  if (rendered.text.length === 0) {
    const raw = markdown.trim();
    return options.final && /[\p{L}\p{N}]/u.test(raw)
      ? { text: raw, entities: [] }
      : { text: '', entities: [] };
  }
  return {
    text: rendered.text,
    entities: capEntities(rendered.text, normalizeEntities(rendered.text, rendered.entities)),
  };
}

function cutAt(text: string, limit: number): number {
  const floor = Math.floor(limit / 2);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(separator, limit - separator.length);
    if (at > floor) return at;
  }
  return graphemeCut(text, limit);
}

/** Plain text (a notice, an error) in parts of at most `limit`, cut at paragraphs, lines or words. */
export function plainTextParts(text: string, limit: number = MESSAGE_TEXT_LIMIT): TelegramText[] {
  const parts: TelegramText[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (rest.length <= limit) {
      parts.push({ text: rest, entities: [] });
      break;
    }
    const at = cutAt(rest, limit);
    const head = rest.slice(0, at).trim();
    if (head.length > 0) parts.push({ text: head, entities: [] });
    rest = rest.slice(at).trim();
  }
  return parts;
}
