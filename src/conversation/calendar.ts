import { madeOnFirstUse } from '../made-on-first-use.js';

/**
 * Day and month boundaries in one IANA time zone, for "today", "this month" and when a budget
 * resets. Built on Intl, so daylight saving time is followed without a time zone database of our own.
 */
export interface Calendar {
  readonly timeZone: string;
  startOfDay(at: number): number;
  startOfMonth(at: number): number;
  startOfNextDay(at: number): number;
  startOfNextMonth(at: number): number;
  /** `2026-08-13 00:00` in the calendar's zone. */
  formatDateTime(at: number): string;
}

interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function createCalendar(timeZone: string): Calendar {
  // A bot without token limits only needs the calendar for /usage and /stats.
  const formatter = madeOnFirstUse(
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  );

  function wallClock(at: number): WallClock {
    const parts: Record<string, number> = {};
    for (const part of formatter().formatToParts(at)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return {
      year: parts.year ?? 1970,
      month: parts.month ?? 1,
      day: parts.day ?? 1,
      hour: parts.hour ?? 0,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
    };
  }

  /** How far the zone's wall clock is ahead of UTC at `at`. */
  function offsetAt(at: number): number {
    const clock = wallClock(at);
    const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
    return asUtc - Math.floor(at / 1000) * 1000;
  }

  /** The instant the zone's wall clock shows midnight of this date (Date.UTC normalises overflow). */
  function midnight(year: number, monthIndex: number, day: number): number {
    const wall = Date.UTC(year, monthIndex, day);
    const guess = wall - offsetAt(wall);
    // A second pass settles dates where the offset changes between the guess and midnight.
    return wall - offsetAt(guess);
  }

  return {
    timeZone,
    startOfDay(at) {
      const clock = wallClock(at);
      return midnight(clock.year, clock.month - 1, clock.day);
    },
    startOfMonth(at) {
      const clock = wallClock(at);
      return midnight(clock.year, clock.month - 1, 1);
    },
    startOfNextDay(at) {
      const clock = wallClock(at);
      return midnight(clock.year, clock.month - 1, clock.day + 1);
    },
    startOfNextMonth(at) {
      const clock = wallClock(at);
      return midnight(clock.year, clock.month, 1);
    },
    formatDateTime(at) {
      const clock = wallClock(at);
      const two = (value: number) => String(value).padStart(2, '0');
      return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}:${two(clock.minute)}`;
    },
  };
}
