import type { ApiEntity, FormattedText } from '../api-types.js';
import { cantParseEntities } from '../errors.js';
import { sortEntities } from './entities.js';
import { linkEntity } from './links.js';
import { byteOffset, isSpace } from './utf.js';

/** Telegram's legacy `Markdown` mode, following TDLib's `parse_markdown`: `*bold* _italic_ `code` ```pre``` [text](url)`. */
export function parseLegacyMarkdown(input: string): FormattedText {
  const n = input.length;
  let out = '';
  const entities: ApiEntity[] = [];
  for (let i = 0; i < n; i++) {
    const c = input[i] as string;
    if (c === '\\' && '_*`['.includes(input[i + 1] ?? 'x')) {
      out += input[++i];
      continue;
    }
    if (!'_*`['.includes(c)) {
      out += c;
      continue;
    }
    const begin = i;
    const endCharacter = c === '[' ? ']' : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === '`' && input[i] === '`' && input[i + 1] === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (languageEnd < n && !isSpace(input[languageEnd]) && input[languageEnd] !== '`') languageEnd++;
      if (i !== languageEnd && languageEnd < n && input[languageEnd] !== '`') {
        language = input.slice(i, languageEnd);
        i = languageEnd;
      }
      const current = input[i];
      const next = input[i + 1];
      if (current === '\n' || current === '\r') {
        i += (next === '\n' || next === '\r') && current !== next ? 2 : 1;
      }
    }
    const offset = out.length;
    while (
      i < n &&
      (input[i] !== endCharacter || (isPre && !(input[i + 1] === '`' && input[i + 2] === '`')))
    ) {
      out += input[i++];
    }
    if (i >= n) {
      throw cantParseEntities(
        `Can't find end of the entity starting at byte offset ${byteOffset(input, begin)}`,
      );
    }
    const length = out.length - offset;
    if (length > 0) {
      if (c === '_') entities.push({ type: 'italic', offset, length });
      else if (c === '*') entities.push({ type: 'bold', offset, length });
      else if (c === '`') {
        if (!isPre) entities.push({ type: 'code', offset, length });
        else
          entities.push(
            language === '' ? { type: 'pre', offset, length } : { type: 'pre', offset, length, language },
          );
      } else {
        let url = out.slice(offset);
        if (input[i + 1] === '(') {
          i += 2;
          url = '';
          while (i < n && input[i] !== ')') url += input[i++];
        }
        const entity = linkEntity(offset, length, url);
        if (entity !== undefined) entities.push(entity);
      }
    }
    if (isPre) i += 2;
  }
  return { text: out, entities: sortEntities(entities) };
}
