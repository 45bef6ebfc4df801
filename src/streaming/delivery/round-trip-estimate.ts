/**
 * How long a Bot API call takes from its write to its answer, as the pacer sees it. The pacer keeps a
 * call in its windows until a window after its answer, so it lets out `limit` calls per
 * (window + round trip); the gate grants at that pace (rate-gate.ts `spacingMs`), so calls wait in the
 * gate, where a newer frame replaces an older one, and not in the pacer. A fixed allowance would
 * leave the budget unused on a fast link (a few ms) or queue calls in the pacer on a slow one.
 *
 * The pacer's throughput depends on the mean round trip (each place is busy for window + round trip),
 * so this is a moving mean of the last few dozen calls, not a high percentile: a percentile would
 * have the gate grant below what the pacer lets out whenever a busy loop reads some answers late.
 */
export interface RoundTripEstimate {
  /** One call's time from write to answer, in ms. */
  add(ms: number): void;
  readonly ms: number;
}

/** Weight of the newest call: about the last 30 calls count. */
const WEIGHT = 1 / 30;
/** Beyond this the link is broken rather than slow; the stall guard then frees calls anyway. */
const MAX_MS = 2000;

export function createRoundTripEstimate(initialMs: number): RoundTripEstimate {
  let estimate = initialMs;
  return {
    add(ms) {
      const sample = Math.min(MAX_MS, Math.max(0, ms));
      estimate += (sample - estimate) * WEIGHT;
    },
    get ms() {
      return estimate;
    },
  };
}
