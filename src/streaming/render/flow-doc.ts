import type { Definition, Root, RootContent } from 'mdast';
import { parseMarkdown } from './parse-markdown.js';
import { collectDefinitions, endOf, type RenderedBlock, renderBlockNode, startOf } from './render-blocks.js';

/**
 * One parsed stretch of Markdown that maps back to the source: either the reasoning or the answer
 * from a cursor, or the rest of one block after a split. `doc` is what was parsed; everything from
 * `contentStart` on is `source.slice(sourceBase)`; before it sit copied link definitions and the
 * Markdown that reopens what a split cut through.
 */
export interface FlowDoc {
  kind: 'reasoning' | 'answer';
  doc: string;
  contentStart: number;
  sourceBase: number;
  /** Definitions copied from later in the source: used to render, never carried in cursors. */
  lookaheadEnd: number;
  /** More source may still arrive after this doc's end. */
  streaming: boolean;
  plain: boolean;
  root: Root;
  definitions: Map<string, string>;
  definitionNodes: Definition[];
}

/** A top-level block of a flow, rendered; `start` is the start of its first line in `flow.doc`. */
export interface FlowBlock extends RenderedBlock {
  flow: FlowDoc;
  node: RootContent;
  start: number;
  end: number;
  /** The last block of a streaming flow: it may still grow. */
  growing: boolean;
}

export function lineStart(doc: string, index: number): number {
  return doc.lastIndexOf('\n', index - 1) + 1;
}

/** What to parse for one flow; see `FlowDoc` for the meaning of the fields. */
export interface FlowSpec {
  kind: FlowDoc['kind'];
  doc: string;
  contentStart: number;
  sourceBase: number;
  lookaheadEnd?: number;
  streaming: boolean;
  plain: boolean;
}

export function createFlowDoc(options: FlowSpec): FlowDoc {
  const root = parseMarkdown(options.doc);
  const { map, nodes } = collectDefinitions(root);
  return {
    kind: options.kind,
    doc: options.doc,
    contentStart: options.contentStart,
    sourceBase: options.sourceBase,
    lookaheadEnd: options.lookaheadEnd ?? 0,
    streaming: options.streaming,
    plain: options.plain,
    root,
    definitions: map,
    definitionNodes: nodes,
  };
}

export function flowBlocks(flow: FlowDoc): FlowBlock[] {
  const blocks: FlowBlock[] = [];
  const children = flow.root.children;
  children.forEach((node, index) => {
    const rendered = renderBlockNode(node, {
      doc: flow.doc,
      definitions: flow.definitions,
      plain: flow.plain,
      continuedBefore: flow.contentStart,
    });
    blocks.push({
      ...rendered,
      flow,
      node,
      start: lineStart(flow.doc, startOf(node)),
      end: endOf(node),
      growing: flow.streaming && index === children.length - 1,
    });
  });
  return blocks;
}

function serializeDefinition(node: Definition): string {
  const url = node.url.replace(/[<>\\]/g, '\\$&');
  return `[${node.label ?? node.identifier}]: <${url}>\n`;
}

/** Definitions as Markdown, followed by a blank line so nothing after them reads as their title. */
export function serializeDefinitions(nodes: readonly Definition[]): string {
  if (nodes.length === 0) return '';
  const seen = new Set<string>();
  let text = '';
  for (const node of nodes) {
    if (seen.has(node.identifier)) continue;
    seen.add(node.identifier);
    text += serializeDefinition(node);
  }
  return `${text}\n`;
}

/** Definitions in force before `index` that a cursor there must carry (not the copied look-ahead). */
export function carriedDefinitions(flow: FlowDoc, index: number): string {
  return serializeDefinitions(
    flow.definitionNodes.filter((node) => startOf(node) >= flow.lookaheadEnd && startOf(node) < index),
  );
}

/** Every definition the flow knows, to render a piece of it standalone. */
export function allDefinitions(flow: FlowDoc): string {
  return serializeDefinitions(flow.definitionNodes);
}

/** Definitions that appear after `index`: a standalone piece before them still resolves them. */
export function laterDefinitions(flow: FlowDoc, index: number): Definition[] {
  return flow.definitionNodes.filter((node) => startOf(node) >= index || startOf(node) < flow.lookaheadEnd);
}

/**
 * The cursor for continuing at `index` of the flow with `openers` reopening the cut constructs.
 * An index inside the reopening Markdown itself carries the rest of that Markdown along.
 */
export function cursorAt(flow: FlowDoc, index: number, openers: string): { offset: number; prefix: string } {
  const defs = carriedDefinitions(flow, index);
  if (index >= flow.contentStart) {
    return { offset: flow.sourceBase + (index - flow.contentStart), prefix: defs + openers };
  }
  return { offset: flow.sourceBase, prefix: defs + openers + flow.doc.slice(index, flow.contentStart) };
}
