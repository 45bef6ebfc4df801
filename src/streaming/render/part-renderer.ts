import { createFlowDoc, type FlowBlock, type FlowSpec, flowBlocks } from './flow-doc.js';
import { renderPartsFrom } from './render-parts.js';
import { isSettled } from './split-block.js';
import type { AnswerSource, RenderedPart, RenderPartsOptions, SourceCursor } from './types.js';

export interface PartRendererOptions {
  /** How many recent flows to remember (each holds the parsed blocks of one part's reasoning or answer). */
  maxEntries?: number;
}

export type RenderParts = (
  source: AnswerSource,
  from: SourceCursor,
  options: RenderPartsOptions,
) => RenderedPart[];

interface Entry {
  kind: FlowSpec['kind'];
  plain: boolean;
  contentStart: number;
  sourceBase: number;
  /** The text these blocks were parsed from; a later call must extend it. */
  doc: string;
  /** Blocks that text appended later cannot change. */
  settled: FlowBlock[];
  /** Where in `doc` the first block that may still change starts: parsing resumes here. */
  resumeAt: number;
}

/** Where a block of any flow derived from `spec` starts in `spec.doc`. */
function startIn(spec: FlowSpec, block: FlowBlock): number {
  return (
    spec.contentStart + (block.flow.sourceBase - spec.sourceBase) + (block.start - block.flow.contentStart)
  );
}

/**
 * `renderTelegramParts` with memory, for streaming: the same results, but each frame re-parses only
 * from the last block that can still change instead of the whole part. Markdown parsing dominates
 * the cost (about 4 ms per 1,000 characters on a slow machine); a frame then costs about the size
 * of the paragraph or code block being written. Answers whose text only grows between calls reuse
 * their blocks; anything else (another cursor, edited text, link definitions) is parsed afresh.
 * Make one per answer, so what it remembers goes with the answer; results never depend on it.
 */
export function createPartRenderer(options: PartRendererOptions = {}): RenderParts {
  const maxEntries = options.maxEntries ?? 4;
  const entries: Entry[] = [];

  const remember = (spec: FlowSpec, blocks: FlowBlock[]): void => {
    let resume = blocks.length - 1;
    // The last block's first line may still be typed into something that joins the block before.
    if (resume >= 0 && !isSettled(spec.doc.slice(startIn(spec, blocks[resume]!)))) resume--;
    if (resume < 1) return;
    const resumeAt = startIn(spec, blocks[resume]!);
    if (resumeAt < spec.contentStart) return;
    entries.unshift({
      kind: spec.kind,
      plain: spec.plain,
      contentStart: spec.contentStart,
      sourceBase: spec.sourceBase,
      doc: spec.doc,
      settled: blocks.slice(0, resume),
      resumeAt,
    });
    if (entries.length > maxEntries) entries.length = maxEntries;
  };

  const blocksFor = (spec: FlowSpec): FlowBlock[] => {
    const index = entries.findIndex(
      (entry) =>
        entry.kind === spec.kind &&
        entry.plain === spec.plain &&
        entry.contentStart === spec.contentStart &&
        entry.sourceBase === spec.sourceBase &&
        spec.doc.startsWith(entry.doc),
    );
    if (index >= 0) {
      const entry = entries.splice(index, 1)[0]!;
      const tailFlow = createFlowDoc({
        ...spec,
        doc: spec.doc.slice(entry.resumeAt),
        contentStart: 0,
        sourceBase: spec.sourceBase + (entry.resumeAt - spec.contentStart),
      });
      // A new link definition can change how earlier blocks render: start over.
      if (tailFlow.definitionNodes.length === 0) {
        const blocks = [...entry.settled, ...flowBlocks(tailFlow)];
        remember(spec, blocks);
        return blocks;
      }
    }
    const flow = createFlowDoc(spec);
    const blocks = flowBlocks(flow);
    if (flow.definitionNodes.length === 0) remember(spec, blocks);
    return blocks;
  };

  return (source, from, renderOptions) => renderPartsFrom(source, from, renderOptions, blocksFor);
}
