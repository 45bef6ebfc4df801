import type { TelegramText } from '../telegram-text.js';

/** The accumulated model output so far, as Markdown. */
export interface AnswerSource {
  text: string;
  /** Thinking text, shown above the answer (see `RenderPartsOptions.reasoning`). */
  reasoning?: string;
  /**
   * Plain text (no Markdown) shown first, as an expandable quote, in the final rendering only — e.g.
   * the record of the answer's tool calls. It counts in the part's length; it is not part of any
   * cursor, so it appears once, at the top of the first part rendered with `final`.
   */
  record?: string;
}

/**
 * Where a part's source begins. Rendering from a cursor renders `prefix + slice` of the reasoning
 * (while `reasoningOffset` is inside it) and then of the answer text. Treat it as opaque: store
 * the `end` of a committed part and pass it back; `START_CURSOR` starts an answer. `prefix` is Markdown that
 * reopens what a split cut through (a code fence with its language, a quote, a list item, a table
 * header) and repeats link definitions the rest still refers to.
 */
export interface SourceCursor {
  reasoningOffset: number;
  textOffset: number;
  prefix: string;
}

export interface RenderedPart extends TelegramText {
  /** Where the next part's source begins; render from here to continue after this part. */
  end: SourceCursor;
}

export type ReasoningDisplay = 'quote' | 'collapsed' | 'hidden';

export interface RenderPartsOptions {
  /** False while the model is still writing: unfinished Markdown at the end is tidied up. */
  final: boolean;
  /** `quote` while streaming, `collapsed` (expandable quote) when final, `hidden` to leave it out. */
  reasoning: ReasoningDisplay;
  /** Longest part text in UTF-16 units; defaults to Telegram's 4096 (values below 32 count as 32). */
  limit?: number;
}

export const START_CURSOR: SourceCursor = Object.freeze({ reasoningOffset: 0, textOffset: 0, prefix: '' });
