/**
 * The rate gate's shell: waiters per chat, the global priority queue, the pace timer, Bottleneck's
 * reservoir and chat actions' bot-wide turns. Every grant decision is a pure function in
 * gate-decisions.ts. About 430 lines, on purpose: these parts share one piece of bookkeeping (queue
 * entries that go stale, `liveTurns`, one timer per chat), and split across files they would have to
 * reach into each other's state.
 */
import Bottleneck from 'bottleneck';
import { PRIORITIES, PRIORITY_RANK } from './call-priority.js';
import {
  chatReadyAt as budgetReadyAt,
  type ChatBudgetState,
  createGlobalPace,
  decideChatDispatch,
  decideGlobalHold,
  fitBucketToWindow,
  paceAllowance,
  type RecentRateLimit,
  recordGrant,
  WINDOW_MS,
} from './gate-decisions.js';
import type { BotTurn, CallPermit, CallRequest, ChatState, RateGate, Turn, Waiter } from './gate-types.js';
import { type GateOptions, type GateOptionsInput, resolveGateOptions } from './options.js';
import type { ChatType, DeliveryTimers } from './primitives.js';
import { systemTimers } from './system-timers.js';
import { createTokenBucket, drainTokenBucketUntil, refillTokenBucket } from './token-bucket.js';

export { type CallPriority, PRIORITY_RANK } from './call-priority.js';

export type { CallPermit, CallRequest, RateGate } from './gate-types.js';

/**
 * How the work is split, and why:
 * - The cross-chat order is a plain priority queue here: one FIFO per priority, each chat in it at most
 *   once (at its best waiting priority), so FIFO is round-robin across chats — a chat goes to the back
 *   after every call, however fast its model writes. Withdrawn or superseded turns stay in the queue as
 *   stale entries that are skipped for free when they come up: they never use a global slot.
 * - The global pace: turns are spaced `1000/globalPerSecond` ms apart on a virtual clock that may run up
 *   to CATCH_UP_MS behind real time, and never more than `globalPerSecond` go in any 1 s window. When
 *   the event loop was blocked (the SDK's stream parsing, rendering), every turn that fell due meanwhile
 *   is granted in the same round, so the budget is used under CPU load instead of one turn per round.
 * - The global budget itself is kept by Bottleneck, as a reservoir of calls left in the sliding second:
 *   each round of grants is one job weighing as many calls as it may grant, and what it granted is given
 *   back one second later. That counter is the part a Bottleneck Redis datastore can share between bot
 *   processes with the same API; the queue stays per process. A Bottleneck job per call (what this gate
 *   did first) costs at least one event-loop round per call in its datastore, which under load let out
 *   as little as 1 call a second where 30 were allowed.
 * - Per-chat budgets are a small token bucket here, not a Bottleneck per chat: a chained chat limiter
 *   charges a call when it enters the global queue rather than when it goes out (which lets calls bunch up
 *   under global congestion), cannot express a 429 hold, and a Group would add a limiter per chat.
 *   A chat only enters the global queue once its own budget allows a call, so global turns are not
 *   wasted on chats that must wait anyway; idle chats are forgotten once their bucket is full again.
 * - One call at a time per chat: frames of one message then reach Telegram in order, and parts too.
 */
export function createRateGate(
  deps: {
    options?: GateOptionsInput;
    timers?: DeliveryTimers;
    /**
     * The bot-wide spacing between grants, read before each round of grants (default:
     * 1000 / globalPerSecond), so the gate can follow how fast the pacer really lets calls out.
     */
    spacingMs?: () => number;
  } = {},
): RateGate & { readonly trackedChats: number } {
  const options: GateOptions = resolveGateOptions(deps.options);
  const timers = deps.timers ?? systemTimers;
  const pace = createGlobalPace(options.globalPerSecond);
  const limiter = new Bottleneck({ maxConcurrent: null, minTime: 0, reservoir: pace.windowLimit });
  answerInStep(limiter);
  const chats = new Map<number, ChatState>();
  const queues: Turn[][] = PRIORITIES.map(() => []);
  /** Entries in `queues` that may still be granted (stale ones are not counted). */
  let liveTurns = 0;
  let batchPending = false;
  let pumpTimer: unknown;
  let pumpAt = Number.POSITIVE_INFINITY;
  let recentRateLimits: RecentRateLimit[] = [];
  const refundTimers = new Set<unknown>();
  const parkedBotTurns = new Set<BotTurn>();
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
        grants: [],
        waiters: [],
        turn: undefined,
        timer: undefined,
        timerAt: 0,
      };
      chats.set(chatId, chat);
    }
    return chat;
  }

  /** When the chat's own budget and hold allow a call at `rank` (see gate-decisions.ts). */
  function chatReadyAt(chat: ChatState, now: number, rank: number): number {
    refillTokenBucket(chat.bucket, chat.budget, now);
    return budgetReadyAt(chat, now, rank);
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

  function dropChatTurn(chat: ChatState): void {
    if (!chat.turn) return;
    chat.turn = undefined;
    liveTurns -= 1;
  }

  function enqueue(turn: Turn): void {
    // Only time spent with turns waiting can be caught up on; an idle gate earns no burst.
    if (liveTurns <= 0) pace.nextSlotAt = Math.max(pace.nextSlotAt, timers.now());
    queues[turn.rank]!.push(turn);
    liveTurns += 1;
    pump();
  }

  /** Puts the chat in the global queue (or takes it out) as `decideChatDispatch` says. */
  function dispatch(chat: ChatState): void {
    if (closed) return;
    const now = timers.now();
    const best = bestWaiter(chat);
    refillTokenBucket(chat.bucket, chat.budget, now);
    const view: ChatBudgetState = { ...chat, bestRank: best?.rank, queuedRank: chat.turn?.rank };
    const decision = decideChatDispatch(view, now);
    switch (decision.kind) {
      case 'busy':
      case 'keep':
        return;
      case 'forget':
        dropChatTurn(chat);
        if (chat.timer !== undefined) timers.clearTimeout(chat.timer);
        chats.delete(chat.chatId);
        return;
      case 'wait':
        dropChatTurn(chat);
        wakeAt(chat, decision.at);
        return;
      case 'queue':
        dropChatTurn(chat);
        chat.turn = { kind: 'chat', chat, rank: decision.rank };
        enqueue(chat.turn);
        return;
    }
  }

  // ---- the global pace ------------------------------------------------------------------------

  /** Starts a round of grants when turns are waiting and the pace allows; else arms the one timer. */
  function pump(): void {
    if (closed || batchPending || liveTurns <= 0) return;
    const now = timers.now();
    // A round of grants follows from here, so the spacing it uses is the one read now.
    if (deps.spacingMs) pace.spacingMs = Math.max(1, deps.spacingMs());
    const { count, at } = paceAllowance(pace, now);
    if (count <= 0) {
      if (pumpTimer !== undefined && pumpAt <= at) return;
      if (pumpTimer !== undefined) timers.clearTimeout(pumpTimer);
      pumpAt = at;
      pumpTimer = timers.setTimeout(
        () => {
          pumpTimer = undefined;
          pumpAt = Number.POSITIVE_INFINITY;
          pump();
        },
        Math.max(0, at - now),
      );
      return;
    }
    const weight = Math.min(count, liveTurns);
    batchPending = true;
    limiter
      .schedule({ weight }, async () => grantRound(weight))
      .catch(() => {
        // Dropped by close(): every waiter is answered there.
      })
      .finally(() => {
        batchPending = false;
        pump();
      });
  }

  /** Grants up to `weight` turns (what the reservoir was charged); the rest of the charge is given back. */
  function grantRound(weight: number): void {
    if (closed) return;
    const now = timers.now();
    const limit = Math.min(weight, paceAllowance(pace, now).count);
    let granted = 0;
    while (granted < limit) {
      const turn = nextTurn();
      if (!turn) break;
      if (grantTurn(turn, now)) {
        granted += 1;
        recordGrant(pace, now);
      }
    }
    if (weight > granted) void limiter.incrementReservoir(weight - granted);
    if (granted > 0) {
      const refund = timers.setTimeout(() => {
        refundTimers.delete(refund);
        if (!closed) void limiter.incrementReservoir(granted);
      }, WINDOW_MS);
      refundTimers.add(refund);
    }
  }

  /** The first entry of the best non-empty priority that is not stale. */
  function nextTurn(): Turn | undefined {
    for (const queue of queues) {
      while (queue.length > 0) {
        const turn = queue.shift()!;
        if (turn.kind === 'chat' ? turn.chat.turn === turn : turn.state === 'queued') return turn;
      }
    }
    return undefined;
  }

  /** Grants the turn if it can still be used now; otherwise drops it at no cost to the global budget. */
  function grantTurn(turn: Turn, now: number): boolean {
    liveTurns -= 1;
    if (turn.kind === 'bot') {
      const heldUntil = chats.get(turn.chatId)?.heldUntil ?? 0;
      if (heldUntil > now) {
        // The chat is held: the action waits out the hold, then queues again.
        turn.state = 'parked';
        parkedBotTurns.add(turn);
        turn.timer = timers.setTimeout(() => {
          parkedBotTurns.delete(turn);
          turn.state = 'queued';
          enqueue(turn);
        }, heldUntil - now);
        return false;
      }
      turn.state = 'done';
      turn.waiter.detach();
      turn.waiter.resolve({ release() {} });
      return true;
    }
    const chat = turn.chat;
    chat.turn = undefined;
    const waiter = bestWaiter(chat);
    if (chat.inFlight || !waiter || chatReadyAt(chat, now, waiter.rank) > now) {
      dispatch(chat);
      return false;
    }
    chat.waiters.splice(chat.waiters.indexOf(waiter), 1);
    waiter.detach();
    const previousBucket = { ...chat.bucket };
    chat.bucket.tokens -= 1;
    chat.bucket.lastCallAt = now;
    if (chat.budget.window) {
      const window = chat.budget.window;
      while (chat.grants.length > 0 && chat.grants[0]! <= now - window.windowMs) chat.grants.shift();
      chat.grants.push(now);
      fitBucketToWindow(chat.bucket, chat.grants, window, now);
    }
    chat.inFlight = true;
    let released = false;
    waiter.resolve({
      release(releaseOptions) {
        if (released) return;
        released = true;
        chat.inFlight = false;
        if (releaseOptions?.unused && chat.budget.window) {
          // As if the grant never happened: the bucket as it was, the grant out of the window.
          Object.assign(chat.bucket, previousBucket);
          const index = chat.grants.lastIndexOf(now);
          if (index >= 0) chat.grants.splice(index, 1);
        } else if (releaseOptions?.unused) {
          chat.bucket.tokens = Math.min(chat.budget.burst, chat.bucket.tokens + 1);
          chat.bucket.lastCallAt = previousBucket.lastCallAt;
        }
        dispatch(chat);
      },
    });
    return true;
  }

  function acquireForBot(request: CallRequest): Promise<CallPermit | undefined> {
    return new Promise<CallPermit | undefined>((resolve) => {
      const signal = request.signal;
      const onAbort = () => {
        if (turn.state === 'done') return;
        if (turn.state === 'queued') liveTurns -= 1;
        else {
          timers.clearTimeout(turn.timer);
          parkedBotTurns.delete(turn);
        }
        turn.state = 'done';
        resolve(undefined);
      };
      const turn: BotTurn = {
        kind: 'bot',
        chatId: request.chatId,
        rank: PRIORITY_RANK[request.priority],
        state: 'queued',
        timer: undefined,
        waiter: {
          rank: PRIORITY_RANK[request.priority],
          seq: seq++,
          resolve,
          detach: () => signal?.removeEventListener('abort', onAbort),
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      enqueue(turn);
    });
  }

  return {
    /** Chats with state in memory (waiting, in flight, held, or with a bucket not yet full). */
    get trackedChats() {
      return chats.size;
    },

    acquire(request) {
      if (closed || request.signal?.aborted) return Promise.resolve(undefined);
      if (request.scope === 'bot') return acquireForBot(request);
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
        pace.heldUntil = Math.max(pace.heldUntil, until);
        return;
      }
      // An unknown chat gets the stricter group budget until its next request says otherwise.
      const chat = chats.get(chatId) ?? chatFor(chatId, 'group');
      chat.heldUntil = Math.max(chat.heldUntil, until);
      drainTokenBucketUntil(chat.bucket, chat.budget, chat.heldUntil);
      dispatch(chat);
      const hold = decideGlobalHold(recentRateLimits, { chatId, at: now, until }, options);
      recentRateLimits = hold.recent;
      if (hold.holdUntil !== undefined) pace.heldUntil = Math.max(pace.heldUntil, hold.holdUntil);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (pumpTimer !== undefined) timers.clearTimeout(pumpTimer);
      for (const timer of refundTimers) timers.clearTimeout(timer);
      refundTimers.clear();
      for (const chat of chats.values()) {
        if (chat.timer !== undefined) timers.clearTimeout(chat.timer);
        for (const waiter of chat.waiters.splice(0)) {
          waiter.detach();
          waiter.resolve(undefined);
        }
      }
      const botTurns = [...queues.flatMap((queue) => queue.splice(0)), ...parkedBotTurns];
      parkedBotTurns.clear();
      for (const turn of botTurns) {
        if (turn.kind !== 'bot' || turn.state === 'done') continue;
        if (turn.state === 'parked') timers.clearTimeout(turn.timer);
        turn.state = 'done';
        turn.waiter.detach();
        turn.waiter.resolve(undefined);
      }
      chats.clear();
      await limiter.stop({ dropWaitingJobs: true });
    },
  };
}

/**
 * Bottleneck's in-process store pauses with `setTimeout(0)` at each of its steps, to behave like
 * its Redis store; a job then started 4-5 ms after it was scheduled on an idle loop (1-2 ms
 * without the pauses; measured), and every round of grants, a lone answer's first text included,
 * waited that long. The pauses become microtasks: the steps still run in the same order. Bottleneck
 * 2.19.5 is its last release, so this private method will not change under us.
 */
function answerInStep(limiter: Bottleneck): void {
  const store = (limiter as unknown as { _store?: { yieldLoop?: () => Promise<void> } })._store;
  if (store && typeof store.yieldLoop === 'function') store.yieldLoop = () => Promise.resolve();
}
