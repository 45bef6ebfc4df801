import { createFlowDoc, type FlowBlock, type FlowDoc, type FlowSpec, flowBlocks } from './flow-doc.js';

/**
 * The text an answer's flows were parsed from, shared along one chain of render-cache entries: each
 * later doc extends the earlier ones, so the newest holds every range a kept block came from.
 */
export interface Lineage {
  doc: string;
}

/**
 * A parsed flow reduced to how to parse it again: its spec, with the doc as a range of the
 * lineage's doc. Parsing the same text with the same spec gives the same blocks (the render cache
 * relies on that anyway), so the syntax trees need not be kept between frames.
 */
export class FlowRecipe {
  private parsed: { flow: FlowDoc; blocks: FlowBlock[] } | undefined;
  private lightFlow: LightFlow | undefined;

  constructor(
    readonly spec: Omit<FlowSpec, 'doc'>,
    readonly lineage: Lineage,
    readonly from: number,
    readonly to: number,
  ) {}

  /** The flow parsed again (once): only when a kept block must be cut or a cursor placed before it. */
  reparse(): { flow: FlowDoc; blocks: FlowBlock[] } {
    if (!this.parsed) {
      const flow = createFlowDoc({ ...this.spec, doc: this.lineage.doc.slice(this.from, this.to) });
      this.parsed = { flow, blocks: flowBlocks(flow) };
    }
    return this.parsed;
  }

  get flow(): FlowDoc {
    this.lightFlow ??= new LightFlow(this);
    return this.lightFlow;
  }
}

/** A flow whose plain fields are at hand and whose text and tree are parsed again on first use. */
class LightFlow implements FlowDoc {
  readonly kind: FlowDoc['kind'];
  readonly contentStart: number;
  readonly sourceBase: number;
  readonly lookaheadEnd: number;
  readonly streaming: boolean;
  readonly plain: boolean;

  constructor(private readonly recipe: FlowRecipe) {
    const { spec } = recipe;
    this.kind = spec.kind;
    this.contentStart = spec.contentStart;
    this.sourceBase = spec.sourceBase;
    this.lookaheadEnd = spec.lookaheadEnd ?? 0;
    this.streaming = spec.streaming;
    this.plain = spec.plain;
  }

  get doc(): string {
    return this.recipe.reparse().flow.doc;
  }

  get root(): FlowDoc['root'] {
    return this.recipe.reparse().flow.root;
  }

  get definitions(): FlowDoc['definitions'] {
    return this.recipe.reparse().flow.definitions;
  }

  get definitionNodes(): FlowDoc['definitionNodes'] {
    return this.recipe.reparse().flow.definitionNodes;
  }
}

/**
 * A settled block as the render cache keeps it: its rendering, which is all a frame needs, and its
 * recipe for the rare frame that must cut it (a part overflowing) or reopen what precedes it.
 */
export class LightBlock implements FlowBlock {
  readonly text: string;
  readonly entities: FlowBlock['entities'];
  readonly shift: number;
  readonly start: number;
  readonly end: number;
  readonly growing: boolean;

  constructor(
    block: FlowBlock,
    private readonly recipe: FlowRecipe,
    private readonly index: number,
    /** Where the block starts in its lineage's doc. */
    readonly at: number,
  ) {
    this.text = block.text;
    this.entities = block.entities;
    this.shift = block.shift ?? 0;
    this.start = block.start;
    this.end = block.end;
    this.growing = block.growing;
  }

  get flow(): FlowDoc {
    return this.recipe.flow;
  }

  get node(): FlowBlock['node'] {
    return this.recipe.reparse().blocks[this.index]!.node;
  }
}
