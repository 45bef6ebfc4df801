import { PRIORITY_RANK } from '../streaming/delivery/call-priority.js';
import type { CallPermit, RateGate } from '../streaming/delivery/gate-types.js';
import type { DeliveryTimers } from '../streaming/delivery/primitives.js';
import { systemTimers } from '../streaming/delivery/system-timers.js';

/** After a late timer, this much missed time is granted at once (Redis still has the last word). */
const CATCH_UP_MS = 250;

interface Held {
  rank: number;
  seq: number;
  permit: CallPermit;
  resolve: (permit: CallPermit | undefined) => void;
  detach: () => void;
}

/**
 * With N live instances, each should grant about 1/N of the bot-wide rate, so calls beyond its share
 * wait in the gate (where a newer frame replaces an older one) rather than in the paced fetch's
 * FIFO, where a frame chosen long ago would go out stale.
 *
 * Why a wrapper and not a new rate inside the gate: the gate's bot-wide budget is sized when it is
 * built and shared with every grant decision; changing it at run time reaches deep into it. Here a
 * permit the gate granted is held back until this instance's share allows it, and only then handed to the caller. The caller builds its frame after
 * `acquire` resolves, so the frame is still the latest one (latest wins); held permits go out by
 * priority, then in grant order; with one instance nothing is held at all.
 */
export function shareRateGate(
  gate: RateGate,
  deps: { perSecond: number; instances: () => number; timers?: DeliveryTimers },
): RateGate {
  const timers = deps.timers ?? systemTimers;
  const held: Held[] = [];
  let nextAt = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let seq = 0;
  let closed = false;

  function pump(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const spacingMs = (1000 * Math.max(1, deps.instances())) / deps.perSecond;
    const now = timers.now();
    nextAt = Math.max(nextAt, now - CATCH_UP_MS);
    while (held.length > 0 && nextAt <= now) {
      let best = 0;
      for (let index = 1; index < held.length; index++) {
        const entry = held[index]!;
        const top = held[best]!;
        if (entry.rank < top.rank || (entry.rank === top.rank && entry.seq < top.seq)) best = index;
      }
      const [entry] = held.splice(best, 1);
      entry!.detach();
      entry!.resolve(entry!.permit);
      nextAt += spacingMs;
    }
    if (held.length > 0) timer = timers.setTimeout(pump, Math.max(1, nextAt - now));
  }

  return {
    async acquire(request) {
      const permit = await gate.acquire(request);
      if (!permit || closed) return permit;
      const instances = Math.max(1, deps.instances());
      if (instances === 1 && held.length === 0) return permit;
      return new Promise<CallPermit | undefined>((resolve) => {
        const { signal } = request;
        const onAbort = () => {
          const index = held.indexOf(entry);
          if (index >= 0) held.splice(index, 1);
          permit.release({ unused: true });
          resolve(undefined);
        };
        const entry: Held = {
          rank: PRIORITY_RANK[request.priority],
          seq: seq++,
          permit,
          resolve,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        held.push(entry);
        pump();
      });
    },
    reportRateLimit(chatId, retryAfterMs) {
      gate.reportRateLimit(chatId, retryAfterMs);
    },
    async close() {
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      for (const entry of held.splice(0)) {
        entry.detach();
        entry.permit.release({ unused: true });
        entry.resolve(undefined);
      }
      await gate.close();
    },
  };
}
