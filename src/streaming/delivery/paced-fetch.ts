import type { DeliveryTimers } from './primitives.js';
import type { WritePacer } from './write-pacer.js';

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

// Calls that spend a group's own message budget (chat actions and callback answers do not).
const CHAT_BUDGET_METHODS = new Set([
  'sendmessage',
  'editmessagetext',
  'editmessagereplymarkup',
  'sendmessagedraft',
  'sendphoto',
  'senddocument',
]);

interface PendingWrite {
  groupChatId: number | undefined;
  start: () => void;
}

/**
 * A `fetch` for grammY's API client that asks the pacer right before each write and writes in the
 * same synchronous step (`start` calls `base` directly from the timer callback, no await between):
 * however late the loop runs, a call is only counted when it really leaves. Waiting calls go out in
 * arrival order; a group call that must wait for its chat does not hold up other chats.
 * One pacer must be shared by every API client of the bot (bot.api and the engine's).
 */
export function createPacedFetch(deps: {
  pacer: WritePacer;
  base: typeof fetch;
  timers: DeliveryTimers;
}): typeof fetch {
  const { pacer, base, timers } = deps;
  const queue: PendingWrite[] = [];
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;

  function pump(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    let soonest = Number.POSITIVE_INFINITY;
    for (let index = 0; index < queue.length; ) {
      const pending = queue[index]!;
      const now = timers.now();
      const wait = pacer.waitMs(now, pending.groupChatId);
      if (wait === 0) {
        pacer.record(now, pending.groupChatId);
        queue.splice(index, 1);
        pending.start();
        continue;
      }
      soonest = Math.min(soonest, wait);
      // The bot-wide window is full: nobody behind this call may go either (keeps arrival order).
      if (pending.groupChatId === undefined || pacer.waitMs(now) > 0) break;
      index++;
    }
    if (queue.length > 0) schedule(Math.max(1, Number.isFinite(soonest) ? soonest : 1));
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
    const groupChatId = CHAT_BUDGET_METHODS.has(method) ? groupChatIdOf(init?.body) : undefined;
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(pending);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const pending: PendingWrite = {
        groupChatId,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          base(input, init).then(resolve, reject);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(pending);
      // Ask now, synchronously: an idle bot writes without a timer round; earlier calls are asked first.
      pump();
    });
  };
}

/** The chat id of a group (negative id) from a JSON body; undefined for private chats and other bodies. */
function groupChatIdOf(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined;
  const match = /"chat_id":(-\d+)[,}]/.exec(body);
  return match ? Number(match[1]) : undefined;
}
