import type { ApiEntity } from '../api-types.js';
import { sortEntities } from './entities.js';

const WORD = /[\p{L}\p{N}_]/u;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD.test(char);
}

/**
 * The entities Telegram finds by itself in what a user types, following TDLib's matchers:
 * `/command` and `/command@botname` (1–64 and 3–32 characters, not glued to a word, `/`, `<` or `>`),
 * `@username` mentions (4–32 characters), `#hashtags` and `http(s)://` links.
 */
export function detectEntities(text: string): ApiEntity[] {
  const entities: ApiEntity[] = [];
  for (const match of text.matchAll(/\/([A-Za-z0-9_]{1,64})(@[A-Za-z0-9_]{3,32})?/g)) {
    const start = match.index;
    const end = start + match[0].length;
    const before = text[start - 1];
    const after = text[end];
    if (isWordChar(before) || before === '/' || before === '<' || before === '>') continue;
    if (isWordChar(after) || after === '/' || after === '<' || after === '>' || after === '@') continue;
    entities.push({ type: 'bot_command', offset: start, length: end - start });
  }
  for (const match of text.matchAll(/@([A-Za-z0-9_]{4,32})/g)) {
    const start = match.index;
    const end = start + match[0].length;
    if (isWordChar(text[start - 1]) || isWordChar(text[end]) || text[start - 1] === '/') continue;
    if (entities.some((e) => e.offset <= start && start < e.offset + e.length)) continue;
    entities.push({ type: 'mention', offset: start, length: end - start });
  }
  for (const match of text.matchAll(/#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu)) {
    const start = match.index;
    if (isWordChar(text[start - 1])) continue;
    entities.push({ type: 'hashtag', offset: start, length: match[0].length });
  }
  for (const match of text.matchAll(/https?:\/\/[^\s<>"«»]+/g)) {
    let url = match[0];
    while (/[.:;,('?!`]$/.test(url)) url = url.slice(0, -1);
    entities.push({ type: 'url', offset: match.index, length: url.length });
  }
  return sortEntities(entities);
}
