/**
 * mdast blocks to Telegram text + entities. About 420 lines on purpose: one recursive renderer
 * over mdast's node types, whose cases all write into the same `State` (text, entities, the marks
 * the splitter asks for) and call back into each other; split by node type, the files would import
 * each other in a circle.
 */
import type {
  Blockquote,
  Code,
  Definition,
  Heading,
  List,
  ListItem,
  Nodes,
  PhrasingContent,
  Root,
  RootContent,
  Table,
} from 'mdast';
import type { TelegramEntity } from '../telegram-text.js';
import { isSelfLink, telegramLinkUrl } from './link-url.js';
import { layoutTable } from './table-layout.js';
import { createTextBuilder, type EntityHandle, type RenderMark, type TextBuilder } from './text-builder.js';

/** Marks and code positions the splitter asks for when a block must be cut inside. */
export interface RenderCollector {
  marks: RenderMark[];
  /** Where each code block's text starts in the rendered output. */
  codeStarts: Map<Code, number>;
  /** Where each table row starts in the rendered output (top-level tables only). */
  rowStarts: Map<Nodes, number>;
}

export interface RenderContext {
  /** The parsed document: node positions index into it. */
  doc: string;
  definitions: ReadonlyMap<string, string>;
  /** Text only, no entities (reasoning inside a quote). */
  plain: boolean;
  /**
   * List items that start before this offset were reopened by a cursor's prefix: they continue an
   * item cut at the end of the previous part, so they show no marker again.
   */
  continuedBefore?: number;
  collector?: RenderCollector;
}

export interface RenderedBlock {
  text: string;
  entities: TelegramEntity[];
  /** How many leading characters trimming removed (collector offsets are before trimming). */
  shift?: number;
}

const BULLET = '•';
const TASK_OPEN = '☐';
const TASK_DONE = '☑';
const RULE = '———';
const LANGUAGE = /^[\w+#.-]{1,32}$/;
const BREAK_TAG = /^<br\s*\/?>$/i;

interface State {
  ctx: RenderContext;
  b: TextBuilder;
  quoteDepth: number;
  inLink: boolean;
  inCell: boolean;
}

/** Collects `[label]: url` definitions (they may sit inside quotes or lists) by identifier. */
export function collectDefinitions(root: Root): { map: Map<string, string>; nodes: Definition[] } {
  const map = new Map<string, string>();
  const nodes: Definition[] = [];
  const visit = (node: Nodes): void => {
    if (node.type === 'definition') {
      nodes.push(node);
      if (!map.has(node.identifier)) map.set(node.identifier, node.url);
      return;
    }
    if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading' && node.type !== 'table') {
      for (const child of node.children) visit(child as Nodes);
    }
  };
  visit(root);
  return { map, nodes };
}

export function startOf(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

export function endOf(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

/** Renders one top-level (or any block) node to text and raw entities; trims the result. */
export function renderBlockNode(node: RootContent, ctx: RenderContext): RenderedBlock {
  const b = createTextBuilder({ entities: !ctx.plain, marks: ctx.collector !== undefined });
  const state: State = { ctx, b, quoteDepth: 0, inLink: false, inCell: false };
  renderBlock(node, state);
  const { text, entities } = b.finish();
  if (ctx.collector) ctx.collector.marks.push(...b.marks);
  return trimRendered(text, entities);
}

/**
 * Drops surrounding whitespace, keeping entity offsets right. Code that starts the text keeps the
 * indentation of its first line (Telegram trims only up to the first entity); blank lines go.
 */
export function trimRendered(text: string, entities: TelegramEntity[]): RenderedBlock {
  let start = 0;
  while (start < text.length && /\s/.test(text[start]!)) start++;
  const code = entities.find(
    (e) => (e.type === 'pre' || e.type === 'code') && e.offset < start && e.offset + e.length > start,
  );
  if (code) start = Math.max(code.offset, text.lastIndexOf('\n', start - 1) + 1);
  let stop = text.length;
  while (stop > start && /\s/.test(text[stop - 1]!)) stop--;
  if (start === 0 && stop === text.length) return { text, entities, shift: 0 };
  const shifted: TelegramEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, stop);
    if (to > from) shifted.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, stop), entities: shifted, shift: start };
}

function renderBlock(node: RootContent, state: State): void {
  const { b } = state;
  switch (node.type) {
    case 'paragraph':
      renderInline(node.children, state);
      return;
    case 'heading':
      renderHeading(node, state);
      return;
    case 'thematicBreak':
      b.text(RULE);
      return;
    case 'code':
      renderCode(node, state);
      return;
    case 'blockquote':
      renderQuote(node, state);
      return;
    case 'list':
      renderList(node, state);
      return;
    case 'table':
      renderTable(node, state);
      return;
    case 'html':
      b.text(node.value);
      return;
    case 'definition':
      return;
    case 'footnoteDefinition': {
      const marker = `[^${node.label ?? node.identifier}]: `;
      b.text(marker);
      renderChildren(node.children, state, '\n');
      return;
    }
    default: {
      // Anything the GFM parser adds later is shown as written rather than lost.
      const source = state.ctx.doc.slice(startOf(node), endOf(node));
      b.text(source);
    }
  }
}

function renderChildren(children: RootContent[], state: State, separator: '\n' | '\n\n'): void {
  children.forEach((child, index) => {
    if (index > 0) {
      state.b.separate(separator);
      state.b.mark(startOf(child));
    }
    renderBlock(child, state);
  });
}

function renderHeading(node: Heading, state: State): void {
  const handle = state.b.open({ type: 'bold' });
  renderInline(node.children, state);
  state.b.close(handle);
}

function renderCode(node: Code, state: State): void {
  const { b } = state;
  const language = node.lang && LANGUAGE.test(node.lang) ? node.lang : undefined;
  if (node.value.trim().length === 0) return;
  if (!b.atLineStart()) b.separate('\n');
  const handle = b.open(language ? { type: 'pre', language } : { type: 'pre' });
  b.raw(node.value);
  // raw() may have written a separator first; the code text ends where it started plus its length.
  state.ctx.collector?.codeStarts.set(node, b.length - node.value.replace(/\r\n?/g, '\n').length);
  b.close(handle);
}

function renderQuote(node: Blockquote, state: State): void {
  const { b } = state;
  // Telegram cannot nest quotes: an inner quote simply continues the outer one.
  const handle: EntityHandle | undefined =
    state.quoteDepth === 0 ? b.open({ type: 'blockquote' }) : undefined;
  state.quoteDepth++;
  renderChildren(node.children, state, '\n\n');
  state.quoteDepth--;
  if (handle) b.close(handle);
}

function orderedMarker(list: List, index: number): string {
  return `${(list.start ?? 1) + index}.`;
}

function renderList(node: List, state: State): void {
  node.children.forEach((item, index) => {
    if (index > 0) {
      state.b.separate('\n');
      state.b.mark(startOf(item));
    }
    renderItem(node, item, index, state);
  });
}

function renderItem(list: List, item: ListItem, index: number, state: State): void {
  const { b } = state;
  const box = item.checked === true ? TASK_DONE : item.checked === false ? TASK_OPEN : undefined;
  let marker: string;
  if (list.ordered) marker = box ? `${orderedMarker(list, index)} ${box} ` : `${orderedMarker(list, index)} `;
  else marker = `${box ?? BULLET} `;
  const indent = ' '.repeat(marker.length);
  b.text(startOf(item) < (state.ctx.continuedBefore ?? 0) ? indent : marker);
  b.pushIndent(indent);
  renderChildren(item.children, state, '\n');
  b.popIndent();
}

function cellText(cell: { children: PhrasingContent[] }, state: State): string {
  const b = createTextBuilder({ entities: false });
  renderInline(cell.children, { ...state, b, inCell: true, inLink: true });
  return b.finish().text.replace(/\s+/g, ' ').trim();
}

function renderTable(node: Table, state: State): void {
  const { b } = state;
  const rows = node.children.map((row) => row.children.map((cell) => cellText(cell, state)));
  const lines = layoutTable(rows, node.align ?? []);
  if (lines.join('').trim().length === 0) return;
  if (!b.atLineStart()) b.separate('\n');
  const handle = b.open({ type: 'pre' });
  b.raw(lines.join('\n'));
  const collector = state.ctx.collector;
  if (collector) {
    // Row k (k >= 1) sits on line k + 1 because of the rule under the header.
    let offset = b.length - lines.join('\n').length;
    lines.forEach((line, lineIndex) => {
      const row =
        lineIndex === 0 ? node.children[0] : lineIndex >= 2 ? node.children[lineIndex - 1] : undefined;
      if (row) collector.rowStarts.set(row, offset);
      offset += line.length + 1;
    });
  }
  b.close(handle);
}

// ---------------------------------------------------------------------------------------------
// Inline content

interface SpoilerCut {
  at: number;
  open: boolean;
}

/** `||spoiler||` is not Markdown: pair the markers found in sibling text nodes, outside code. */
function findSpoilers(children: PhrasingContent[]): Map<PhrasingContent, SpoilerCut[]> {
  const cuts = new Map<PhrasingContent, SpoilerCut[]>();
  let opener: { node: PhrasingContent; at: number } | undefined;
  for (const child of children) {
    if (child.type !== 'text' || !child.value.includes('||')) continue;
    const value = child.value;
    for (let at = value.indexOf('||'); at >= 0; at = value.indexOf('||', at + 2)) {
      if (value[at + 2] === '|') {
        while (value[at + 2] === '|') at++;
        continue;
      }
      const before = value[at - 1];
      const after = value[at + 2];
      const canOpen = after !== undefined && !/\s/.test(after);
      const canClose = before !== undefined && !/\s/.test(before);
      if (opener && canClose) {
        const openList = cuts.get(opener.node) ?? [];
        openList.push({ at: opener.at, open: true });
        cuts.set(opener.node, openList);
        const closeList = cuts.get(child) ?? [];
        closeList.push({ at, open: false });
        cuts.set(child, closeList);
        opener = undefined;
      } else if (canOpen) {
        opener = { node: child, at };
      }
    }
  }
  for (const list of cuts.values()) list.sort((x, y) => x.at - y.at);
  return cuts;
}

function renderInline(children: PhrasingContent[], state: State): void {
  const spoilers = children.some((c) => c.type === 'text' && c.value.includes('||'))
    ? findSpoilers(children)
    : undefined;
  let spoiler: EntityHandle | undefined;
  for (const child of children) {
    const cuts = spoilers?.get(child);
    if (cuts && child.type === 'text') {
      let from = 0;
      for (const cut of cuts) {
        writeText(child.value.slice(from, cut.at), state);
        if (cut.open) spoiler = state.b.open({ type: 'spoiler' });
        else if (spoiler) {
          state.b.close(spoiler);
          spoiler = undefined;
        }
        from = cut.at + 2;
      }
      writeText(child.value.slice(from), state);
      continue;
    }
    renderPhrasing(child, state);
  }
  if (spoiler) state.b.close(spoiler);
}

function writeText(value: string, state: State): void {
  state.b.text(state.inCell ? value.replace(/\n/g, ' ') : value);
}

function wrap(type: 'bold' | 'italic' | 'strikethrough', children: PhrasingContent[], state: State): void {
  const handle = state.b.open({ type });
  renderInline(children, state);
  state.b.close(handle);
}

function renderLink(url: string | undefined, children: PhrasingContent[], state: State): void {
  const { b } = state;
  const target = url === undefined ? undefined : telegramLinkUrl(url);
  if (state.inLink || target === undefined) {
    const before = b.length;
    renderInline(children, { ...state, inLink: true });
    if (b.length === before && target) b.text(target);
    return;
  }
  const plainText = children.map((child) => ('value' in child ? child.value : '')).join('');
  if (children.every((child) => child.type === 'text') && isSelfLink(plainText, target)) {
    renderInline(children, state);
    return;
  }
  const handle = b.open({ type: 'text_link', url: target });
  const before = b.length;
  renderInline(children, { ...state, inLink: true });
  if (b.length === before) b.text(target);
  b.close(handle);
}

function renderImage(alt: string | null | undefined, url: string | undefined, state: State): void {
  const { b } = state;
  const target = url === undefined ? undefined : telegramLinkUrl(url);
  const label = alt?.trim() ?? '';
  if (label.length === 0) {
    if (target) b.text(target);
    return;
  }
  if (!target || state.inLink) {
    b.text(label);
    return;
  }
  const handle = b.open({ type: 'text_link', url: target });
  b.text(label);
  b.close(handle);
}

function renderPhrasing(node: PhrasingContent, state: State): void {
  const { b, ctx } = state;
  switch (node.type) {
    case 'text':
      writeText(node.value, state);
      return;
    case 'emphasis':
      wrap('italic', node.children, state);
      return;
    case 'strong':
      wrap('bold', node.children, state);
      return;
    case 'delete':
      wrap('strikethrough', node.children, state);
      return;
    case 'inlineCode': {
      const handle = b.open({ type: 'code' });
      b.text(node.value);
      b.close(handle);
      return;
    }
    case 'break':
      b.text(state.inCell ? ' ' : '\n');
      return;
    case 'link':
      renderLink(node.url, node.children, state);
      return;
    case 'linkReference':
      renderLink(ctx.definitions.get(node.identifier), node.children, state);
      return;
    case 'image':
      renderImage(node.alt, node.url, state);
      return;
    case 'imageReference':
      renderImage(node.alt, ctx.definitions.get(node.identifier), state);
      return;
    case 'html':
      // Models put <br> in table cells and lines; everything else stays literal text.
      b.text(BREAK_TAG.test(node.value) ? (state.inCell ? ' ' : '\n') : node.value);
      return;
    case 'footnoteReference':
      b.text(`[^${node.label ?? node.identifier}]`);
      return;
    default:
      b.text(ctx.doc.slice(startOf(node), endOf(node)));
  }
}
