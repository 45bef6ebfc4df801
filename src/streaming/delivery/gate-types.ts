import type { CallPriority } from './call-priority.js';
import type { RateBudget } from './options.js';
import type { ChatType } from './primitives.js';
import type { TokenBucket } from './token-bucket.js';

/** The rate gate's contract (the seam) and the plain records its shell (rate-gate.ts) keeps. */
export interface CallRequest {
  chatId: number;
  chatType: ChatType;
  priority: CallPriority;
  /**
   * `chat` (default): charged to the chat's budget and to the bot's. `bot`: charged to the bot-wide
   * budget only (chat actions: Telegram counts them against the bot's limit, not the chat's); such a
   * call still waits out the chat's 429 hold, but neither waits for nor delays the chat's frames.
   */
  scope?: 'chat' | 'bot';
  /** Aborting withdraws the request; `acquire` then resolves `undefined`. */
  signal?: AbortSignal;
}

/** The right to make one Telegram call in a chat now. Release it when the call has finished. */
export interface CallPermit {
  /** `unused`: nothing was sent after all (e.g. the frame had not changed); the chat's budget is given back. */
  release(options?: { unused?: boolean }): void;
}

/**
 * Decides when a Telegram call may go. The one seam a shared store (e.g. Redis, so that several bot
 * processes share the global budget) would replace: everything else in delivery only asks it for turns.
 */
export interface RateGate {
  /** Waits for a turn; `undefined` when the request was withdrawn or the gate closed. */
  acquire(request: CallRequest): Promise<CallPermit | undefined>;
  /** A 429: holds the chat (or, without a chat, the whole bot) for `retryAfterMs`. */
  reportRateLimit(chatId: number | undefined, retryAfterMs: number): void;
  close(): Promise<void>;
}

// ---- the shell's records ----------------------------------------------------------------------

export interface Waiter {
  rank: number;
  seq: number;
  resolve: (permit: CallPermit | undefined) => void;
  detach: () => void;
}

export interface ChatState {
  chatId: number;
  budget: RateBudget;
  bucket: TokenBucket;
  heldUntil: number;
  inFlight: boolean;
  /** Grant times within the budget's sliding window, oldest first (when it has one). */
  grants: number[];
  waiters: Waiter[];
  /** This chat's one place in the global queue; an entry that is no longer this one is stale. */
  turn: ChatTurn | undefined;
  timer: unknown;
  timerAt: number;
}

export interface ChatTurn {
  kind: 'chat';
  chat: ChatState;
  rank: number;
}

/** A `bot`-scope request (a chat action): it waits in the global queue itself. */
export interface BotTurn {
  kind: 'bot';
  chatId: number;
  rank: number;
  waiter: Waiter;
  /** `parked`: out of the queue until the chat's 429 hold ends (`timer`). */
  state: 'queued' | 'parked' | 'done';
  timer: unknown;
}

export type Turn = ChatTurn | BotTurn;
