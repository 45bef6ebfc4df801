import type { Code, Nodes, PhrasingContent, Table } from 'mdast';
import type { TelegramEntity } from '../telegram-text.js';
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
  lineStart,
  serializeDefinitions,
} from './flow-doc.js';
import { parseMarkdown } from './parse-markdown.js';
import {
  collectDefinitions,
  endOf,
  type RenderCollector,
  type RenderedBlock,
  renderBlockNode,
  startOf,
  trimRendered,
} from './render-blocks.js';
import { firstOpenConstruct } from './streaming-repair.js';

/** A block cut in two: `head` fits where it was asked to, `tail` renders the rest from `cursor`. */
export interface BlockSplit {
  head: RenderedBlock;
  cursor: { offset: number; prefix: string };
  tail: FlowBlock[];
}

/**
 * Cut quality, best first: 0 between child blocks (list items, quote paragraphs, code lines, table
 * rows), 1 at a line break, 2 after a sentence, 3 between words, 4 anywhere between letters.
 */
type Tier = 0 | 1 | 2 | 3 | 4;

interface Candidate {
  at: number;
  tier: Tier;
  openers: string;
  closers: string;
  /** Exact rendered length of the head when it is a prefix of the block's rendering. */
  rendered?: number;
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

function eol(doc: string, index: number): number {
  const at = doc.indexOf('\n', index);
  return at < 0 ? doc.length : at;
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
// Reopening what a cut goes through

function listMarker(doc: string, item: Nodes & { children: Nodes[] }): string {
  const first = item.children[0];
  if (!first) return '';
  const marker = doc.slice(startOf(item), startOf(first));
  return marker.includes('\n') ? `${marker.split('\n')[0]!.trimEnd()} ` : marker;
}

function backtickRun(doc: string, node: Nodes): string {
  const match = /^`+/.exec(doc.slice(startOf(node), endOf(node)));
  return match ? match[0] : '`';
}

function opener(doc: string, node: Nodes, next: Nodes | undefined): string {
  switch (node.type) {
    case 'blockquote':
      return '> ';
    case 'listItem': {
      // The task box belongs to the item's first paragraph; reopening only to reach deeper content
      // must not put a box in front of it.
      const marker = listMarker(doc, node);
      return node.checked != null && next !== node.children[0] ? marker.replace(/\[[ xX]\]\s*$/, '') : marker;
    }
    case 'footnoteDefinition':
      return `[^${node.label ?? node.identifier}]: `;
    case 'heading':
      return doc[startOf(node)] === '#' ? `${'#'.repeat(node.depth)} ` : '';
    case 'strong':
    case 'emphasis':
    case 'delete':
    case 'link':
    case 'linkReference': {
      const first = node.children[0];
      return first ? doc.slice(startOf(node), startOf(first)) : '';
    }
    case 'inlineCode':
      return backtickRun(doc, node);
    default:
      return '';
  }
}

function closer(doc: string, node: Nodes): string {
  switch (node.type) {
    case 'strong':
    case 'emphasis':
    case 'delete':
    case 'link':
    case 'linkReference': {
      const last = node.children[node.children.length - 1];
      return last ? doc.slice(endOf(last), endOf(node)) : '';
    }
    case 'inlineCode':
      return backtickRun(doc, node);
    default:
      return '';
  }
}

const openersOf = (doc: string, path: Nodes[]): string =>
  path.map((node, index) => opener(doc, node, path[index + 1])).join('');
const closersOf = (doc: string, path: Nodes[]): string =>
  path
    .map((node) => closer(doc, node))
    .reverse()
    .join('');

// -------------------------------------------------------------------------------------------
// Where a block may be cut

const LETTER = /[\p{L}\p{N}]/u;
const SENTENCE_END = /[.!?…:;)"'»”’]/;
const CJK_SENTENCE_END = /[。！？；]/;
const LIST_LIKE = /^\d{1,9}[.)]/;

function letterAt(doc: string, index: number): boolean {
  const code = doc.codePointAt(index);
  if (code === undefined) return false;
  const low = doc.charCodeAt(index);
  if (low >= 0xdc00 && low <= 0xdfff) return false;
  return LETTER.test(String.fromCodePoint(code));
}

function textTier(doc: string, at: number, floor: number): Tier | undefined {
  if (!letterAt(doc, at) || LIST_LIKE.test(doc.slice(at, at + 11))) return undefined;
  const previous = doc[at - 1] ?? '';
  if (/\s/.test(previous)) {
    let back = at - 1;
    while (back > floor && /[ \t>]/.test(doc[back]!)) back--;
    if (doc[back] === '\n') return 1;
    while (back > floor && /\s/.test(doc[back]!)) back--;
    return SENTENCE_END.test(doc[back] ?? '') ? 2 : 3;
  }
  if (CJK_SENTENCE_END.test(previous)) return 2;
  if (!letterAt(doc, at - 1) && !(previous >= '\udc00' && previous <= '\udfff')) return undefined;
  // Inside a word: never inside a character reference such as `&amp;` or `&#10;`.
  if (/&[#\w]*$/.test(doc.slice(Math.max(floor, at - 40), at))) return undefined;
  return isGraphemeBoundary(doc.slice(Math.max(floor, at - 40), at + 40), Math.min(40, at - floor))
    ? 4
    : undefined;
}

interface Walk {
  /** Cuts inside words are many and costly to find: only looked for when nothing better fits. */
  letters: boolean;
  flow: FlowDoc;
  block: FlowBlock;
  collector: RenderCollector;
  rendered: RenderedBlock;
  shift: number;
  out: Candidate[];
}

function markAt(walk: Walk, source: number): number | undefined {
  const mark = walk.collector.marks.find((m) => m.source === source);
  return mark ? mark.rendered - walk.shift : undefined;
}

function addChildCuts(walk: Walk, children: Nodes[], path: Nodes[]): void {
  const doc = walk.flow.doc;
  children.forEach((child, index) => {
    if (index === 0) return;
    const rendered = markAt(walk, startOf(child));
    walk.out.push({
      at: startOf(child),
      tier: 0,
      openers: openersOf(doc, path),
      closers: '',
      ...(rendered === undefined ? {} : { rendered }),
    });
  });
}

function addCodeCuts(walk: Walk, node: Code, path: Nodes[]): void {
  const doc = walk.flow.doc;
  const codeStart = walk.collector.codeStarts.get(node);
  if (codeStart === undefined) return;
  const fenced = /^[`~]{3}/.test(doc.slice(startOf(node), startOf(node) + 3));
  const fenceLine = fenced
    ? doc.slice(path.length === 0 ? lineStart(doc, startOf(node)) : startOf(node), eol(doc, startOf(node)))
    : '';
  const openers = openersOf(doc, path) + (fenced ? `${fenceLine}\n` : '');
  const lines = node.value.replace(/\r\n?/g, '\n').split('\n');
  let sourceLine = fenced ? eol(doc, startOf(node)) + 1 : lineStart(doc, startOf(node));
  let renderedLine = codeStart - walk.shift;
  for (let k = 0; k < lines.length; k++) {
    if (sourceLine >= endOf(node)) break;
    if (k > 0 && renderedLine > 0 && renderedLine <= walk.rendered.text.length) {
      const rest = lines.slice(k).join('\n');
      if (rest.trim().length > 0 && (fenced || lines[k]!.trim().length > 0)) {
        walk.out.push({
          at: sourceLine,
          tier: 0,
          openers,
          closers: '',
          rendered: renderedLine - 1,
        });
      }
    }
    renderedLine += lines[k]!.length + 1;
    sourceLine = eol(doc, sourceLine) + 1;
  }
}

function addTableCuts(walk: Walk, node: Table): void {
  const doc = walk.flow.doc;
  const header = node.children[0];
  if (!header) return;
  const delimiterEnd = eol(doc, eol(doc, endOf(header)) + 1);
  const openers = `${doc.slice(lineStart(doc, startOf(node)), delimiterEnd)}\n`;
  node.children.forEach((row, index) => {
    if (index < 2) return;
    const rendered = walk.collector.rowStarts.get(row);
    if (rendered === undefined) return;
    walk.out.push({
      at: lineStart(doc, startOf(row)),
      tier: 0,
      openers,
      closers: '',
      rendered: rendered - walk.shift - 1,
    });
  });
}

function addTextCuts(walk: Walk, node: PhrasingContent, path: Nodes[], inside: [number, number]): void {
  const doc = walk.flow.doc;
  const openers = openersOf(doc, path);
  const closers = closersOf(doc, path);
  for (let at = inside[0] + 1; at < inside[1]; at++) {
    if (!walk.letters && !/\s|[。！？；]/.test(doc[at - 1]!)) continue;
    const tier = textTier(doc, at, startOf(node));
    if (tier === undefined || (tier === 4 && !walk.letters)) continue;
    // A closer appended after a literal marker (`2 *` + `**`) would merge with it.
    if (closers && /[*_~`\\[\]!|<>&]$/.test(doc.slice(inside[0], at).trimEnd())) continue;
    walk.out.push({ at, tier, openers, closers });
  }
}

function walkInline(walk: Walk, nodes: PhrasingContent[], path: Nodes[]): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        addTextCuts(walk, node, path, [startOf(node), endOf(node)]);
        break;
      case 'inlineCode': {
        const run = backtickRun(walk.flow.doc, node).length;
        addTextCuts(walk, node, [...path, node], [startOf(node) + run, endOf(node) - run]);
        break;
      }
      case 'strong':
      case 'emphasis':
      case 'delete':
      case 'link':
        walkInline(walk, node.children, [...path, node]);
        break;
      case 'linkReference':
        // `[text][]` and `[text]` only resolve with their whole text as the label.
        if (node.referenceType === 'full') walkInline(walk, node.children, [...path, node]);
        break;
      default:
        break;
    }
  }
}

function walkBlock(walk: Walk, node: Nodes, path: Nodes[]): void {
  switch (node.type) {
    case 'list':
      addChildCuts(walk, node.children, [...path, node]);
      for (const item of node.children) walkBlock(walk, item, [...path, node]);
      return;
    case 'blockquote':
    case 'listItem':
    case 'footnoteDefinition':
      addChildCuts(walk, node.children, [...path, node]);
      for (const child of node.children) walkBlock(walk, child, [...path, node]);
      return;
    case 'code':
      addCodeCuts(walk, node, path);
      return;
    case 'table':
      if (path.length === 0) addTableCuts(walk, node);
      return;
    case 'paragraph':
    case 'heading':
      walkInline(walk, node.children, [...path, node]);
      return;
    default:
      return;
  }
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
