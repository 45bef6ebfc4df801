import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/conversation/calendar.js';

const at = (iso: string) => Date.parse(iso);

describe('createCalendar', () => {
  it('finds day and month boundaries in UTC', () => {
    const calendar = createCalendar('UTC');
    const now = at('2026-08-13T15:42:07.123Z');
    expect(calendar.startOfDay(now)).toBe(at('2026-08-13T00:00:00Z'));
    expect(calendar.startOfNextDay(now)).toBe(at('2026-08-14T00:00:00Z'));
    expect(calendar.startOfMonth(now)).toBe(at('2026-08-01T00:00:00Z'));
    expect(calendar.startOfNextMonth(now)).toBe(at('2026-09-01T00:00:00Z'));
    expect(calendar.startOfNextMonth(at('2026-12-31T23:59:59Z'))).toBe(at('2027-01-01T00:00:00Z'));
    expect(calendar.formatDateTime(at('2026-09-01T00:00:00Z'))).toBe('2026-09-01 00:00');
  });

  it('follows the zone’s own midnight, summer time included', () => {
    const berlin = createCalendar('Europe/Berlin');
    // 23:30 UTC on 13 August is already the 14th in Berlin (UTC+2 in summer).
    const now = at('2026-08-13T23:30:00Z');
    expect(berlin.startOfDay(now)).toBe(at('2026-08-13T22:00:00Z'));
    expect(berlin.startOfNextDay(now)).toBe(at('2026-08-14T22:00:00Z'));
    expect(berlin.startOfMonth(now)).toBe(at('2026-07-31T22:00:00Z'));
    // The month that ends in winter time begins in summer time: 1 November is UTC+1.
    expect(berlin.startOfNextMonth(at('2026-10-15T12:00:00Z'))).toBe(at('2026-10-31T23:00:00Z'));
    expect(berlin.formatDateTime(at('2026-10-31T23:00:00Z'))).toBe('2026-11-01 00:00');
  });
});
