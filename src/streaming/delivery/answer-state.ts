import type { InlineKeyboard } from '../telegram-sink.js';
import type { TelegramText } from '../telegram-text.js';
import type { DeliveryFailure, RenderedPart, SourceCursor } from './types.js';

/**
 * One answer's delivery state as plain data: what the model wrote, what Telegram shows, what is
 * still owed. The decision functions (decide-next-call.ts, decide-after-failure.ts) read it; only
 * the shell (answer-delivery.ts and its helpers) changes it, from appends and call outcomes.
 */
export interface AnswerState {
  transport: 'draft' | 'edit';
  phase: 'streaming' | 'finishing' | 'done';
  /** Whether the final text carries the reasoning (collapsed) and drafts show it while streaming. */
  showReasoning: boolean;
  text: string;
  reasoning: string;
  notice: string | undefined;
  /** The record of tool calls, an expandable quote opening the final text (never in streaming frames). */
  record: string | undefined;
  /** A transient italic line under the live frame (a running tool). */
  status: string | undefined;
  /** Where the first part not yet committed begins. */
  cursor: SourceCursor;
  /** Complete parts rendered but not committed yet; `ready[0]` begins at `cursor`. */
  ready: RenderedPart[];
  /** The final parts still to send, built once when finishing. */
  finalQueue: TelegramText[] | undefined;
  /** Committed messages, in order. */
  messageIds: number[];
  /** Something changed since the last frame. */
  dirty: boolean;
  /** The reader sees something (text, reasoning or the thinking line). */
  visible: boolean;
  sentMessages: number;
  /** The message to reply to is gone: later sends go without the reply. */
  replyDisabled: boolean;
  draftShown: TelegramText | undefined;
  placeholderSent: boolean;
  /** Last draft attempt: a draft vanishes ~30 s after its last update, so keep-alives count from here. */
  lastDraftAt: number;
  keepAliveDue: boolean;
  live: LiveMessage | undefined;
  thinkingSecondShown: number;
  probe: PendingProbe | undefined;
  /** Failed attempts of the current commit (5xx, network). */
  attempts: number;
  /** The current commit goes as plain text: Telegram refused its entities. */
  plainFallback: boolean;
  /** Backoff: no call before this time. */
  notBefore: number;
  failure: DeliveryFailure | undefined;
}

/** The live message in edit mode: the one being edited while its part grows. */
export interface LiveMessage {
  messageId: number;
  shown: TelegramText;
  keyboard: boolean;
}

/** A `sendMessage` whose outcome was ambiguous, being checked id by id before anything else happens. */
export interface PendingProbe {
  text: TelegramText;
  keyboard: InlineKeyboard | undefined;
  /** The commit this send was for; none when it was the first frame of a live message. */
  item: CommitItem | undefined;
  /** Message ids still to check, lowest first. */
  candidates: number[];
}

/** Something to make permanent: a complete part during streaming, or one of the final parts. */
export interface CommitItem {
  text: TelegramText;
  from: 'ready' | 'final';
}

/** The one Telegram call a granted turn makes. */
export type Call =
  | { kind: 'draft'; text: TelegramText; placeholder: boolean }
  | { kind: 'live-send'; text: TelegramText }
  | { kind: 'live-edit'; text: TelegramText; live: LiveMessage }
  | { kind: 'commit'; item: CommitItem }
  | { kind: 'probe'; probe: PendingProbe; messageId: number };

export const START_CURSOR: SourceCursor = { reasoningOffset: 0, textOffset: 0, prefix: '' };

export function initialAnswerState(start: {
  transport: 'draft' | 'edit';
  showReasoning: boolean;
  startedAt: number;
}): AnswerState {
  return {
    transport: start.transport,
    phase: 'streaming',
    showReasoning: start.showReasoning,
    text: '',
    reasoning: '',
    notice: undefined,
    record: undefined,
    status: undefined,
    cursor: START_CURSOR,
    ready: [],
    finalQueue: undefined,
    messageIds: [],
    dirty: false,
    visible: false,
    sentMessages: 0,
    replyDisabled: false,
    draftShown: undefined,
    placeholderSent: false,
    lastDraftAt: start.startedAt,
    keepAliveDue: false,
    live: undefined,
    thinkingSecondShown: -1,
    probe: undefined,
    attempts: 0,
    plainFallback: false,
    notBefore: 0,
    failure: undefined,
  };
}
