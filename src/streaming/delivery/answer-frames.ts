import type { TelegramText } from '../telegram-text.js';
import type { AnswerState } from './answer-state.js';
import { appendNotice, isBlank, italic, reasoningTailCursor, thinkingLine } from './frame-text.js';
import type { DeliveryOptions } from './options.js';
import type { DeliveryLogger, RenderedPart, RenderTelegramParts } from './types.js';

/**
 * Rendering an answer's frames: the live frame while it streams and the final parts. The renderer is
 * the only expensive step, so it runs only when a granted turn needs a frame. Rendering may find
 * complete parts, which it leaves in `state.ready` for the next decision.
 */
export interface FrameDeps {
  render: RenderTelegramParts;
  options: Pick<DeliveryOptions, 'partLimit' | 'reasoningTailChars' | 'emptyAnswerText'>;
  logger: DeliveryLogger;
  log: object;
  startedAt: number;
}

/** The live frame with the status line (a running tool) under it when there is room. */
export function renderLiveFrame(state: AnswerState, deps: FrameDeps, now: number): TelegramText | undefined {
  const frame = renderLiveText(state, deps, now);
  const { status } = state;
  if (status === undefined) return frame;
  if (!frame || isBlank(frame)) return italic(status.slice(0, deps.options.partLimit));
  return appendNotice([frame], status, deps.options.partLimit)[0];
}

/** The newest rendering of the growing part. */
function renderLiveText(state: AnswerState, deps: FrameDeps, now: number): TelegramText | undefined {
  const { text, reasoning } = state;
  const { partLimit, reasoningTailChars } = deps.options;
  if (text === '' && state.transport === 'edit') {
    if (reasoning === '') return undefined;
    const elapsed = now - deps.startedAt;
    state.thinkingSecondShown = Math.floor(elapsed / 1000);
    return thinkingLine(elapsed);
  }
  if (text === '' && (!state.showReasoning || reasoning === '')) return undefined;
  let parts: RenderedPart[];
  try {
    parts =
      text === ''
        ? deps.render({ text: '', reasoning }, reasoningTailCursor(reasoning, reasoningTailChars), {
            final: false,
            reasoning: 'quote',
            limit: partLimit,
          })
        : renderParts(state, deps, false);
  } catch (error) {
    deps.logger.error({ ...deps.log, err: error }, 'rendering a frame failed; frame skipped');
    return undefined;
  }
  // While only reasoning has arrived, the draft shows its latest part and nothing is committed.
  if (text === '') return parts.at(-1);
  if (parts.length > 1) {
    state.ready = parts.slice(0, -1);
    while (state.ready[0] && isBlank(state.ready[0])) state.cursor = state.ready.shift()!.end;
  }
  return parts.at(-1);
}

function renderParts(state: AnswerState, deps: FrameDeps, final: boolean): RenderedPart[] {
  const record = final ? state.record : undefined;
  return deps.render(
    { text: state.text, reasoning: state.reasoning, ...(record ? { record } : {}) },
    state.cursor,
    {
      final,
      reasoning: state.showReasoning ? 'collapsed' : 'hidden',
      limit: deps.options.partLimit,
    },
  );
}

/** Every part still to send when the answer ends: the complete ones, the rest rendered final, the notice. */
export function buildFinalQueue(state: AnswerState, deps: FrameDeps): TelegramText[] {
  const { text, reasoning } = state;
  let parts: TelegramText[] = [...state.ready];
  if (text !== '' || (state.showReasoning && reasoning !== '')) {
    if (state.ready.at(-1)) state.cursor = state.ready.at(-1)!.end;
    let rendered: TelegramText[];
    try {
      rendered = renderParts(state, deps, true);
    } catch (error) {
      // The final text must not be lost to a renderer bug: send the rest as plain text.
      deps.logger.error({ ...deps.log, err: error }, 'rendering the final text failed; sending plain text');
      rendered = plainParts(text.slice(state.cursor.textOffset), deps.options.partLimit);
    }
    parts.push(...rendered);
  }
  parts = parts.filter((part) => !isBlank(part));
  if (state.notice) parts = appendNotice(parts, state.notice, deps.options.partLimit);
  if (parts.length === 0 && (state.messageIds.length === 0 || state.live)) {
    parts = [italic(deps.options.emptyAnswerText)];
  }
  state.ready = [];
  return parts;
}

function plainParts(text: string, limit: number): TelegramText[] {
  const parts: TelegramText[] = [];
  for (let offset = 0; offset < text.length; offset += limit) {
    parts.push({ text: text.slice(offset, offset + limit), entities: [] });
  }
  return parts;
}
