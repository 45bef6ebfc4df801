import { MESSAGE_ENTITY_LIMIT, MESSAGE_TEXT_LIMIT, type TelegramText } from '../telegram-text.js';

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Everything Telegram would reject, silently drop or misrender in a rendered text, as readable
 * problems (an empty list means valid). Used by tests here and by delivery's tests.
 */
export function telegramTextProblems(value: TelegramText, limit: number = MESSAGE_TEXT_LIMIT): string[] {
  const problems: string[] = [];
  const { text, entities } = value;
  if (text.trim().length === 0) problems.push('text is empty');
  if (text.length > limit) problems.push(`text is ${text.length} long, over ${limit}`);
  // Telegram trims the end, and the start up to the first entity: code may start with indentation.
  const firstEntity = Math.min(text.length, ...entities.map((entity) => entity.offset));
  if (text !== text.trimEnd() || /^\s/.test(text.slice(0, firstEntity))) problems.push('text is not trimmed');
  if (entities.length > MESSAGE_ENTITY_LIMIT) problems.push(`${entities.length} entities`);
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const stack: typeof sorted = [];
  for (const entity of sorted) {
    const name = `${entity.type}@${entity.offset}+${entity.length}`;
    const stop = entity.offset + entity.length;
    if (!Number.isInteger(entity.offset) || !Number.isInteger(entity.length))
      problems.push(`${name}: not integer`);
    if (entity.length <= 0) problems.push(`${name}: empty`);
    if (entity.offset < 0 || stop > text.length) problems.push(`${name}: out of range`);
    if (
      isLowSurrogate(text.charCodeAt(entity.offset)) ||
      (stop < text.length && isLowSurrogate(text.charCodeAt(stop)))
    ) {
      problems.push(`${name}: cuts a surrogate pair`);
    }
    if (text.slice(entity.offset, stop).trim().length === 0) problems.push(`${name}: only whitespace`);
    if (entity.type === 'text_link' && !/^(https?|tg|mailto):/i.test(entity.url))
      problems.push(`${name}: bad url`);
    if (entity.type === 'pre' && entity.language !== undefined && !/^[\w+#.-]+$/.test(entity.language)) {
      problems.push(`${name}: bad language`);
    }
    while (
      stack.length > 0 &&
      stack[stack.length - 1]!.offset + stack[stack.length - 1]!.length <= entity.offset
    ) {
      stack.pop();
    }
    for (const outer of stack) {
      const outerName = `${outer.type}@${outer.offset}+${outer.length}`;
      if (stop > outer.offset + outer.length) problems.push(`${name} crosses ${outerName}`);
      if (outer.type === 'pre' || outer.type === 'code') problems.push(`${name} inside ${outerName}`);
      if (outer.type === entity.type) problems.push(`${name} nested in same type`);
      const quote = (t: string): boolean => t === 'blockquote' || t === 'expandable_blockquote';
      if (quote(entity.type) && (quote(outer.type) || outer.type === 'text_link')) {
        problems.push(`${name} nested in ${outerName}`);
      }
      if ((entity.type === 'pre' || entity.type === 'code') && !quote(outer.type)) {
        problems.push(`${name} inside ${outerName}`);
      }
      if (entity.type === 'text_link' && outer.type === 'text_link') problems.push(`${name} in a link`);
    }
    stack.push(entity);
  }
  return problems;
}
