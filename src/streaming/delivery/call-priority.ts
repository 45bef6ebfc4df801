/**
 * Best first. `reveal`: a commit or final call of an answer that shows nothing yet, so it is that
 * answer's first text as well (when many answers end before the budget reached them, their readers
 * have waited longest, and the call counts twice); `final`: commits and final text; `first`: the
 * first visible text of an answer; `placeholder`: the empty "Thinking…" draft, which must never
 * delay another answer's real first text; `update`: intermediate frames; `background`: chat
 * actions, which must never delay a frame.
 */
export type CallPriority = 'reveal' | 'final' | 'first' | 'placeholder' | 'update' | 'background';

export const PRIORITIES: readonly CallPriority[] = [
  'reveal',
  'final',
  'first',
  'placeholder',
  'update',
  'background',
];

/** Each priority's place in the order, 0 best. */
export const PRIORITY_RANK = Object.fromEntries(
  PRIORITIES.map((priority, rank) => [priority, rank]),
) as Record<CallPriority, number>;
