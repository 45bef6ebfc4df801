import type { TokenLimitPair, TokenLimits } from '../config.js';
import type { UsageRepository } from '../storage/usage.js';
import type { Calendar } from './calendar.js';

export interface BudgetUser {
  id: number;
  username?: string | undefined;
}

export type BudgetVerdict =
  | { allowed: true }
  | {
      allowed: false;
      period: 'day' | 'month';
      limit: number;
      /** Input + output tokens spent in the period so far. */
      used: number;
      /** When the period ends and the limit applies afresh. */
      resetsAt: number;
    };

export interface TokenBudget {
  /** The limits that apply to this user (an override, or the defaults). */
  limitsFor(user: BudgetUser): TokenLimitPair;
  /** Checked before each request: spending up to the limit is allowed, reaching it is not. */
  check(user: BudgetUser): Promise<BudgetVerdict>;
}

export interface TokenBudgetDeps {
  usage: Pick<UsageRepository, 'totalsForPeriod'>;
  limits: TokenLimits;
  calendar: Calendar;
  /** Admins are never limited. */
  isExempt(user: BudgetUser): boolean;
  now?: () => number;
}

export function createTokenBudget(deps: TokenBudgetDeps): TokenBudget {
  const now = deps.now ?? Date.now;

  function limitsFor(user: BudgetUser): TokenLimitPair {
    const username = user.username?.toLowerCase();
    // An id names the user for good; a username only until it changes hands, so ids win.
    const override =
      deps.limits.overrides.find((entry) => entry.userId === user.id) ??
      deps.limits.overrides.find((entry) => username !== undefined && entry.username === username);
    return {
      daily: override?.daily === undefined ? deps.limits.daily : override.daily,
      monthly: override?.monthly === undefined ? deps.limits.monthly : override.monthly,
    };
  }

  return {
    limitsFor,
    async check(user) {
      if (deps.isExempt(user)) return { allowed: true };
      const limits = limitsFor(user);
      // Most bots set no limits: no periods to work out, no usage to read.
      if (limits.daily === null && limits.monthly === null) return { allowed: true };
      const at = now();
      const periods = [
        {
          period: 'day' as const,
          limit: limits.daily,
          since: deps.calendar.startOfDay(at),
          resetsAt: deps.calendar.startOfNextDay(at),
        },
        {
          period: 'month' as const,
          limit: limits.monthly,
          since: deps.calendar.startOfMonth(at),
          resetsAt: deps.calendar.startOfNextMonth(at),
        },
      ];
      // The month is checked last: when both are spent, the later reset is what the user must wait for.
      let verdict: BudgetVerdict = { allowed: true };
      for (const { period, limit, since, resetsAt } of periods) {
        if (limit === null) continue;
        const used = (await deps.usage.totalsForPeriod(user.id, since)).tokens;
        if (used >= limit) verdict = { allowed: false, period, limit, used, resetsAt };
      }
      return verdict;
    },
  };
}
