import type {
  AnswerSource,
  ReasoningDisplay,
  RenderedPart,
  RenderTelegramParts,
  SourceCursor,
} from '../../../../src/streaming/delivery/types.js';
import type { TelegramEntity } from '../../../../src/streaming/telegram-text.js';

export interface RenderCall {
  from: SourceCursor;
  final: boolean;
  reasoning: ReasoningDisplay;
  /** Source characters rendered in this call (what rendering costs). */
  chars: number;
}

/**
 * A stand-in for the real renderer with the same cursor contract: the shown reasoning (a blockquote,
 * or an expandable one when collapsed) followed by the text, split plainly every `limit` characters.
 * Every part but the last is complete; `end` says where the next part's source begins.
 */
export function createFakeRender() {
  const calls: RenderCall[] = [];

  const render: RenderTelegramParts = (source: AnswerSource, from, options) => {
    const limit = options.limit ?? 4096;
    const reasoning = source.reasoning ?? '';
    const shownReasoning = options.reasoning === 'hidden' ? '' : reasoning.slice(from.reasoningOffset);
    const text = source.text.slice(from.textOffset);
    const stream = shownReasoning + text;
    calls.push({ from, final: options.final, reasoning: options.reasoning, chars: stream.length });

    const cursorAt = (position: number): SourceCursor =>
      position < shownReasoning.length
        ? { reasoningOffset: from.reasoningOffset + position, textOffset: from.textOffset, prefix: '' }
        : {
            reasoningOffset: reasoning.length,
            textOffset: from.textOffset + position - shownReasoning.length,
            prefix: '',
          };

    const parts: RenderedPart[] = [];
    let start = 0;
    do {
      const end = Math.min(stream.length, start + limit);
      const entities: TelegramEntity[] = [];
      const quoteEnd = Math.min(end, shownReasoning.length);
      if (quoteEnd > start) {
        entities.push({
          type: options.reasoning === 'collapsed' ? 'expandable_blockquote' : 'blockquote',
          offset: 0,
          length: quoteEnd - start,
        });
      }
      parts.push({ text: stream.slice(start, end), entities, end: cursorAt(end) });
      start = end;
    } while (start < stream.length);
    return parts;
  };

  return {
    render,
    calls,
    /** Source characters rendered over all calls. */
    get renderedChars() {
      return calls.reduce((sum, call) => sum + call.chars, 0);
    },
  };
}

export type FakeRender = ReturnType<typeof createFakeRender>;
