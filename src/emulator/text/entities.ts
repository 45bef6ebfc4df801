import type { ApiEntity, FormattedText } from '../api-types.js';
import { cantParseEntities } from '../errors.js';
import { isSpace } from './utf.js';

/** Telegram honours at most this many entities and silently drops the rest. */
export const ENTITY_LIMIT = 100;

const ENTITY_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
]);

/**
 * Checks entities a bot passed explicitly. Out-of-range offsets fail loudly (a bug in the caller's
 * UTF-16 arithmetic should surface in tests); zero-length entities are dropped, as TDLib does.
 */
export function validateExplicitEntities(text: string, raw: unknown): ApiEntity[] {
  if (!Array.isArray(raw)) throw cantParseEntities('entities must be an Array of MessageEntity');
  const result: ApiEntity[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) throw cantParseEntities('MessageEntity must be an Object');
    const entity = item as Record<string, unknown>;
    const { type, offset, length } = entity;
    if (typeof type !== 'string' || !ENTITY_TYPES.has(type)) {
      throw cantParseEntities(`unsupported entity type "${String(type)}"`);
    }
    if (!Number.isInteger(offset) || !Number.isInteger(length)) {
      throw cantParseEntities('entity offset and length must be Integers');
    }
    const start = offset as number;
    const size = length as number;
    if (start < 0 || size < 0 || start + size > text.length) {
      throw cantParseEntities(
        `entity ${type} at offset ${start} with length ${size} is outside the text (UTF-16 length ${text.length})`,
      );
    }
    if (size === 0) continue;
    const clean: ApiEntity = { type, offset: start, length: size };
    if (type === 'text_link') {
      if (typeof entity.url !== 'string' || entity.url === '')
        throw cantParseEntities('text_link entity needs a url');
      clean.url = entity.url;
    }
    if (type === 'pre' && typeof entity.language === 'string' && entity.language !== '') {
      clean.language = entity.language;
    }
    if (type === 'custom_emoji') {
      if (typeof entity.custom_emoji_id !== 'string')
        throw cantParseEntities('custom_emoji entity needs an id');
      clean.custom_emoji_id = entity.custom_emoji_id;
    }
    if (type === 'text_mention') {
      if (typeof entity.user !== 'object' || entity.user === null) {
        throw cantParseEntities('text_mention entity needs a user');
      }
      clean.user = entity.user as NonNullable<ApiEntity['user']>;
    }
    result.push(clean);
  }
  return result;
}

/** TDLib's order: by offset, longer (outer) entities first. */
export function sortEntities(entities: ApiEntity[]): ApiEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/**
 * What Telegram stores after parsing: surrounding whitespace trimmed (leading whitespace only up to
 * the first entity, so an indented code block survives), entities clipped to the trimmed text,
 * empty ones dropped, sorted, and only the first 100 kept.
 */
export function normalizeFormattedText(input: FormattedText): FormattedText {
  const { text } = input;
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) end--;
  const firstEntityStart = input.entities.reduce((min, e) => Math.min(min, e.offset), end);
  let start = 0;
  while (start < firstEntityStart && start < end && isSpace(text[start])) start++;

  const entities: ApiEntity[] = [];
  for (const entity of input.entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to <= from) continue;
    entities.push({ ...entity, offset: from - start, length: to - from });
  }
  sortEntities(entities);
  return { text: text.slice(start, end), entities: entities.slice(0, ENTITY_LIMIT) };
}

/** Canonical form for "is this the same content" checks (key order and optional fields normalised). */
export function entitiesKey(entities: readonly ApiEntity[]): string {
  return JSON.stringify(
    entities.map((e) => [
      e.type,
      e.offset,
      e.length,
      e.url ?? null,
      e.language ?? null,
      e.custom_emoji_id ?? null,
    ]),
  );
}
