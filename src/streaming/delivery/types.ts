// The renderer's types, shared so the two sides cannot drift; the renderer itself is injected.
import type { AnswerSource, RenderedPart, RenderPartsOptions, SourceCursor } from '../render/types.js';
import type { InlineKeyboard, TelegramSink } from '../telegram-sink.js';
import type { DeliveryOptionsInput } from './options.js';
import type { ChatType, DeliveryLogger, DeliveryTimers } from './primitives.js';
import type { RateGate } from './rate-gate.js';

export type { AnswerSource, ReasoningDisplay, RenderedPart, SourceCursor } from '../render/types.js';

/** All parts but the last are complete; the last one is still growing unless `final`. */
export type { ChatType, DeliveryLogger, DeliveryTimers, StreamMode } from './primitives.js';

export type RenderTelegramParts = (
  source: AnswerSource,
  from: SourceCursor,
  options: RenderPartsOptions,
) => RenderedPart[];

export type AnswerStatus = 'complete' | 'interrupted' | 'cancelled' | 'error';

/**
 * Why an answer could not be delivered in full:
 * - `chat-gone`: blocked, kicked or chat deleted; the caller should stop the model (see `signal`).
 * - `rejected`: Telegram refused a part even as plain text (`bad-request`/`too-long`); that part was skipped.
 * - `retries-exhausted`: a final or commit call kept failing (5xx, network) and was given up.
 * - `closed`: the engine was closed before the answer was delivered.
 */
export type DeliveryFailure = 'chat-gone' | 'rejected' | 'retries-exhausted' | 'closed';

export interface StartAnswerOptions {
  chatId: number;
  chatType: ChatType;
  threadId?: number;
  /** The user's message: the first message of the answer replies to it. */
  replyToMessageId?: number;
  /**
   * The highest message id known in the chat (usually the user's message id). It is the baseline
   * that lets a `sendMessage` with an ambiguous outcome be checked instead of repeated.
   */
  lastSeenMessageId?: number;
  /** A stable non-zero draft id for this answer; generated when absent. */
  draftId?: number;
  /** Shown under the live message in edit mode and removed by the final edit (e.g. a Stop button). */
  stopKeyboard?: InlineKeyboard;
  /** Show the model's reasoning (collapsed in the final text); false hides it. */
  showReasoning: boolean;
}

export interface FinishOptions {
  status: AnswerStatus;
  /** Appended to the final text as its own italic line, e.g. "⚠️ Interrupted: the model connection was lost." */
  notice?: string;
  /**
   * Plain text shown as an expandable quote at the top of the final text (the record of the tool
   * calls), counted in the part split; with text already committed in earlier parts, it opens the rest.
   */
  record?: string;
}

export interface DeliveryResult {
  /** Telegram message ids of the answer, in order. */
  messageIds: number[];
  parts: number;
  /** True when every part reached Telegram. */
  delivered: boolean;
  failure?: DeliveryFailure;
}

export interface DeliveryStats {
  startedAt: number;
  /** First call that showed answer content (text, reasoning or the thinking line). */
  firstVisibleAt?: number;
  /** The last part was delivered (or delivery ended). */
  finalAt?: number;
  /** Successful content calls: drafts (the empty one too), sends and edits; not chat actions or probes. */
  frames: number;
  /** Parts committed as messages. */
  parts: number;
  /** 429 answers met by this answer. */
  rateLimited: number;
  /** Final or commit calls repeated after a failure. */
  retries: number;
}

export interface AnswerDelivery {
  /** Never awaits Telegram: it only records the text and wakes the scheduler. */
  appendText(delta: string): void;
  appendReasoning(delta: string): void;
  /**
   * A transient italic line under the live frame (e.g. a running tool), or undefined to remove it.
   * Never part of the final text; like appendText it only records it and wakes the scheduler.
   */
  setStatus(line: string | undefined): void;
  /** Delivers the final text; resolves once every part reached Telegram or delivery gave up. Idempotent. */
  finish(options: FinishOptions): Promise<DeliveryResult>;
  /**
   * Aborted (reason: `DeliveryStoppedError`) when delivery cannot go on: chat gone, retries exhausted,
   * engine closed. Stop the model then; `finish` still resolves with what was delivered.
   */
  readonly signal: AbortSignal;
  readonly stats: Readonly<DeliveryStats>;
  readonly draftId: number;
  /** `draft` or `edit`; may change from draft to edit when Telegram refuses drafts. */
  readonly transport: 'draft' | 'edit';
}

export interface DeliveryEngine {
  startAnswer(options: StartAnswerOptions): AnswerDelivery;
  /** Resolves when every answer whose `finish` was called has been delivered (or given up). */
  drain(): Promise<void>;
  /** Ends every answer still running (`closed`) and stops the gate; no calls are made afterwards. */
  close(): Promise<void>;
}

export interface DeliveryEngineDeps {
  sink: TelegramSink;
  /** Makes the renderer for one answer (a renderer may remember that answer's parsed blocks). */
  createRenderer: () => RenderTelegramParts;
  /** Shared rate gate; one is created from `options.budgets` when absent (and closed with the engine). */
  gate?: RateGate;
  timers?: DeliveryTimers;
  logger?: DeliveryLogger;
  options?: DeliveryOptionsInput;
}
