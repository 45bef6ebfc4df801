import { describe, expect, it } from 'vitest';
import { readRetryAfterSeconds } from '../../src/providers/retry-after.js';

describe('readRetryAfterSeconds', () => {
  it('reads seconds, retry-after-ms first, and HTTP dates', () => {
    expect(readRetryAfterSeconds(new Headers({ 'retry-after': '20' }))).toBe(20);
    expect(readRetryAfterSeconds(new Headers({ 'retry-after': '1.5' }))).toBe(1.5);
    expect(readRetryAfterSeconds(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(0.25);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(readRetryAfterSeconds(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(
      30,
    );
  });

  it('is undefined when absent or unreadable', () => {
    expect(readRetryAfterSeconds(undefined)).toBeUndefined();
    expect(readRetryAfterSeconds(new Headers())).toBeUndefined();
    expect(readRetryAfterSeconds(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(readRetryAfterSeconds(new Headers({ 'retry-after': '-3' }))).toBeUndefined();
  });
});
