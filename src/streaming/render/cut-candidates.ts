import type { Code, Nodes, PhrasingContent, Table } from 'mdast';
import { isGraphemeBoundary } from './display-width.js';
import { type FlowBlock, type FlowDoc, lineStart } from './flow-doc.js';
import { endOf, type RenderCollector, type RenderedBlock, startOf } from './render-blocks.js';

/**
 * Where a block may be cut when it does not fit a part, and the Markdown that reopens (and closes)
 * what each cut goes through: `walkBlock` lists every candidate cut of a block with its quality.
 * `split-block.ts` chooses among them.
 */

/**
 * Cut quality, best first: 0 between child blocks (list items, quote paragraphs, code lines, table
 * rows), 1 at a line break, 2 after a sentence, 3 between words, 4 anywhere between letters.
 */
export type Tier = 0 | 1 | 2 | 3 | 4;

export interface Candidate {
  at: number;
  tier: Tier;
  openers: string;
  closers: string;
  /** Exact rendered length of the head when it is a prefix of the block's rendering. */
  rendered?: number;
}

function eol(doc: string, index: number): number {
  const at = doc.indexOf('\n', index);
  return at < 0 ? doc.length : at;
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

export interface Walk {
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

export function walkBlock(walk: Walk, node: Nodes, path: Nodes[]): void {
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
