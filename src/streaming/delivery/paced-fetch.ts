import type { WriteBudget } from '../../shared-budget/failover-write-budget.js';
import type { WriteTarget, WriteWait } from '../../shared-budget/write-limits.js';
import type { DeliveryTimers } from './primitives.js';
import { isGroupId, type WritePacer } from './write-pacer.js';

/**
 * Bot API methods that Telegram does not count as messages: polling and setup. Everything else
 * (sends, edits, drafts, chat actions, deletes, callback answers) spends the bot-wide budget.
 */
const UNCOUNTED_METHODS = new Set([
  'getupdates',
  'getme',
  'getchat',
  'getfile',
  'getwebhookinfo',
  'setwebhook',
  'deletewebhook',
  'setmycommands',
  'deletemycommands',
  'getmycommands',
  'close',
  'logout',
]);

// Calls that spend a chat's own message budget (chat actions and callback answers do not).
const CHAT_BUDGET_METHODS = new Set([
  'sendmessage',
  'editmessagetext',
  'editmessagereplymarkup',
  'sendmessagedraft',
  'sendphoto',
  'senddocument',
]);

const DEFAULT_STALL_MS = 10_000;
const CLAIM_FAILED_WAIT_MS = 100;

interface PendingWrite {
  /** The chat whose own budget the call spends; undefined for bot-wide-only calls. */
  chatId: number | undefined;
  /** The shared budget said this chat must wait until then (other chats may go meanwhile). */
  notBefore: number;
  /** Writes the request; `settle` is called when its answer (or failure) comes back. */
  start: (settle: () => void) => void;
}

/**
 * A `fetch` for grammY's API client that asks the pacer right before each write and writes in the
 * same synchronous step (`start` calls `base` directly from the timer callback, no await between):
 * however late the loop runs, a call is only counted when it really leaves. Waiting calls go out in
 * arrival order; a call that must wait for its own chat (a group's spacing, a private chat's burst)
 * does not hold up other chats.
 * One pacer must be shared by every API client of the bot (bot.api and the engine's).
 */
export function createPacedFetch(deps: {
  pacer: WritePacer;
  base: typeof fetch;
  timers: DeliveryTimers;
  /** A call still unanswered after this long is counted as answered (default 10 s). */
  stallMs?: number;
  /**
   * The budget shared with the bot's other instances (Redis, `REDIS_URL`): a call the pacer lets go
   * is claimed there too, and written the moment the claim answers. Without it (one instance) the
   * pacer alone decides, synchronously, as before.
   */
  shared?: WriteBudget;
  /** Told of every 429 Telegram answers (the chat, when the call named one), to hold the other instances too. */
  onRateLimited?: (chatId: number | undefined, retryAfterMs: number) => void;
  /** Told how long each answered call took from its write to its answer (stalled ones are not told). */
  onRoundTrip?: (ms: number) => void;
}): typeof fetch {
  const { pacer, base, timers, shared, onRateLimited, onRoundTrip } = deps;
  const stallMs = deps.stallMs ?? DEFAULT_STALL_MS;
  const queue: PendingWrite[] = [];
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;
  /** A shared claim is on its way: its answer pumps again (one at a time keeps arrival order). */
  let claiming = false;
  /** The shared budget said the whole bot must wait until then. */
  let botNotBefore = 0;

  function write(pending: PendingWrite, now: number, settleShared?: () => void): void {
    const settleInPacer = pacer.record(now, pending.chatId);
    let settled = false;
    const settle = (stalled?: 'stalled') => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(stallGuard);
      const answeredAt = timers.now();
      settleInPacer(answeredAt);
      if (stalled === undefined) onRoundTrip?.(answeredAt - now);
      settleShared?.();
      // An answer frees room in its windows: whoever waited for it may go now.
      if (queue.length > 0) pump();
    };
    // A request that hangs (a black-holed connection) must not hold its place forever; by then
    // it has long arrived, or never will.
    const stallGuard = timers.setTimeout(() => settle('stalled'), stallMs);
    pending.start(() => settle());
  }

  /**
   * Asks the shared budget for `pending` (the pacer already said yes). A yes is written in the step
   * the answer arrives in: the budget counted it at Redis's clock, and counts it again from its
   * answer (`settle`), so however late it arrives it never shares Telegram's window with more than
   * the limit (the same rule as the pacer's, see write-pacer.ts).
   */
  function claim(budget: WriteBudget, pending: PendingWrite): void {
    claiming = true;
    const { chatId } = pending;
    const target: WriteTarget | undefined =
      chatId === undefined ? undefined : { chatId, kind: isGroupId(chatId) ? 'group' : 'private' };
    const answered = ({ botWaitMs, chatWaitMs, settle }: WriteWait) => {
      claiming = false;
      const now = timers.now();
      const index = queue.indexOf(pending);
      // Aborted meanwhile: its place stays spent (the budget cannot give one back), nothing is written.
      if (index >= 0 && botWaitMs === 0 && chatWaitMs === 0) {
        queue.splice(index, 1);
        // No other write was recorded while the claim was out, so the pacer's yes still holds.
        write(pending, now, settle);
      } else settle?.();
      if (chatWaitMs > 0) pending.notBefore = now + chatWaitMs;
      if (botWaitMs > 0) botNotBefore = now + botWaitMs;
      if (queue.length > 0) pump();
    };
    Promise.resolve()
      .then(() => budget.claim(target))
      .then(
        answered,
        // The failover budget answers from its local share when Redis fails; anything else is a
        // bug, and a short wait keeps the bot going without a burst.
        () => answered({ botWaitMs: CLAIM_FAILED_WAIT_MS, chatWaitMs: 0 }),
      );
  }

  function pump(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    if (claiming) return;
    if (shared && botNotBefore > timers.now()) {
      schedule(botNotBefore - timers.now());
      return;
    }
    let soonest = Number.POSITIVE_INFINITY;
    for (let index = 0; index < queue.length; ) {
      const pending = queue[index]!;
      const now = timers.now();
      const wait = Math.max(pacer.waitMs(now, pending.chatId), pending.notBefore - now);
      if (wait <= 0) {
        if (shared) {
          claim(shared, pending);
          return;
        }
        queue.splice(index, 1);
        write(pending, now);
        continue;
      }
      soonest = Math.min(soonest, wait);
      // The bot-wide window is full: nobody behind this call may go either (keeps arrival order).
      if (pending.chatId === undefined || pacer.waitMs(now) > 0) break;
      index++;
    }
    // Infinity: every window that is full waits for an answer in flight, which pumps again.
    if (queue.length > 0 && Number.isFinite(soonest)) schedule(Math.max(1, soonest));
  }

  function schedule(ms: number): void {
    const at = timers.now() + ms;
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timerAt = at;
    timer = timers.setTimeout(pump, ms);
  }

  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = url.slice(url.lastIndexOf('/') + 1).toLowerCase();
    if (UNCOUNTED_METHODS.has(method)) return base(input, init);
    const chatId = CHAT_BUDGET_METHODS.has(method) ? chatIdOf(init?.body) : undefined;
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(pending);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const pending: PendingWrite = {
        chatId,
        notBefore: 0,
        start: (settle) => {
          signal?.removeEventListener('abort', onAbort);
          base(input, init).then(
            (response) => {
              settle();
              if (response.status === 429 && onRateLimited)
                reportRateLimit(response, init?.body, onRateLimited);
              resolve(response);
            },
            (error: unknown) => {
              settle();
              reject(error);
            },
          );
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(pending);
      // Ask now, synchronously: an idle bot writes without a timer round; earlier calls are asked first.
      pump();
    });
  };
}

/** Reads a 429's `retry_after` from a copy of the answer (the caller reads the original). */
function reportRateLimit(
  response: Response,
  body: unknown,
  onRateLimited: (chatId: number | undefined, retryAfterMs: number) => void,
): void {
  response
    .clone()
    .json()
    .then(
      (answer: unknown) => {
        const seconds = (answer as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
        onRateLimited(chatIdOf(body), (typeof seconds === 'number' ? seconds : 1) * 1000);
      },
      () => onRateLimited(chatIdOf(body), 1000),
    );
}

/** The numeric chat id from a JSON body; undefined for `@username` ids and other bodies. */
function chatIdOf(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined;
  const match = /"chat_id":(-?\d+)[,}]/.exec(body);
  return match ? Number(match[1]) : undefined;
}
