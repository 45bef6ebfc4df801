/**
 * How long a Bot API call takes from its write to its answer, as the pacer sees it. The pacer keeps a
 * call in its windows until a window after its answer, so it lets out `limit` calls per
 * (window + round trip); the gate grants at that pace (rate-gate.ts `spacingMs`), so calls wait in the
 * gate, where a newer frame replaces an older one, and not in the pacer. A fixed allowance would
 * leave the budget unused on a fast link (a few ms) or queue calls in the pacer on a slow one.
 *
 * It rises fast and falls slowly: a slow spell (a busy loop reads answers late) is followed at once,
 * a single quick answer does not undo it.
 */
export interface RoundTripEstimate {
  /** One call's time from write to answer, in ms. */
  add(ms: number): void;
  readonly ms: number;
}

const RISE = 0.25;
const FALL = 0.02;
/** Beyond this the link is broken rather than slow; the stall guard then frees calls anyway. */
const MAX_MS = 2000;

export function createRoundTripEstimate(initialMs: number): RoundTripEstimate {
  let estimate = initialMs;
  return {
    add(ms) {
      const sample = Math.min(MAX_MS, Math.max(0, ms));
      estimate += (sample - estimate) * (sample > estimate ? RISE : FALL);
    },
    get ms() {
      return estimate;
    },
  };
}
