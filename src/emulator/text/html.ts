import type { ApiEntity, FormattedText } from '../api-types.js';
import { cantParseEntities } from '../errors.js';
import { sortEntities } from './entities.js';
import { linkEntity } from './links.js';
import { byteOffset, isSpace } from './utf.js';

const SUPPORTED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const SIMPLE_TAG_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
};

interface OpenTag {
  tag: string;
  argument: string;
  expandable: boolean;
  offset: number;
}

/**
 * Telegram's HTML parse mode, following TDLib's `parse_html` (same error texts, byte offsets in
 * UTF-8). Like TDLib, an `&` that does not start a known entity (`&lt; &gt; &amp; &quot; &#N; &#xN;`)
 * stays a literal `&`; a `<` that does not start a supported tag is an error.
 */
export function parseHtml(input: string): FormattedText {
  const fail = (message: string): never => {
    throw cantParseEntities(message);
  };
  const at = (index: number) => byteOffset(input, index);
  const n = input.length;
  let out = '';
  const entities: ApiEntity[] = [];
  const stack: OpenTag[] = [];

  for (let i = 0; i < n; i++) {
    const c = input[i];
    if (c === '&') {
      const decoded = decodeHtmlEntity(input, i);
      if (decoded !== undefined) {
        out += decoded.char;
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      continue;
    }

    const begin = i++;
    if (i >= n || input[i] !== '/') {
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${at(begin)}`);
      const tag = input.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${at(begin)}`);

      let argument = '';
      let expandable = false;
      while (i < n && input[i] !== '>') {
        while (i < n && isSpace(input[i])) i++;
        if (i >= n || input[i] === '>') break;
        const nameBegin = i;
        while (i < n && !isSpace(input[i]) && input[i] !== '=' && input[i] !== '>') i++;
        const name = input.slice(nameBegin, i).toLowerCase();
        if (name === '') fail(`Empty attribute name in the tag "${tag}" at byte offset ${at(begin)}`);
        while (i < n && isSpace(input[i])) i++;
        if (input[i] !== '=') {
          if (tag === 'blockquote' && name === 'expandable') {
            expandable = true;
            continue;
          }
          if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${at(begin)}`);
          fail(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at(begin)}`,
          );
        }
        i++;
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${at(begin)}`);

        let value = '';
        const quote = input[i];
        if (quote !== '"' && quote !== "'") {
          const tokenBegin = i;
          while (i < n && /[A-Za-z0-9.-]/.test(input[i] as string)) i++;
          value = input.slice(tokenBegin, i).toLowerCase();
          if (i < n && !isSpace(input[i]) && input[i] !== '>') {
            fail(`Unexpected end of name token at byte offset ${at(tokenBegin)}`);
          }
        } else {
          i++;
          while (i < n && input[i] !== quote) {
            if (input[i] === '&') {
              const decoded = decodeHtmlEntity(input, i);
              if (decoded !== undefined) {
                value += decoded.char;
                i = decoded.end;
                continue;
              }
            }
            value += input[i++];
          }
          if (input[i] === quote) i++;
        }
        if (i >= n) fail(`Unclosed start tag at byte offset ${at(begin)}`);

        if (tag === 'a' && name === 'href') argument = value;
        else if (tag === 'code' && name === 'class' && value.startsWith('language-'))
          argument = value.slice(9);
        else if (tag === 'span' && name === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tag === 'tg-emoji' && name === 'emoji-id') argument = value;
      }
      if (tag === 'span' && argument !== 'spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at(begin)}`);
      }
      stack.push({ tag, argument, expandable, offset: out.length });
      continue;
    }

    // An end tag: `i` is at the '/'.
    const open = stack.at(-1);
    if (open === undefined) fail(`Unexpected end tag at byte offset ${at(begin)}`);
    while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
    const endTag = input.slice(begin + 2, i).toLowerCase();
    while (i < n && isSpace(input[i])) i++;
    if (input[i] !== '>') fail(`Unclosed end tag at byte offset ${at(begin)}`);
    const tag = (open as OpenTag).tag;
    if (endTag !== '' && endTag !== tag) {
      fail(`Unmatched end tag at byte offset ${at(begin)}, expected "</${tag}>", found "</${endTag}>"`);
    }
    stack.pop();
    closeTag(open as OpenTag, out, entities);
  }

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag ${unclosed.tag}`);
  return { text: out, entities: sortEntities(entities) };
}

function closeTag(open: OpenTag, out: string, entities: ApiEntity[]): void {
  const offset = open.offset;
  const length = out.length - offset;
  if (length <= 0) return;
  const simple = SIMPLE_TAG_TYPES[open.tag];
  if (simple !== undefined) {
    entities.push({ type: simple, offset, length });
    return;
  }
  const last = entities.at(-1);
  const sameRange = last !== undefined && last.offset === offset && last.length === length;
  switch (open.tag) {
    case 'a': {
      const entity = linkEntity(offset, length, open.argument === '' ? out.slice(offset) : open.argument);
      if (entity !== undefined) entities.push(entity);
      return;
    }
    case 'tg-emoji':
      if (!/^[1-9][0-9]*$/.test(open.argument)) {
        throw cantParseEntities('Invalid custom emoji identifier specified');
      }
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
      return;
    case 'blockquote':
      entities.push({ type: open.expandable ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    case 'pre':
      // <pre><code class="language-x">: the inner code closed first and carries the language.
      if (sameRange && last.type === 'code') {
        last.type = 'pre';
        return;
      }
      entities.push({ type: 'pre', offset, length });
      return;
    case 'code':
      if (sameRange && last.type === 'pre') {
        if (open.argument !== '') last.language = open.argument;
        return;
      }
      entities.push(
        open.argument === ''
          ? { type: 'code', offset, length }
          : { type: 'code', offset, length, language: open.argument },
      );
      return;
  }
}

/** TDLib's `decode_html_entity`: only four named entities and numeric ones; `;` is optional. */
function decodeHtmlEntity(input: string, position: number): { char: string; end: number } | undefined {
  let end = position + 1;
  let code = 0;
  if (input[end] === '#') {
    end++;
    if (input[end] === 'x') {
      end++;
      while (end < input.length && /[0-9a-fA-F]/.test(input[end] as string)) {
        code = code * 16 + Number.parseInt(input[end] as string, 16);
        end++;
      }
    } else {
      while (end < input.length && /[0-9]/.test(input[end] as string)) {
        code = code * 10 + Number(input[end]);
        end++;
      }
    }
    if (code === 0 || code >= 0x10ffff || end - position >= 10) return undefined;
  } else {
    while (end < input.length && /[A-Za-z]/.test(input[end] as string)) end++;
    const name = input.slice(position + 1, end);
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const value = named[name];
    if (value === undefined) return undefined;
    code = value;
  }
  if (input[end] === ';') end++;
  return { char: String.fromCodePoint(code), end };
}
