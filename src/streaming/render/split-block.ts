import type { TelegramEntity } from '../telegram-text.js';
import { type Candidate, type Tier, type Walk, walkBlock } from './cut-candidates.js';
import { isGraphemeBoundary } from './display-width.js';
import {
  allDefinitions,
  carriedDefinitions,
  createFlowDoc,
  cursorAt,
  type FlowBlock,
  type FlowDoc,
  flowBlocks,
  laterDefinitions,
  serializeDefinitions,
} from './flow-doc.js';
import { parseMarkdown } from './parse-markdown.js';
import {
  collectDefinitions,
  type RenderCollector,
  type RenderedBlock,
  renderBlockNode,
  trimRendered,
} from './render-blocks.js';
import { firstOpenConstruct } from './streaming-repair.js';

/** A block cut in two: `head` fits where it was asked to, `tail` renders the rest from `cursor`. */
export interface BlockSplit {
  head: RenderedBlock;
  cursor: { offset: number; prefix: string };
  tail: FlowBlock[];
}

// A part should be at least this full before we accept a rougher cut to fill it more.
const MIN_FILL = 0.5;
const MAX_PROBES = 14;

/**
 * While streaming, is a cut before `tail` settled, so the head can never change? The tail needs a
 * whole word, and its first line must be complete unless it starts with a letter: a line still
 * being typed that starts with block syntax may yet turn into a continuation of the head
 * (`***` becoming `*** b`, `# ` becoming `#tag`).
 */
export function isSettled(tail: string): boolean {
  if (!/\S\s/.test(tail)) return false;
  const newline = tail.indexOf('\n');
  if (newline >= 0 && tail.slice(0, newline).trim().length > 0) return true;
  return /^[ \t]*[\p{L}\p{N}]/u.test(tail) && !/^[ \t]*\d{1,9}[.)]/.test(tail);
}

export function sliceRendered(block: RenderedBlock, from: number, to: number): RenderedBlock {
  const entities: TelegramEntity[] = [];
  for (const entity of block.entities) {
    const start = Math.max(entity.offset, from);
    const stop = Math.min(entity.offset + entity.length, to);
    if (stop > start) entities.push({ ...entity, offset: start - from, length: stop - start });
  }
  const trimmed = trimRendered(block.text.slice(from, to), entities);
  return { text: trimmed.text, entities: trimmed.entities };
}

// -------------------------------------------------------------------------------------------
// Choosing the cut

/**
 * Renders Markdown made from `flow` on its own. `markdown` is `definitions` followed by the flow's
 * text from `from` on, so list items reopened by the flow's prefix are still known as such.
 */
export function renderStandalone(
  flow: Pick<FlowDoc, 'plain' | 'contentStart'>,
  definitions: string,
  body: string,
  from = flow.contentStart,
): RenderedBlock {
  const markdown = definitions + body;
  const continuedBefore = definitions.length + Math.max(0, flow.contentStart - from);
  const root = parseMarkdown(markdown);
  const { map } = collectDefinitions(root);
  const pieces = root.children
    .map((node) =>
      renderBlockNode(node, { doc: markdown, definitions: map, plain: flow.plain, continuedBefore }),
    )
    .filter((piece) => piece.text.length > 0);
  let text = '';
  const entities: TelegramEntity[] = [];
  for (const piece of pieces) {
    if (text.length > 0) text += '\n\n';
    for (const entity of piece.entities) entities.push({ ...entity, offset: entity.offset + text.length });
    text += piece.text;
  }
  return { text, entities };
}

function makeHead(walk: Walk, candidate: Candidate): RenderedBlock {
  if (candidate.rendered !== undefined) {
    return sliceRendered(walk.rendered, 0, candidate.rendered);
  }
  const { flow, block } = walk;
  // The head is complete by definition (text follows it), so it renders as final Markdown.
  // Closers must touch the text (`**word**`, not `**word **`) or they stay literal.
  const body = flow.doc.slice(block.start, candidate.at);
  const head = (candidate.closers ? body.trimEnd() : body) + candidate.closers;
  return renderStandalone(flow, allDefinitions(flow), head, block.start);
}

function isStable(walk: Walk, candidate: Candidate): boolean {
  return !walk.block.growing || isSettled(walk.flow.doc.slice(candidate.at));
}

/**
 * The candidate with the longest head that fits. Heads only grow with the cut position, so this is
 * a search; reparsed heads are costly, so it aims where the length should land before bisecting.
 */
function longestFitting(
  walk: Walk,
  candidates: Candidate[],
  space: number,
  cache: Map<Candidate, RenderedBlock>,
): { candidate: Candidate; head: RenderedBlock } | undefined {
  const head = (candidate: Candidate): RenderedBlock => {
    let value = cache.get(candidate);
    if (!value) {
      value = makeHead(walk, candidate);
      cache.set(candidate, value);
    }
    return value;
  };
  let lo = -1;
  let hi = candidates.length;
  let loAt = walk.block.start;
  let loLength = 0;
  let hiAt = walk.block.growing ? walk.flow.doc.length : walk.block.end;
  let hiLength = walk.block.text.length;
  for (let probe = 0; hi - lo > 1 && probe < MAX_PROBES; probe++) {
    let mid = (lo + hi) >> 1;
    if (probe % 2 === 0 && hiLength > loLength) {
      const targetAt = loAt + ((space - loLength) * (hiAt - loAt)) / (hiLength - loLength);
      let low = lo + 1;
      let high = hi - 1;
      mid = low;
      while (low <= high) {
        const m = (low + high) >> 1;
        if (candidates[m]!.at <= targetAt) {
          mid = m;
          low = m + 1;
        } else high = m - 1;
      }
    }
    const candidate = candidates[mid]!;
    const length = head(candidate).text.length;
    if (length <= space) {
      lo = mid;
      loAt = candidate.at;
      loLength = length;
    } else {
      hi = mid;
      hiAt = candidate.at;
      hiLength = length;
    }
  }
  if (lo < 0) return undefined;
  const candidate = candidates[lo]!;
  const value = head(candidate);
  return value.text.length > 0 ? { candidate, head: value } : undefined;
}

function buildTail(
  block: FlowBlock,
  at: number,
  openers: string,
): BlockSplit['cursor'] & { tail: FlowBlock[] } {
  const flow = block.flow;
  const cursor = cursorAt(flow, at, openers);
  const lookahead = serializeDefinitions(laterDefinitions(flow, block.end));
  // The rest of a growing block runs to the end of the text, trailing newlines included, exactly as
  // a render from the cursor will see it.
  const until = block.growing ? flow.doc.length : block.end;
  const body = flow.doc.slice(Math.max(at, flow.contentStart), Math.max(until, flow.contentStart));
  const doc = lookahead + cursor.prefix + body;
  const tailFlow = createFlowDoc({
    kind: flow.kind,
    doc,
    contentStart: lookahead.length + cursor.prefix.length,
    sourceBase: cursor.offset,
    lookaheadEnd: lookahead.length,
    streaming: block.growing,
    plain: flow.plain,
  });
  return { ...cursor, tail: flowBlocks(tailFlow) };
}

/**
 * Cuts a block so its head renders within `space`, at the cleanest place that fills the part at
 * least half (child blocks, then lines, sentences, words, letters). Undefined when no cut fits
 * or, for a block still being written, none is settled yet.
 */
export function splitBlock(block: FlowBlock, space: number): BlockSplit | undefined {
  if (space <= 0) return undefined;
  const flow = block.flow;
  const collector: RenderCollector = { marks: [], codeStarts: new Map(), rowStarts: new Map() };
  const rendered = renderBlockNode(block.node, {
    doc: flow.doc,
    definitions: flow.definitions,
    plain: flow.plain,
    continuedBefore: flow.contentStart,
    collector,
  });
  const walk: Walk = {
    letters: false,
    flow,
    block,
    collector,
    rendered,
    shift: rendered.shift ?? 0,
    out: [],
  };
  const candidates = (): Candidate[] => {
    walk.out = [];
    walkBlock(walk, block.node, []);
    const byAt = new Map<number, Candidate>();
    for (const candidate of walk.out) {
      if (candidate.at <= block.start || candidate.at >= (block.growing ? flow.doc.length : block.end))
        continue;
      const existing = byAt.get(candidate.at);
      if (!existing || candidate.tier < existing.tier) byAt.set(candidate.at, candidate);
    }
    const open = block.growing ? firstOpenConstruct(flow.doc, flow.root) : undefined;
    return [...byAt.values()]
      .filter((c) => isStable(walk, c) && (open === undefined || c.at <= open))
      .sort((a, b) => a.at - b.at);
  };
  let all = candidates();
  const cache = new Map<Candidate, RenderedBlock>();
  let best: { candidate: Candidate; head: RenderedBlock } | undefined;
  for (const maxTier of [0, 1, 2, 3, 4] as Tier[]) {
    if (maxTier === 4) {
      walk.letters = true;
      all = candidates();
    }
    const pool = all.filter((c) => c.tier <= maxTier);
    if (pool.length === 0) continue;
    const found = longestFitting(walk, pool, space, cache);
    if (found && (!best || found.head.text.length > best.head.text.length)) best = found;
    if (best && best.head.text.length >= space * MIN_FILL) break;
  }
  if (!best) return undefined;
  const { candidate, head } = best;
  const { tail, ...cursor } = buildTail(block, candidate.at, candidate.openers);
  return { head, cursor, tail };
}

const MARKDOWN_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Markdown that renders back to exactly `text` (no entities): one paragraph, newlines as `&#10;`. */
export function escapeMarkdownText(text: string): string {
  return text.replace(MARKDOWN_PUNCTUATION, '\\$&').replace(/\n/g, '&#10;');
}

function cutIndex(text: string, space: number): number {
  const floor = Math.floor(space * MIN_FILL);
  const newline = text.lastIndexOf('\n', space);
  if (newline > floor) return newline;
  const blank = text.lastIndexOf(' ', space);
  if (blank > floor) return blank;
  return graphemeCut(text, Math.min(space, text.length));
}

/** The nearest cut at or before `at` that splits no grapheme, else at least no surrogate pair. */
export function graphemeCut(text: string, at: number): number {
  let cut = at;
  while (cut > 0 && !isGraphemeBoundary(text, cut)) cut--;
  if (cut > 0) return cut;
  const low = text.charCodeAt(at);
  return low >= 0xdc00 && low <= 0xdfff ? at - 1 : at;
}

/**
 * Last resort for a finished block no Markdown cut can split (one enormous word, a wall of
 * markers): cut the rendered text and carry the rest as escaped plain text in the cursor's prefix.
 * The rest loses its formatting; no text is lost.
 */
export function forceSplitBlock(block: FlowBlock, space: number): BlockSplit | undefined {
  if (block.growing || space <= 0 || block.text.length <= space) return undefined;
  const at = cutIndex(block.text, space);
  const head = sliceRendered(block, 0, at);
  const rest = block.text.slice(at).trim();
  if (head.text.length === 0 || rest.length === 0) return undefined;
  const flow = block.flow;
  const escaped = `${escapeMarkdownText(rest)}\n\n`;
  const cursor = cursorAt(flow, block.end, escaped);
  const lookahead = serializeDefinitions(laterDefinitions(flow, block.end));
  const doc = lookahead + carriedDefinitions(flow, block.end) + escaped;
  const tailFlow = createFlowDoc({
    kind: flow.kind,
    doc,
    contentStart: doc.length,
    sourceBase: cursor.offset,
    lookaheadEnd: lookahead.length,
    streaming: false,
    plain: flow.plain,
  });
  return { head, cursor, tail: flowBlocks(tailFlow) };
}
