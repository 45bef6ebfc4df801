import { describe, expect, it } from 'vitest';
import type { TokenLimits } from '../../src/config.js';
import { createCalendar } from '../../src/conversation/calendar.js';
import { createTokenBudget } from '../../src/conversation/token-budget.js';

const NOW = Date.parse('2026-08-13T15:00:00Z');
const DAY = Date.parse('2026-08-13T00:00:00Z');
const MONTH = Date.parse('2026-08-01T00:00:00Z');

/** Usage as the repository would sum it: tokens per user since a time. */
function usageOf(spent: Record<number, { today: number; month: number }>) {
  return {
    async totalsForPeriod(userId: number, since: number) {
      const user = spent[userId] ?? { today: 0, month: 0 };
      return { tokens: since >= DAY ? user.today : user.month, requests: 1, unreportedRequests: 0 };
    },
  };
}

function budget(limits: TokenLimits, spent: Record<number, { today: number; month: number }>) {
  return createTokenBudget({
    usage: usageOf(spent),
    limits,
    calendar: createCalendar('UTC'),
    isExempt: (user) => user.id === 1,
    now: () => NOW,
  });
}

describe('createTokenBudget', () => {
  const limits: TokenLimits = {
    daily: 1000,
    monthly: 10_000,
    overrides: [
      { userId: 5, daily: null },
      { username: 'rich', daily: 5000, monthly: null },
    ],
  };

  it('allows spending up to the limit and refuses once it is reached, with the reset time', async () => {
    expect(await budget(limits, { 2: { today: 999, month: 999 } }).check({ id: 2 })).toEqual({
      allowed: true,
    });
    expect(await budget(limits, { 2: { today: 1000, month: 1000 } }).check({ id: 2 })).toEqual({
      allowed: false,
      period: 'day',
      limit: 1000,
      used: 1000,
      resetsAt: Date.parse('2026-08-14T00:00:00Z'),
    });
    expect(await budget(limits, { 2: { today: 10, month: 12_000 } }).check({ id: 2 })).toMatchObject({
      allowed: false,
      period: 'month',
      resetsAt: Date.parse('2026-09-01T00:00:00Z'),
    });
    expect(MONTH).toBeLessThan(DAY);
  });

  it('applies per-user overrides by id or username and exempts admins', async () => {
    const spent = {
      1: { today: 1e9, month: 1e9 },
      5: { today: 5000, month: 9000 },
      6: { today: 4000, month: 50_000 },
    };
    expect(await budget(limits, spent).check({ id: 1 })).toEqual({ allowed: true });
    expect(await budget(limits, spent).check({ id: 5 })).toEqual({ allowed: true });
    expect(await budget(limits, spent).check({ id: 6, username: 'Rich' })).toEqual({ allowed: true });
    expect(budget(limits, spent).limitsFor({ id: 6, username: 'rich' })).toEqual({
      daily: 5000,
      monthly: null,
    });
    expect(budget(limits, spent).limitsFor({ id: 5 })).toEqual({ daily: null, monthly: 10_000 });
  });

  it('allows everything without limits', async () => {
    const none = { daily: null, monthly: null, overrides: [] };
    expect(await budget(none, { 2: { today: 1e9, month: 1e9 } }).check({ id: 2 })).toEqual({ allowed: true });
  });
});
