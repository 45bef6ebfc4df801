/**
 * The rate gate's decisions as pure functions over plain data and the clock (rate-gate.ts is the
 * shell that keeps the queues, waiters and timers):
 * - `paceAllowance`: how many turns the bot-wide pace lets go now, or when the next may;
 * - `decideChatDispatch`: whether a chat's best waiting request may join the global queue now, must
 *   wait for its own budget or hold, or the chat can be forgotten;
 * - `slidingWindowReadyAt` / `fitBucketToWindow`: a private chat's strict window (3 in any 3 s) on
 *   top of its token bucket, and the one state change that keeps its frames from bunching;
 * - `decideGlobalHold`: whether 429s in several chats at once mean the whole bot must hold.
 * `recordGrant` and `fitBucketToWindow` are the state changes the shell applies after a grant.
 */
import { PRIORITY_RANK } from './call-priority.js';
import type { RateBudget } from './options.js';
import { type TokenBucket, tokenBucketIdleAt, tokenBucketReadyAt } from './token-bucket.js';

/**
 * How far behind its spacing the global clock may fall (event loop blocked) and still catch up at once.
 * Measured: 1000 ms bunched up to 59 calls into one second at Telegram's end (granted calls wait for the
 * loop too) and earned 429s at 500 answers; 500 ms stayed at 0 × 429 with the budget fully used.
 */
export const CATCH_UP_MS = 500;
export const WINDOW_MS = 1000;

/** The bot-wide pace: turns spaced `spacingMs` apart, and never more than `windowLimit` in any second. */
export interface GlobalPace {
  windowLimit: number;
  spacingMs: number;
  /** Grant times of the last `windowLimit` grants, oldest first. */
  recentGrants: number[];
  /** The virtual clock of the spacing; may run up to CATCH_UP_MS behind real time. */
  nextSlotAt: number;
  /** A bot-wide 429 hold. */
  heldUntil: number;
}

export function createGlobalPace(perSecond: number): GlobalPace {
  return {
    windowLimit: Math.max(1, Math.floor(perSecond)),
    spacingMs: Math.ceil(1000 / perSecond),
    recentGrants: [],
    nextSlotAt: Number.NEGATIVE_INFINITY,
    heldUntil: 0,
  };
}

/** How many turns may go at `now`; when none, the earliest time one may. */
export function paceAllowance(pace: Readonly<GlobalPace>, now: number): { count: number; at: number } {
  if (pace.heldUntil > now) return { count: 0, at: pace.heldUntil };
  const grants = pace.recentGrants;
  let oldest = 0;
  while (oldest < grants.length && grants[oldest]! <= now - WINDOW_MS) oldest++;
  const windowLeft = pace.windowLimit - (grants.length - oldest);
  if (windowLeft <= 0) return { count: 0, at: grants[oldest]! + WINDOW_MS };
  const firstSlot = Math.max(pace.nextSlotAt, now - CATCH_UP_MS);
  if (firstSlot > now) return { count: 0, at: firstSlot };
  return { count: Math.min(windowLeft, Math.floor((now - firstSlot) / pace.spacingMs) + 1), at: now };
}

/** Counts a grant at `now` (the shell calls it for each turn it grants). */
export function recordGrant(pace: GlobalPace, now: number): void {
  pace.recentGrants.push(now);
  while (pace.recentGrants.length > pace.windowLimit) pace.recentGrants.shift();
  pace.nextSlotAt = Math.max(pace.nextSlotAt, now - CATCH_UP_MS) + pace.spacingMs;
}

/** What the gate knows about one chat's budget, for the decision. */
export interface ChatBudgetState {
  budget: RateBudget;
  /** Refilled to `now` by the caller (refillTokenBucket). */
  bucket: TokenBucket;
  /** Grant times, oldest first, for the budget's sliding window. */
  grants: readonly number[];
  heldUntil: number;
  inFlight: boolean;
  /** The rank of the chat's best waiting request, if any. */
  bestRank: number | undefined;
  /** The rank the chat is queued at in the global queue, if it is. */
  queuedRank: number | undefined;
}

export type ChatDispatch =
  /** A call of this chat is under way: nothing until it is released. */
  | { kind: 'busy' }
  /** No request waits and the budget is whole again: the chat's state can be dropped. */
  | { kind: 'forget' }
  /** Out of the global queue; look again at `at` (budget refill, hold end, or idle). */
  | { kind: 'wait'; at: number }
  /** Already queued at the right rank. */
  | { kind: 'keep' }
  /** Join (or move in) the global queue at `rank`. */
  | { kind: 'queue'; rank: number };

export function decideChatDispatch(chat: ChatBudgetState, now: number): ChatDispatch {
  if (chat.inFlight) return { kind: 'busy' };
  if (chat.bestRank === undefined) {
    const windowIdleAt = chat.budget.window ? (chat.grants.at(-1) ?? 0) + chat.budget.window.windowMs : 0;
    const idleAt = Math.max(chat.heldUntil, tokenBucketIdleAt(chat.bucket, chat.budget), windowIdleAt);
    return idleAt <= now ? { kind: 'forget' } : { kind: 'wait', at: idleAt };
  }
  const at = chatReadyAt(chat, now, chat.bestRank);
  if (at > now) return { kind: 'wait', at };
  if (chat.queuedRank === chat.bestRank) return { kind: 'keep' };
  return { kind: 'queue', rank: chat.bestRank };
}

/**
 * When the chat's own budget and hold allow a call at `rank` (the bot-wide pace is the queue's
 * business). Calls below `first` leave the budget's final reserve in the bucket.
 */
export function chatReadyAt(
  chat: Pick<ChatBudgetState, 'budget' | 'bucket' | 'grants' | 'heldUntil'>,
  now: number,
  rank: number,
): number {
  const reserve = rank > PRIORITY_RANK.first ? chat.budget.finalReserve : 0;
  const bucketAt = tokenBucketReadyAt(chat.bucket, chat.budget, now, reserve);
  const window = chat.budget.window;
  const windowAt = window ? slidingWindowReadyAt(chat.grants, window, now) : now;
  return Math.max(chat.heldUntil, bucketAt, windowAt);
}

/** When one more call fits a sliding window of `limit` calls per `windowMs`, given the grant times (oldest first). */
export function slidingWindowReadyAt(
  grants: readonly number[],
  window: { limit: number; windowMs: number },
  now: number,
): number {
  let oldest = 0;
  while (oldest < grants.length && grants[oldest]! <= now - window.windowMs) oldest++;
  const limit = Math.max(1, window.limit);
  return grants.length - oldest < limit ? now : grants[grants.length - limit]! + window.windowMs;
}

/**
 * After a grant at `now` (already in `grants` and taken from the bucket): the bucket keeps no more
 * tokens than the window has places left; when it is cut, or the window is full, its refill starts
 * again from `now`.
 * Why: tokens that pile up while the window is full would let frames out in pairs the moment it
 * opens, and a window whose calls bunch keeps the final text waiting up to a whole window; cut, the
 * frames go about one refill apart and the final text finds a place within about a refill.
 */
export function fitBucketToWindow(
  bucket: TokenBucket,
  grants: readonly number[],
  window: { limit: number; windowMs: number },
  now: number,
): void {
  const inWindow = grants.filter((at) => at > now - window.windowMs).length;
  const places = Math.max(0, window.limit - inWindow);
  if (places > 0 && bucket.tokens <= places) return;
  bucket.tokens = places;
  bucket.refilledAt = Math.max(bucket.refilledAt, now);
}

export interface RecentRateLimit {
  chatId: number;
  at: number;
  until: number;
}

/**
 * A 429 in `chatId` until `until`: the recent 429s to remember, and the bot-wide hold they call for
 * (undefined: none). Several chats limited at once means the bot-wide budget is exhausted, not one
 * chat's; the hold lasts as long as the shortest of their waits, since a longer one is that chat's
 * own flood wait and must not stop every other chat for minutes.
 */
export function decideGlobalHold(
  recent: readonly RecentRateLimit[],
  latest: RecentRateLimit,
  options: { globalHoldAfterChats: number; globalHoldWindowMs: number },
): { recent: RecentRateLimit[]; holdUntil: number | undefined } {
  const kept = [...recent.filter((entry) => entry.at >= latest.at - options.globalHoldWindowMs), latest];
  const latestByChat = new Map(kept.map((entry) => [entry.chatId, entry.until]));
  const holdUntil =
    latestByChat.size >= options.globalHoldAfterChats ? Math.min(...latestByChat.values()) : undefined;
  return { recent: kept, holdUntil };
}
