import type { ApiEntity, FormattedText } from '../api-types.js';
import { cantParseEntities } from '../errors.js';
import { sortEntities } from './entities.js';
import { linkEntity } from './links.js';
import { byteOffset, isSpace } from './utf.js';

type Kind =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji';

interface OpenEntity {
  kind: Kind;
  argument: string;
  offset: number;
  byteOffset: number;
}

const RESERVED = '_*[]()~`>#+-=|{}.!';
const TYPES: Partial<Record<Kind, string>> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
};

/**
 * Telegram's MarkdownV2, following TDLib's `parse_markdown_v2` (same error texts), plus `>`
 * blockquotes at the start of a line. Inside code and pre only `` ` `` and `\` are special.
 */
export function parseMarkdownV2(input: string): FormattedText {
  const fail = (message: string): never => {
    throw cantParseEntities(message);
  };
  const n = input.length;
  let out = '';
  const entities: ApiEntity[] = [];
  const stack: OpenEntity[] = [];
  let blockquoteStart: number | undefined;

  for (let i = 0; i < n; i++) {
    const c = input[i] as string;
    const top = stack.at(-1);
    const inCode = top !== undefined && (top.kind === 'Code' || top.kind === 'Pre' || top.kind === 'PreCode');
    const lineStart = i === 0 || input[i - 1] === '\n';

    if (lineStart && !inCode && blockquoteStart !== undefined && c !== '>') {
      closeBlockquote(entities, blockquoteStart, out.length - 1);
      blockquoteStart = undefined;
    }
    if (c === '\\') {
      const next = input.charCodeAt(i + 1);
      if (next > 0 && next <= 126) {
        out += input[++i];
        continue;
      }
    }
    if (lineStart && !inCode && c === '>') {
      blockquoteStart ??= out.length;
      continue;
    }
    const reserved = inCode ? '`' : RESERVED;
    if (!reserved.includes(c)) {
      out += c;
      continue;
    }

    if (top !== undefined && isEndOf(top.kind, input, i)) {
      stack.pop();
      let skip = out.length === top.offset;
      let argument = top.argument;
      switch (top.kind) {
        case 'Underline':
        case 'Spoiler':
          i += 1;
          break;
        case 'Pre':
        case 'PreCode':
          i += 2;
          break;
        case 'TextUrl':
          if (input[i + 1] !== '(') {
            argument = out.slice(top.offset);
          } else {
            i += 2;
            const urlBegin = i;
            argument = '';
            while (i < n && input[i] !== ')') {
              const next = input.charCodeAt(i + 1);
              if (input[i] === '\\' && next > 0 && next <= 126) {
                argument += input[i + 1];
                i += 2;
                continue;
              }
              argument += input[i++];
            }
            if (input[i] !== ')')
              fail(`Can't find end of a URL at byte offset ${byteOffset(input, urlBegin)}`);
          }
          break;
        case 'CustomEmoji': {
          if (input[i + 1] !== '(') fail('Custom emoji entity must contain a tg://emoji URL');
          i += 2;
          const urlBegin = i;
          argument = '';
          while (i < n && input[i] !== ')') argument += input[i++];
          if (input[i] !== ')') {
            fail(`Can't find end of a custom emoji URL at byte offset ${byteOffset(input, urlBegin)}`);
          }
          const id = /^tg:\/\/emoji\?id=([1-9][0-9]*)$/.exec(argument)?.[1];
          if (id === undefined) fail('Invalid custom emoji identifier specified');
          argument = id as string;
          break;
        }
        default:
          break;
      }
      if (skip) continue;
      const offset = top.offset;
      const length = out.length - offset;
      if (top.kind === 'TextUrl') {
        const entity = linkEntity(offset, length, argument);
        skip = entity === undefined;
        if (entity !== undefined) entities.push(entity);
      } else if (top.kind === 'CustomEmoji') {
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: argument });
      } else if (top.kind === 'Pre') {
        entities.push({ type: 'pre', offset, length });
      } else if (top.kind === 'PreCode') {
        entities.push({ type: 'pre', offset, length, language: argument });
      } else {
        entities.push({ type: TYPES[top.kind] as string, offset, length });
      }
      continue;
    }

    const entityByteOffset = byteOffset(input, i);
    let kind: Kind;
    let argument = '';
    const reservedError = `Character '${c}' is reserved and must be escaped with the preceding '\\'`;
    switch (c) {
      case '_':
        if (input[i + 1] === '_') {
          kind = 'Underline';
          i++;
        } else {
          kind = 'Italic';
        }
        break;
      case '*':
        kind = 'Bold';
        break;
      case '~':
        kind = 'Strikethrough';
        break;
      case '|':
        if (input[i + 1] !== '|') fail(reservedError);
        i++;
        kind = 'Spoiler';
        break;
      case '[':
        kind = 'TextUrl';
        break;
      case '!':
        if (input[i + 1] !== '[') fail(reservedError);
        i++;
        kind = 'CustomEmoji';
        break;
      case '`':
        if (input[i + 1] === '`' && input[i + 2] === '`') {
          i += 3;
          kind = 'Pre';
          let languageEnd = i;
          while (languageEnd < n && !isSpace(input[languageEnd]) && input[languageEnd] !== '`') languageEnd++;
          if (i !== languageEnd && languageEnd < n && input[languageEnd] !== '`') {
            kind = 'PreCode';
            argument = input.slice(i, languageEnd);
            i = languageEnd;
          }
          const current = input[i];
          const next = input[i + 1];
          if (current === '\n' || current === '\r') {
            i += (next === '\n' || next === '\r') && current !== next ? 2 : 1;
          }
          i--;
        } else {
          kind = 'Code';
        }
        break;
      default:
        return fail(reservedError);
    }
    stack.push({ kind, argument, offset: out.length, byteOffset: entityByteOffset });
  }

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    fail(`Can't find end of ${unclosed.kind} entity at byte offset ${unclosed.byteOffset}`);
  }
  if (blockquoteStart !== undefined) closeBlockquote(entities, blockquoteStart, out.length);
  return { text: out, entities: sortEntities(entities) };
}

function isEndOf(kind: Kind, input: string, i: number): boolean {
  const c = input[i];
  switch (kind) {
    case 'Bold':
      return c === '*';
    case 'Italic':
      return c === '_' && input[i + 1] !== '_';
    case 'Underline':
      return c === '_' && input[i + 1] === '_';
    case 'Strikethrough':
      return c === '~';
    case 'Spoiler':
      return c === '|' && input[i + 1] === '|';
    case 'Code':
      return c === '`';
    case 'Pre':
    case 'PreCode':
      return c === '`' && input[i + 1] === '`' && input[i + 2] === '`';
    case 'TextUrl':
    case 'CustomEmoji':
      return c === ']';
  }
}

function closeBlockquote(entities: ApiEntity[], start: number, end: number): void {
  if (end > start) entities.push({ type: 'blockquote', offset: start, length: end - start });
}
