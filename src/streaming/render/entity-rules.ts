import { MESSAGE_ENTITY_LIMIT, type TelegramEntity, type TelegramText } from '../telegram-text.js';

type EntityType = TelegramEntity['type'];

const SPLITTABLE = new Set<EntityType>(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);
const PRE_LIKE = new Set<EntityType>(['pre', 'code']);
const QUOTES = new Set<EntityType>(['blockquote', 'expandable_blockquote']);

// Outer entities sort first when two start together and have the same length.
const NESTING_RANK: Record<EntityType, number> = {
  blockquote: 0,
  expandable_blockquote: 0,
  text_link: 1,
  pre: 2,
  code: 2,
  bold: 3,
  italic: 4,
  underline: 5,
  strikethrough: 6,
  spoiler: 7,
};

/**
 * Which entities go first when a part carries more than Telegram honours: emphasis that costs the
 * reader least goes first; code blocks and quotes, which carry meaning, go last.
 */
const DROP_ORDER: EntityType[] = [
  'italic',
  'strikethrough',
  'underline',
  'code',
  'bold',
  'spoiler',
  'text_link',
  'pre',
  'blockquote',
  'expandable_blockquote',
];

const end = (entity: TelegramEntity): number => entity.offset + entity.length;

function compareEntities(a: TelegramEntity, b: TelegramEntity): number {
  return a.offset - b.offset || end(b) - end(a) || NESTING_RANK[a.type] - NESTING_RANK[b.type];
}

export function sortEntities(entities: TelegramEntity[]): TelegramEntity[] {
  return entities.sort(compareEntities);
}

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0 || code === 0x200b;

function trimRange(text: string, from: number, to: number): [number, number] {
  let start = from;
  let stop = to;
  while (start < stop && isSpace(text.charCodeAt(start))) start++;
  while (stop > start && isSpace(text.charCodeAt(stop - 1))) stop--;
  return [start, stop];
}

function withRange(entity: TelegramEntity, offset: number, length: number): TelegramEntity {
  return { ...entity, offset, length };
}

/**
 * Brings entities into the shape Telegram keeps as sent: inside the text, not empty, not only
 * whitespace, properly nested, nothing inside `pre`/`code`, `pre`/`code` only inside quotes (bold
 * and friends are split around code instead), no quote inside a quote or a link, no entity inside
 * one of its own type.
 */
export function normalizeEntities(text: string, input: readonly TelegramEntity[]): TelegramEntity[] {
  const trimmed: TelegramEntity[] = [];
  for (const entity of input) {
    const from = Math.max(0, entity.offset);
    const to = Math.min(text.length, end(entity));
    if (to <= from) continue;
    const [start, stop] = trimRange(text, from, to);
    if (stop <= start) continue;
    // Code keeps its spaces: they are part of what the reader copies.
    const range = PRE_LIKE.has(entity.type) ? [from, to] : [start, stop];
    trimmed.push(withRange(entity, range[0]!, range[1]! - range[0]!));
  }
  sortEntities(trimmed);

  const kept: TelegramEntity[] = [];
  const holes = new Map<TelegramEntity, [number, number][]>();
  const stack: TelegramEntity[] = [];
  for (const entity of trimmed) {
    while (stack.length > 0 && end(stack[stack.length - 1]!) <= entity.offset) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && end(entity) > end(parent)) continue; // crossing: never produced, never sent
    if (stack.some((outer) => PRE_LIKE.has(outer.type))) continue;
    if (stack.some((outer) => outer.type === entity.type)) continue;
    if (
      QUOTES.has(entity.type) &&
      stack.some((outer) => QUOTES.has(outer.type) || outer.type === 'text_link')
    ) {
      continue;
    }
    if (PRE_LIKE.has(entity.type)) {
      if (stack.some((outer) => outer.type === 'text_link')) continue;
      for (const outer of stack) {
        if (SPLITTABLE.has(outer.type)) {
          const list = holes.get(outer) ?? [];
          list.push([entity.offset, end(entity)]);
          holes.set(outer, list);
        }
      }
    }
    kept.push(entity);
    stack.push(entity);
  }

  const result: TelegramEntity[] = [];
  for (const entity of kept) {
    const cuts = holes.get(entity);
    if (!cuts) {
      result.push(entity);
      continue;
    }
    let cursor = entity.offset;
    for (const [holeStart, holeEnd] of [...cuts, [end(entity), end(entity)] as [number, number]]) {
      const [start, stop] = trimRange(text, cursor, holeStart);
      if (stop > start) result.push(withRange(entity, start, stop - start));
      cursor = Math.max(cursor, holeEnd);
    }
  }
  return sortEntities(result);
}

/** Joins neighbours of one kind separated only by whitespace (`**a** **b**`): same look, one entity. */
function mergeNeighbours(text: string, entities: TelegramEntity[]): TelegramEntity[] {
  const parentOf = new Map<TelegramEntity, TelegramEntity | undefined>();
  const stack: TelegramEntity[] = [];
  for (const entity of entities) {
    while (stack.length > 0 && end(stack[stack.length - 1]!) <= entity.offset) stack.pop();
    parentOf.set(entity, stack[stack.length - 1]);
    stack.push(entity);
  }
  const removed = new Set<TelegramEntity>();
  const lastOfKind = new Map<string, TelegramEntity>();
  const merged = new Map<TelegramEntity, TelegramEntity>();
  for (const entity of entities) {
    if (!SPLITTABLE.has(entity.type) && entity.type !== 'text_link') continue;
    const key = `${entity.type}\u0000${entity.type === 'text_link' ? entity.url : ''}`;
    const previous = lastOfKind.get(key);
    const current = previous ? (merged.get(previous) ?? previous) : undefined;
    if (
      previous &&
      current &&
      parentOf.get(previous) === parentOf.get(entity) &&
      end(current) <= entity.offset &&
      text.slice(end(current), entity.offset).trim() === ''
    ) {
      const grown = withRange(current, current.offset, end(entity) - current.offset);
      merged.set(previous, grown);
      removed.add(entity);
      continue;
    }
    lastOfKind.set(key, entity);
  }
  return sortEntities(entities.filter((entity) => !removed.has(entity)).map((e) => merged.get(e) ?? e));
}

/**
 * Keeps a part within Telegram's entity budget: first merge look-alike neighbours, then drop the
 * least important types, latest first, so what the reader already saw keeps its formatting.
 */
export function capEntities(
  text: string,
  entities: TelegramEntity[],
  limit: number = MESSAGE_ENTITY_LIMIT,
): TelegramEntity[] {
  if (entities.length <= limit) return entities;
  let result = mergeNeighbours(text, entities);
  for (const type of DROP_ORDER) {
    if (result.length <= limit) break;
    const excess = result.length - limit;
    const ofType = result.filter((entity) => entity.type === type);
    const dropped = new Set(ofType.slice(Math.max(0, ofType.length - excess)));
    result = result.filter((entity) => !dropped.has(entity));
  }
  return result;
}

/** Normalizes, caps and returns a copy ready to send. */
export function finalizeText(text: string, entities: readonly TelegramEntity[]): TelegramText {
  return { text, entities: capEntities(text, normalizeEntities(text, entities)) };
}
