import { MESSAGE_TEXT_LIMIT, type TelegramEntity, type TelegramText } from '../telegram-text.js';
import { capEntities, normalizeEntities } from './entity-rules.js';
import {
  allDefinitions,
  createFlowDoc,
  cursorAt,
  type FlowBlock,
  type FlowDoc,
  type FlowSpec,
  flowBlocks,
} from './flow-doc.js';
import type { RenderedBlock } from './render-blocks.js';
import {
  forceSplitBlock,
  graphemeCut,
  isSettled,
  renderStandalone,
  sliceRendered,
  splitBlock,
} from './split-block.js';
import { repairStreamingTail } from './streaming-repair.js';
import type { AnswerSource, RenderedPart, RenderPartsOptions, SourceCursor } from './types.js';

const SEPARATOR = '\n\n';
const MIN_LIMIT = 32;
// Below this much room left in a part, a long block starts a fresh part instead of being cut to fit.
const MIN_ROOM = 0.25;

interface Entry {
  kind: FlowDoc['kind'] | 'record';
  rendered: RenderedBlock;
  /** Set when the entry is a whole block still being written (re-rendered with repairs at the end). */
  growing?: FlowBlock;
  /** The whole block this entry shows, when it is one (not the head of a cut). */
  block?: FlowBlock;
}

interface Draft {
  entries: Entry[];
  length: number;
  end?: SourceCursor;
}

function draftLength(entries: Entry[]): number {
  return entries.reduce(
    (sum, entry, index) => sum + entry.rendered.text.length + (index > 0 ? SEPARATOR.length : 0),
    0,
  );
}

function assemble(entries: Entry[], reasoning: RenderPartsOptions['reasoning']): TelegramText {
  let text = '';
  const entities: TelegramEntity[] = [];
  // Consecutive entries of a quoted kind (reasoning, the record) share one quote.
  let quote: { kind: Entry['kind']; start: number } | undefined;
  const quoteType = (kind: Entry['kind']) =>
    kind === 'record' || reasoning === 'collapsed' ? 'expandable_blockquote' : 'blockquote';
  const closeQuote = () => {
    if (quote)
      entities.push({ type: quoteType(quote.kind), offset: quote.start, length: text.length - quote.start });
    quote = undefined;
  };
  for (const entry of entries) {
    if (entry.rendered.text.length === 0) continue;
    if (quote && entry.kind !== quote.kind) closeQuote();
    if (text.length > 0) text += SEPARATOR;
    if (!quote && entry.kind !== 'answer') quote = { kind: entry.kind, start: text.length };
    for (const entity of entry.rendered.entities)
      entities.push({ ...entity, offset: entity.offset + text.length });
    text += entry.rendered.text;
  }
  closeQuote();
  return { text, entities: capEntities(text, normalizeEntities(text, entities)) };
}

/** Cuts an over-long in-progress part for display only; it is never committed in this shape. */
function truncate(part: TelegramText, limit: number): TelegramText {
  if (part.text.length <= limit) return part;
  let at = limit - 1;
  const blank = part.text.lastIndexOf(' ', at);
  if (blank > limit * 0.8) at = blank;
  at = graphemeCut(part.text, at);
  const head = sliceRendered(part, 0, at);
  const text = `${head.text}…`;
  return { text, entities: capEntities(text, normalizeEntities(text, head.entities)) };
}

/** Re-renders the block still being written with its unfinished tail tidied (see streaming-repair). */
function repairGrowing(entry: Entry): RenderedBlock {
  const block = entry.growing!;
  const flow = block.flow;
  // The growing block is the flow's last: the repair works on the flow's own parse, and most
  // frames (a word half typed) need no repair and keep the block's rendering as it is.
  const repaired = repairStreamingTail(flow.doc, flow.root);
  if (repaired === flow.doc) return entry.rendered;
  return renderStandalone(flow, allDefinitions(flow), repaired.slice(block.start), block.start);
}

/**
 * The cursor's prefix belongs to the reasoning while the reasoning is not used up. A cursor at
 * the very end of the reasoning still carrying a prefix (the rest of a cut that had to be carried
 * as text) also continues the reasoning: answer cursors with a prefix always point past the
 * answer's start.
 */
function isReasoningPhase(reasoning: string, from: SourceCursor): boolean {
  if (from.reasoningOffset < reasoning.length) return true;
  return (
    reasoning.length > 0 &&
    from.reasoningOffset === reasoning.length &&
    from.textOffset === 0 &&
    from.prefix.length > 0
  );
}

function flowSpecs(source: AnswerSource, from: SourceCursor, options: RenderPartsOptions): FlowSpec[] {
  const reasoning = source.reasoning ?? '';
  const inReasoning = isReasoningPhase(reasoning, from);
  const answer = source.text.slice(Math.min(from.textOffset, source.text.length));
  const specs: FlowSpec[] = [];
  if (inReasoning && options.reasoning !== 'hidden') {
    specs.push({
      kind: 'reasoning',
      doc: from.prefix + reasoning.slice(from.reasoningOffset),
      contentStart: from.prefix.length,
      sourceBase: from.reasoningOffset,
      // Once the answer has begun, the thinking is done.
      streaming: !options.final && answer.trim().length === 0,
      plain: true,
    });
  }
  const answerPrefix = inReasoning ? '' : from.prefix;
  if (answer.trim().length > 0 || (!inReasoning && answerPrefix.length > 0)) {
    specs.push({
      kind: 'answer',
      doc: answerPrefix + answer,
      contentStart: answerPrefix.length,
      sourceBase: Math.min(from.textOffset, source.text.length),
      streaming: !options.final,
      plain: false,
    });
  }
  return specs;
}

/** Parses and renders a flow's top-level blocks; the incremental renderer reuses earlier work. */
export type BlockSource = (spec: FlowSpec) => FlowBlock[];

const freshBlocks: BlockSource = (spec) => flowBlocks(createFlowDoc(spec));

/**
 * Renders the answer from `from` on into Telegram parts of at most `limit` UTF-16 units each.
 *
 * - Parts break between top-level blocks; a block longer than a part is cut inside (code between
 *   lines and reopened with its language, lists between items, quotes between paragraphs, tables
 *   between rows with the header repeated, text at a line, sentence, word or letter boundary).
 * - Every part but the last is complete: its `end` cursor is settled (text exists beyond it), and
 *   rendering from that cursor yields exactly the parts that follow. Commit those, keep the last.
 * - While streaming, the end of the text is tidied (unclosed `**`, `` ` ``, links, fence lines)
 *   and the last part is shortened with `…` if no settled cut exists yet.
 * - Reasoning comes first, as a quote (`quote`) or expandable quote (`collapsed`), text only.
 * - Returns `[]` when nothing visible is left from the cursor.
 */
export function renderTelegramParts(
  source: AnswerSource,
  from: SourceCursor,
  options: RenderPartsOptions,
): RenderedPart[] {
  return renderPartsFrom(source, from, options, freshBlocks);
}

export function renderPartsFrom(
  source: AnswerSource,
  from: SourceCursor,
  options: RenderPartsOptions,
  blocksFor: BlockSource,
): RenderedPart[] {
  // Below this, a single emoji sequence might not fit a part at all.
  const limit = Math.max(MIN_LIMIT, options.limit ?? MESSAGE_TEXT_LIMIT);
  const reasoningLength = (source.reasoning ?? '').length;
  const queue: FlowBlock[] = flowSpecs(source, from, options).flatMap(blocksFor);

  const cursorFor = (flow: FlowDoc, offset: number, prefix: string): SourceCursor =>
    flow.kind === 'reasoning'
      ? { reasoningOffset: offset, textOffset: Math.min(from.textOffset, source.text.length), prefix }
      : { reasoningOffset: Math.max(reasoningLength, from.reasoningOffset), textOffset: offset, prefix };

  const drafts: Draft[] = [];
  let current: Entry[] = recordEntries(source, options, limit);
  const commit = (end: SourceCursor): void => {
    drafts.push({ entries: current, length: draftLength(current), end });
    current = [];
  };
  // A finished block is followed by more text; the growing one needs a settled start.
  const boundaryStable = (block: FlowBlock): boolean =>
    !block.growing || isSettled(block.flow.doc.slice(block.start));
  const entryOf = (block: FlowBlock): Entry =>
    block.growing
      ? { kind: block.flow.kind, rendered: block, growing: block, block }
      : { kind: block.flow.kind, rendered: block, block };
  const isHeading = (entry: Entry | undefined): boolean => entry?.block?.node.type === 'heading';
  // Ends the part before `queue[index]`. A heading ending the part moves on with what follows it.
  const breakBefore = (index: number): void => {
    const previous = current[current.length - 1];
    if (current.length > 1 && previous?.block && isHeading(previous)) {
      current.pop();
      queue.splice(index, 0, previous.block);
    }
    const block = queue[index]!;
    const cursor = cursorAt(block.flow, block.start, '');
    commit(cursorFor(block.flow, cursor.offset, cursor.prefix));
  };

  let index = 0;
  while (index < queue.length) {
    const block = queue[index]!;
    if (block.text.length === 0) {
      index++;
      continue;
    }
    const used = draftLength(current);
    const separator = current.length > 0 ? SEPARATOR.length : 0;
    if (used + separator + block.text.length <= limit) {
      current.push(entryOf(block));
      index++;
      continue;
    }
    const canBreakBefore = current.length > 0 && block.start >= 0 && boundaryStable(block);
    const room = current.length > 0 ? limit - used - separator : limit;
    // Under a lone heading, cut the block to fill the part rather than leave the heading alone.
    const headingOnly = current.length === 1 && isHeading(current[0]);
    if (canBreakBefore && !headingOnly && (block.text.length <= limit || room < limit * MIN_ROOM)) {
      breakBefore(index);
      continue;
    }
    const split =
      splitBlock(block, room) ?? (current.length === 0 ? forceSplitBlock(block, room) : undefined);
    if (split) {
      current.push({ kind: block.flow.kind, rendered: split.head });
      commit(cursorFor(block.flow, split.cursor.offset, split.cursor.prefix));
      queue.splice(index, 1, ...split.tail);
      continue;
    }
    if (canBreakBefore) {
      breakBefore(index);
      continue;
    }
    // Only a block still being written gets here: show it (shortened) until a settled cut exists.
    current.push(entryOf(block));
    index++;
  }
  if (current.length > 0) drafts.push({ entries: current, length: draftLength(current) });

  const last = drafts[drafts.length - 1];
  if (last && !options.final) {
    const tail = last.entries[last.entries.length - 1];
    if (tail?.growing) {
      tail.rendered = repairGrowing(tail);
      if (tail.rendered.text.length === 0) last.entries.pop();
    }
    if (last.entries.length === 0) drafts.pop();
  }

  const finalEnd: SourceCursor = {
    reasoningOffset: Math.max(reasoningLength, from.reasoningOffset),
    textOffset: source.text.length,
    prefix: '',
  };
  const parts: RenderedPart[] = drafts.map((draft) => {
    const text = assemble(draft.entries, options.reasoning);
    return { ...truncate(text, limit), end: draft.end ?? finalEnd };
  });
  const visible = parts.filter((part) => part.text.length > 0);
  if (visible.length === 0 && options.final) return rawFallback(source, from, options, limit, finalEnd);
  return visible;
}

/** The record opens the first final part, cut to half a part at most so the answer starts beside it. */
function recordEntries(source: AnswerSource, options: RenderPartsOptions, limit: number): Entry[] {
  const record = options.final ? (source.record ?? '').trim() : '';
  if (record === '') return [];
  const shown = truncate({ text: record, entities: [] }, Math.floor(limit / 2));
  return [{ kind: 'record', rendered: { text: shown.text, entities: [] } }];
}

/** Markdown that renders to nothing visible but has text (only definitions, an empty fence): show it. */
function rawFallback(
  source: AnswerSource,
  from: SourceCursor,
  options: RenderPartsOptions,
  limit: number,
  end: SourceCursor,
): RenderedPart[] {
  const answer = source.text.slice(Math.min(from.textOffset, source.text.length)).trim();
  const reasoning =
    options.reasoning === 'hidden' ? '' : (source.reasoning ?? '').slice(from.reasoningOffset).trim();
  const raw = answer || reasoning;
  if (!/[\p{L}\p{N}]/u.test(raw)) return [];
  return [{ ...truncate({ text: raw, entities: [] }, limit), end }];
}
