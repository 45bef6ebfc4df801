/**
 * What the global budget allows: if every answer needed exactly one call as soon as its event happened
 * (first token, last token) and calls went out no closer than 1000/perSecond ms, in event order, how long
 * after its event would each answer's call go? This is the floor no scheduler can beat under that budget.
 */
export function budgetLatencies(eventTimes: readonly number[], perSecond: number): number[] {
  const spacing = 1000 / perSecond;
  const order = eventTimes.map((at, index) => ({ at, index })).sort((a, b) => a.at - b.at);
  const latencies = new Array<number>(eventTimes.length).fill(0);
  let lastCall = Number.NEGATIVE_INFINITY;
  for (const { at, index } of order) {
    const callAt = Math.max(at, lastCall + spacing);
    latencies[index] = callAt - at;
    lastCall = callAt;
  }
  return latencies;
}
