/** At most `limit` writes in any `windowMs`. */
export interface WindowSpec {
  limit: number;
  windowMs: number;
}

/** The windows a write must fit: the bot's own, and those of the chat it goes to. */
export interface WriteLimits {
  bot: WindowSpec[];
  group: WindowSpec[];
  private: WindowSpec[];
}

/** Where a write goes: a chat whose own budget it spends, or none (bot-wide only). */
export interface WriteTarget {
  chatId: number;
  kind: 'group' | 'private';
}

/** How long a write must wait: for the whole bot, and for its chat alone (both 0: it may go now). */
export interface WriteWait {
  botWaitMs: number;
  chatWaitMs: number;
  /**
   * With both waits 0, when the budget keeps a write until a window after its answer: call it once
   * the answer (or the failure) came back.
   */
  settle?: () => void;
}

/** The same limits with every count divided among `instances` (never below one write per window). */
export function shareOf(limits: WriteLimits, instances: number): WriteLimits {
  const divide = (specs: WindowSpec[]) =>
    specs.map((spec) => ({ ...spec, limit: Math.max(1, Math.floor(spec.limit / Math.max(1, instances))) }));
  // A chat is written by one instance at a time, so only the bot-wide budget is shared out.
  return { bot: divide(limits.bot), group: limits.group, private: limits.private };
}
