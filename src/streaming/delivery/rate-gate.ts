import Bottleneck from 'bottleneck';
import { type GateOptions, type GateOptionsInput, type RateBudget, resolveGateOptions } from './options.js';
import { systemTimers } from './system-timers.js';
import {
  createTokenBucket,
  drainTokenBucketUntil,
  refillTokenBucket,
  type TokenBucket,
  tokenBucketIdleAt,
  tokenBucketReadyAt,
} from './token-bucket.js';
import type { ChatType, DeliveryTimers } from './types.js';

/**
 * `final`: commits and final text; `first`: the first visible text of an answer; `update`: intermediate
 * frames; `background`: chat actions, which must never delay a frame.
 */
export type CallPriority = 'final' | 'first' | 'update' | 'background';

export interface CallRequest {
  chatId: number;
  chatType: ChatType;
  priority: CallPriority;
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

const PRIORITY_RANK: Record<CallPriority, number> = { final: 0, first: 1, update: 5, background: 9 };

interface Waiter {
  rank: number;
  seq: number;
  resolve: (permit: CallPermit | undefined) => void;
  detach: () => void;
}

interface ChatState {
  chatId: number;
  budget: RateBudget;
  bucket: TokenBucket;
  heldUntil: number;
  inFlight: boolean;
  waiters: Waiter[];
  /** Ranks of this chat's turns waiting in the global queue. */
  queuedTurns: number[];
  timer: unknown;
  timerAt: number;
}

/**
 * How the work is split, and why:
 * - The global budget and the cross-chat order are one Bottleneck limiter (`maxConcurrent: 1`,
 *   `minTime: 1000/globalPerSecond`, priorities). Each chat has at most one turn per priority waiting in it,
 *   so FIFO within a priority is round-robin across chats: a chat goes to the back after every call,
 *   however fast its model writes. `maxConcurrent: 1` keeps Bottleneck from committing more than one turn
 *   ahead, so a final that arrives late still overtakes queued updates. A turn only grants; the Telegram
 *   call runs outside the limiter, so slow calls never slow other chats. This limiter is the part a Redis
 *   datastore can share between processes with the same API.
 * - Per-chat budgets are a small token bucket here, not a Bottleneck per chat: a chained chat limiter
 *   charges a call when it enters the global queue rather than when it goes out (which lets calls bunch up
 *   under global congestion), cannot express a 429 hold, and a Group would add a limiter per chat.
 *   A chat only enters the global queue once its own budget allows a call, so global turns are not
 *   wasted on chats that must wait anyway; idle chats are forgotten once their bucket is full again.
 * - One call at a time per chat: frames of one message then reach Telegram in order, and parts too.
 */
export function createRateGate(
  deps: { options?: GateOptionsInput; timers?: DeliveryTimers } = {},
): RateGate & { readonly trackedChats: number } {
  const options: GateOptions = resolveGateOptions(deps.options);
  const timers = deps.timers ?? systemTimers;
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / options.globalPerSecond) });
  const chats = new Map<number, ChatState>();
  const recentRateLimits: { chatId: number; at: number; until: number }[] = [];
  let globalHeldUntil = 0;
  let seq = 0;
  let closed = false;

  const budgetFor = (chatType: ChatType) => (chatType === 'private' ? options.private : options.group);

  function chatFor(chatId: number, chatType: ChatType): ChatState {
    const budget = budgetFor(chatType);
    let chat = chats.get(chatId);
    if (chat) {
      if (chat.budget !== budget) {
        chat.budget = budget;
        const now = timers.now();
        if (chat.heldUntil > now) drainTokenBucketUntil(chat.bucket, budget, chat.heldUntil);
        else chat.bucket.tokens = Math.min(chat.bucket.tokens, budget.burst);
      }
    } else {
      chat = {
        chatId,
        budget,
        bucket: createTokenBucket(budget, timers.now()),
        heldUntil: 0,
        inFlight: false,
        waiters: [],
        queuedTurns: [],
        timer: undefined,
        timerAt: 0,
      };
      chats.set(chatId, chat);
    }
    return chat;
  }

  function readyAt(chat: ChatState, now: number): number {
    refillTokenBucket(chat.bucket, chat.budget, now);
    return Math.max(chat.heldUntil, globalHeldUntil, tokenBucketReadyAt(chat.bucket, chat.budget, now));
  }

  function wakeAt(chat: ChatState, at: number): void {
    if (chat.timer !== undefined && chat.timerAt <= at) return;
    if (chat.timer !== undefined) timers.clearTimeout(chat.timer);
    chat.timerAt = at;
    chat.timer = timers.setTimeout(
      () => {
        chat.timer = undefined;
        dispatch(chat);
      },
      Math.max(0, at - timers.now()),
    );
  }

  function bestWaiter(chat: ChatState): Waiter | undefined {
    let best: Waiter | undefined;
    for (const waiter of chat.waiters) {
      if (!best || waiter.rank < best.rank || (waiter.rank === best.rank && waiter.seq < best.seq))
        best = waiter;
    }
    return best;
  }

  function dispatch(chat: ChatState): void {
    if (closed || chat.inFlight) return;
    const now = timers.now();
    const best = bestWaiter(chat);
    if (!best) {
      if (chat.queuedTurns.length > 0) return;
      const idleAt = Math.max(chat.heldUntil, tokenBucketIdleAt(chat.bucket, chat.budget));
      if (idleAt <= now) {
        if (chat.timer !== undefined) timers.clearTimeout(chat.timer);
        chats.delete(chat.chatId);
      } else {
        wakeAt(chat, idleAt);
      }
      return;
    }
    const at = readyAt(chat, now);
    if (at > now) {
      wakeAt(chat, at);
      return;
    }
    // A queued turn of the same or a better priority will serve this waiter.
    if (chat.queuedTurns.some((rank) => rank <= best.rank)) return;
    const rank = best.rank;
    chat.queuedTurns.push(rank);
    limiter
      .schedule({ priority: rank }, async () => runTurn(chat, rank))
      .catch(() => {
        // Dropped by close(): every waiter is answered there.
      });
  }

  function runTurn(chat: ChatState, rank: number): void {
    const index = chat.queuedTurns.indexOf(rank);
    if (index >= 0) chat.queuedTurns.splice(index, 1);
    if (closed) return;
    const now = timers.now();
    const waiter = bestWaiter(chat);
    // The turn is wasted when the chat was held or served by a better turn meanwhile; rare and harmless.
    if (chat.inFlight || !waiter || readyAt(chat, now) > now) {
      dispatch(chat);
      return;
    }
    chat.waiters.splice(chat.waiters.indexOf(waiter), 1);
    waiter.detach();
    const previousCallAt = chat.bucket.lastCallAt;
    chat.bucket.tokens -= 1;
    chat.bucket.lastCallAt = now;
    chat.inFlight = true;
    let released = false;
    waiter.resolve({
      release(releaseOptions) {
        if (released) return;
        released = true;
        chat.inFlight = false;
        if (releaseOptions?.unused) {
          chat.bucket.tokens = Math.min(chat.budget.burst, chat.bucket.tokens + 1);
          chat.bucket.lastCallAt = previousCallAt;
        }
        dispatch(chat);
      },
    });
  }

  return {
    /** Chats with state in memory (waiting, in flight, held, or with a bucket not yet full). */
    get trackedChats() {
      return chats.size;
    },

    acquire(request) {
      if (closed || request.signal?.aborted) return Promise.resolve(undefined);
      const chat = chatFor(request.chatId, request.chatType);
      return new Promise<CallPermit | undefined>((resolve) => {
        const signal = request.signal;
        const onAbort = () => {
          const index = chat.waiters.indexOf(waiter);
          if (index >= 0) chat.waiters.splice(index, 1);
          resolve(undefined);
          dispatch(chat);
        };
        const waiter: Waiter = {
          rank: PRIORITY_RANK[request.priority],
          seq: seq++,
          resolve,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        chat.waiters.push(waiter);
        dispatch(chat);
      });
    },

    reportRateLimit(chatId, retryAfterMs) {
      if (closed) return;
      const now = timers.now();
      const until = now + Math.max(0, retryAfterMs);
      if (chatId === undefined) {
        globalHeldUntil = Math.max(globalHeldUntil, until);
        return;
      }
      // An unknown chat gets the stricter group budget until its next request says otherwise.
      const chat = chats.get(chatId) ?? chatFor(chatId, 'group');
      chat.heldUntil = Math.max(chat.heldUntil, until);
      drainTokenBucketUntil(chat.bucket, chat.budget, chat.heldUntil);
      dispatch(chat);
      // Several chats limited at once means the bot-wide budget is exhausted, not one chat's.
      while (recentRateLimits.length > 0 && recentRateLimits[0]!.at < now - options.globalHoldWindowMs) {
        recentRateLimits.shift();
      }
      recentRateLimits.push({ chatId, at: now, until });
      const latestByChat = new Map(recentRateLimits.map((entry) => [entry.chatId, entry.until]));
      if (latestByChat.size >= options.globalHoldAfterChats) {
        // The bot-wide hold lasts as long as the shortest of those waits: a longer one is that chat's own
        // flood wait (already held above), and must not stop every other chat for minutes.
        globalHeldUntil = Math.max(globalHeldUntil, Math.min(...latestByChat.values()));
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const chat of chats.values()) {
        if (chat.timer !== undefined) timers.clearTimeout(chat.timer);
        for (const waiter of chat.waiters.splice(0)) {
          waiter.detach();
          waiter.resolve(undefined);
        }
      }
      chats.clear();
      await limiter.stop({ dropWaitingJobs: true });
    },
  };
}
