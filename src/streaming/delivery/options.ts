import { MESSAGE_TEXT_LIMIT } from '../telegram-text.js';
import type { StreamMode } from './primitives.js';

/**
 * A per-chat token bucket: `burst` calls at once, one more every `refillMs`, never closer than
 * `minSpacingMs`. In any window of W ms a chat gets at most `burst + floor(W / refillMs)` calls.
 */
export interface RateBudget {
  burst: number;
  refillMs: number;
  minSpacingMs: number;
  /**
   * Tokens that intermediate frames (and the "Thinking…" placeholder) leave in the bucket, so the
   * final text and the first text do not wait for a refill (in a group, up to 3.5 s). Frames keep
   * their pace; only the bucket's first burst is smaller. At most `burst - 1` is kept.
   */
  finalReserve: number;
  /**
   * Optionally also a strict sliding window: at most `limit` calls in any `windowMs` (a private
   * chat's "short bursts tolerated", read strictly). The bucket then never holds more tokens than
   * the window has places, so frames never bunch when the window opens.
   */
  window?: { limit: number; windowMs: number };
}

export interface GateOptions {
  /**
   * Calls per second for the whole bot. Enforced as a minimum spacing of 1000/perSecond ms, so no
   * one-second window ever holds more, whatever the traffic pattern.
   */
  globalPerSecond: number;
  /** Private chats: Telegram tolerates about one message a second with short bursts. */
  private: RateBudget;
  /** Groups and supergroups: 20 per minute (edits count too), at least 1 s apart. */
  group: RateBudget;
  /**
   * When this many different chats get a 429 within `globalHoldWindowMs`, the whole bot is held, for the
   * shortest of their waits (each chat keeps its own longer hold).
   */
  globalHoldAfterChats: number;
  globalHoldWindowMs: number;
}

export interface DeliveryOptions {
  /** `auto`: drafts in private chats, send + edit elsewhere. */
  mode: StreamMode;
  gate: GateOptions;
  /** Characters per part; Telegram's limit unless a test wants small parts. */
  partLimit: number;
  /** Typing status lasts up to 5 s; refresh it a little before. */
  typingIntervalMs: number;
  /** A draft disappears after about 30 s without an update; re-send it before that while the model is silent. */
  draftKeepAliveMs: number;
  /** Backoff for final and commit calls after 5xx or network failures (429s wait for the hold instead). */
  finalRetry: { baseMs: number; maxMs: number; maxAttempts: number };
  /** How many message ids above the highest known one are checked after an ambiguous `sendMessage`. */
  probeWindow: number;
  /** While only reasoning has arrived, a draft shows at most about this many of its last characters. */
  reasoningTailChars: number;
  /** Sent when an answer ends with nothing to show and no notice. */
  emptyAnswerText: string;
  /** Chats remembered (draft refusal, highest message id); the oldest are forgotten first. */
  chatMemorySize: number;
}

export type GateOptionsInput = Partial<Omit<GateOptions, 'private' | 'group'>> & {
  private?: Partial<RateBudget>;
  group?: Partial<RateBudget>;
};

export type DeliveryOptionsInput = Partial<Omit<DeliveryOptions, 'gate' | 'finalRetry'>> & {
  gate?: GateOptionsInput;
  finalRetry?: Partial<DeliveryOptions['finalRetry']>;
};

// Working values from docs/telegram.md; the group bucket (3 + one per 3.53 s) never exceeds 20 per minute.
export const DEFAULT_GATE_OPTIONS: GateOptions = {
  globalPerSecond: 30,
  // No reserve in private chats: with a burst of 2, the placeholder and the first text would leave
  // the second frame 2 s behind, to save a final text at most 1 s.
  private: { burst: 2, refillMs: 1000, minSpacingMs: 0, finalReserve: 0 },
  group: { burst: 3, refillMs: 3530, minSpacingMs: 1000, finalReserve: 1 },
  globalHoldAfterChats: 3,
  globalHoldWindowMs: 1000,
};

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  mode: 'auto',
  gate: DEFAULT_GATE_OPTIONS,
  partLimit: MESSAGE_TEXT_LIMIT,
  typingIntervalMs: 4000,
  draftKeepAliveMs: 20_000,
  finalRetry: { baseMs: 500, maxMs: 30_000, maxAttempts: 12 },
  probeWindow: 3,
  reasoningTailChars: 3000,
  emptyAnswerText: 'The model returned an empty answer.',
  chatMemorySize: 10_000,
};

export function resolveGateOptions(input: GateOptionsInput = {}): GateOptions {
  const { private: privateBudget, group, ...rest } = input;
  return {
    ...DEFAULT_GATE_OPTIONS,
    ...rest,
    private: { ...DEFAULT_GATE_OPTIONS.private, ...privateBudget },
    group: { ...DEFAULT_GATE_OPTIONS.group, ...group },
  };
}

export function resolveDeliveryOptions(input: DeliveryOptionsInput = {}): DeliveryOptions {
  const { gate, finalRetry, ...rest } = input;
  return {
    ...DEFAULT_DELIVERY_OPTIONS,
    ...rest,
    gate: resolveGateOptions(gate),
    finalRetry: { ...DEFAULT_DELIVERY_OPTIONS.finalRetry, ...finalRetry },
  };
}
