import { createFlowDoc, type FlowBlock, type FlowDoc, type FlowSpec, flowBlocks } from './flow-doc.js';
import { FlowRecipe, LightBlock, type Lineage } from './light-block.js';
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
  lineage: Lineage;
  /** Blocks that text appended later cannot change, kept without their syntax trees (see `lighten`). */
  settled: FlowBlock[];
  /** Where in `doc` the first block that may still change starts: parsing resumes here. */
  resumeAt: number;
}

/** The flow one call parsed: where its doc sits in the lineage's doc, and its recipe once needed. */
interface Parsed {
  spec: FlowSpec;
  flow: FlowDoc;
  lineage: Lineage;
  from: number;
  recipe?: FlowRecipe;
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
 *
 * Settled blocks are kept as their rendering only: a frame needs nothing else unless the part
 * overflows and a block must be cut, when the block's flow is parsed again from its recipe. The
 * syntax trees (positions on every node) were two thirds of what an answer kept between frames.
 */
export function createPartRenderer(options: PartRendererOptions = {}): RenderParts {
  const maxEntries = options.maxEntries ?? 4;
  const entries: Entry[] = [];
  /**
   * Keeps a block without its tree. Blocks kept earlier are light already; the others come from
   * the one flow this call parsed, whose doc sits at `from` in the lineage's doc.
   */
  const lighten = (spec: FlowSpec, block: FlowBlock, parsed: Parsed): FlowBlock => {
    if (block instanceof LightBlock || block.flow !== parsed.flow) return block;
    parsed.recipe ??= new FlowRecipe(
      withoutDoc(parsed.spec),
      parsed.lineage,
      parsed.from,
      parsed.from + parsed.spec.doc.length,
    );
    const index = block.flow.root.children.indexOf(block.node);
    return new LightBlock(block, parsed.recipe, index, startIn(spec, block));
  };

  const startOfBlock = (spec: FlowSpec, block: FlowBlock): number =>
    block instanceof LightBlock ? block.at : startIn(spec, block);

  const remember = (spec: FlowSpec, blocks: FlowBlock[], parsed: Parsed): void => {
    let resume = blocks.length - 1;
    // The last block's first line may still be typed into something that joins the block before.
    if (resume >= 0 && !isSettled(spec.doc.slice(startOfBlock(spec, blocks[resume]!)))) resume--;
    if (resume < 1) return;
    const resumeAt = startOfBlock(spec, blocks[resume]!);
    if (resumeAt < spec.contentStart) return;
    const { lineage } = parsed;
    lineage.doc = spec.doc;
    entries.unshift({
      kind: spec.kind,
      plain: spec.plain,
      contentStart: spec.contentStart,
      sourceBase: spec.sourceBase,
      doc: spec.doc,
      lineage,
      settled: blocks.slice(0, resume).map((block) => lighten(spec, block, parsed)),
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
      const { lineage, resumeAt, settled } = entries.splice(index, 1)[0]!;
      const tailSpec: FlowSpec = {
        ...spec,
        doc: spec.doc.slice(resumeAt),
        contentStart: 0,
        sourceBase: spec.sourceBase + (resumeAt - spec.contentStart),
      };
      const tailFlow = createFlowDoc(tailSpec);
      // A new link definition can change how earlier blocks render: start over.
      if (tailFlow.definitionNodes.length === 0) {
        const blocks = [...settled, ...flowBlocks(tailFlow)];
        remember(spec, blocks, { spec: tailSpec, flow: tailFlow, lineage, from: resumeAt });
        return blocks;
      }
    }
    const flow = createFlowDoc(spec);
    const blocks = flowBlocks(flow);
    if (flow.definitionNodes.length === 0) {
      remember(spec, blocks, { spec, flow, lineage: { doc: spec.doc }, from: 0 });
    }
    return blocks;
  };

  return (source, from, renderOptions) => renderPartsFrom(source, from, renderOptions, blocksFor);
}

function withoutDoc(spec: FlowSpec): Omit<FlowSpec, 'doc'> {
  const { doc: _doc, ...rest } = spec;
  return rest;
}
