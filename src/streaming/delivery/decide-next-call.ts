/**
 * How delivery decides — the pure half of an answer's delivery, for a newcomer.
 *
 * The state (answer-state.ts) is plain data: the text and reasoning the model wrote, the parts
 * already committed as messages (`messageIds`, `cursor`), complete parts waiting (`ready`), what
 * Telegram shows now (`draftShown`, `live`), the final parts still owed (`finalQueue`), an ambiguous
 * send being checked (`probe`), and the brakes (`notBefore` after a failure, `failure`).
 *
 * The decision is three small functions of that state and the clock, with no I/O and no timers:
 * - `decideWake`: anything to do, and when? idle, sleep until a backoff ends, end the answer, or
 *   ask the rate gate for a turn at a priority (`callPriority`: first text and final text first).
 * - `decideTurn`: the gate granted a turn; what comes first? Checking an ambiguous send, then the
 *   final parts, then complete parts, and only then the live frame, which must be rendered first.
 * - `decideFrameCall`: given the rendered live frame, a draft, a first `sendMessage`, an edit, or
 *   nothing when Telegram already shows exactly that (latest-wins: the frame is read at grant time).
 * What a failed call changes (429, message gone, ambiguous network error...) is decided the same
 * way in decide-after-failure.ts.
 *
 * The shell (answer-delivery.ts) does the rest: it asks the gate, renders, performs the call the
 * decision names through the sink, writes the outcome back into the state, and arms timers.
 */
import type { TelegramText } from '../telegram-text.js';
import type { AnswerState, Call } from './answer-state.js';
import type { CallPriority } from './call-priority.js';
import { isBlank, sameTelegramText } from './frame-text.js';

const EMPTY_TEXT: TelegramText = { text: '', entities: [] };

export type WakeDecision =
  /** Nothing to send until the state changes. */
  | { kind: 'idle' }
  /** A backoff runs: wake again then. */
  | { kind: 'sleep'; until: number }
  /** Every final part is out: the answer is delivered (asking the gate would only delay that). */
  | { kind: 'end' }
  | { kind: 'ask'; priority: CallPriority };

export function decideWake(state: AnswerState, now: number): WakeDecision {
  if (state.phase === 'done') return { kind: 'idle' };
  if (state.phase === 'finishing' && state.finalQueue?.length === 0 && !state.probe) return { kind: 'end' };
  if (!hasWork(state)) return { kind: 'idle' };
  if (state.notBefore > now) return { kind: 'sleep', until: state.notBefore };
  return { kind: 'ask', priority: callPriority(state) };
}

export function hasWork(state: AnswerState): boolean {
  if (state.phase === 'done') return false;
  if (state.probe || state.phase === 'finishing' || state.ready.length > 0) return true;
  if (state.transport === 'draft' && !state.placeholderSent && state.draftShown === undefined) return true;
  return state.dirty || state.keepAliveDue;
}

export function callPriority(state: AnswerState): CallPriority {
  if (state.phase === 'finishing' || state.ready.length > 0 || state.probe?.item) {
    return state.visible ? 'final' : 'reveal';
  }
  if (state.visible) return 'update';
  // The empty "Thinking…" draft must not take a turn from another answer's real first text; when
  // text arrives while it waits, the request is asked again at `first` and sends the text instead.
  return hasContent(state) ? 'first' : 'placeholder';
}

/** Something a frame would show: text, or reasoning where it is shown while streaming. */
export function hasContent(state: AnswerState): boolean {
  if (state.text !== '') return true;
  return state.reasoning !== '' && (state.transport === 'edit' || state.showReasoning);
}

/** A draft is on screen and the answer still streams: it must be refreshed before it vanishes. */
export function keepAliveWanted(state: AnswerState): boolean {
  return (
    state.phase === 'streaming' &&
    state.transport === 'draft' &&
    (state.placeholderSent || state.draftShown !== undefined)
  );
}

export type TurnStep =
  | { kind: 'call'; call: Call }
  /** Every candidate of the probe was our own message: nothing left to check. */
  | { kind: 'drop-probe' }
  /** Finishing, and the final parts are not rendered yet. */
  | { kind: 'build-final' }
  /** A complete part with nothing visible in it: skip it. */
  | { kind: 'skip-blank' }
  | { kind: 'end' }
  /** Nothing is owed but the live frame: render it, then ask `decideFrameCall`. */
  | { kind: 'render-frame' };

/**
 * What a granted turn does first. `ownMessageIds` are our own recent messages in the chat, never
 * candidates for a lost send. The shell applies a non-call step and asks again.
 */
export function decideTurn(state: AnswerState, ownMessageIds: readonly number[]): TurnStep {
  const { probe } = state;
  if (probe) {
    const messageId = probe.candidates.find((id) => !ownMessageIds.includes(id));
    if (messageId !== undefined) return { kind: 'call', call: { kind: 'probe', probe, messageId } };
    return { kind: 'drop-probe' };
  }
  if (state.phase === 'finishing') {
    if (!state.finalQueue) return { kind: 'build-final' };
    const first = state.finalQueue[0];
    if (!first) return { kind: 'end' };
    return { kind: 'call', call: { kind: 'commit', item: { text: first, from: 'final' } } };
  }
  const part = state.ready[0];
  if (part && isBlank(part)) return { kind: 'skip-blank' };
  if (part) return { kind: 'call', call: { kind: 'commit', item: { text: part, from: 'ready' } } };
  return { kind: 'render-frame' };
}

/**
 * The call for the freshly rendered live frame (rendering may have found complete parts: those are
 * committed first). `keepAlive`: a draft must be re-sent even if unchanged.
 */
export function decideFrameCall(
  state: AnswerState,
  frame: TelegramText | undefined,
  keepAlive: boolean,
): Call | undefined {
  const part = state.ready[0];
  if (part) return { kind: 'commit', item: { text: part, from: 'ready' } };
  if (state.transport === 'draft') {
    if (!frame || isBlank(frame)) {
      const placeholderWanted = (!state.placeholderSent && state.draftShown === undefined) || keepAlive;
      return placeholderWanted ? { kind: 'draft', text: EMPTY_TEXT, placeholder: true } : undefined;
    }
    if (sameTelegramText(frame, state.draftShown) && !keepAlive) return undefined;
    return { kind: 'draft', text: frame, placeholder: false };
  }
  if (!frame || isBlank(frame)) return undefined;
  if (!state.live) return { kind: 'live-send', text: frame };
  if (sameTelegramText(frame, state.live.shown)) return undefined;
  return { kind: 'live-edit', text: frame, live: state.live };
}
