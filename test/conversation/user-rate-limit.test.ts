import { describe, expect, it } from 'vitest';
import { createUserRateLimit } from '../../src/conversation/user-rate-limit.js';

describe('createUserRateLimit', () => {
  it('lets perMinute questions through per user in any sliding minute and says how long to wait', () => {
    let now = 0;
    const limit = createUserRateLimit({ perMinute: 2, now: () => now });
    expect(limit.take(1)).toBe(0);
    now = 10_000;
    expect(limit.take(1)).toBe(0);
    expect(limit.take(2)).toBe(0); // other users are not affected
    now = 20_000;
    expect(limit.take(1)).toBe(40_000);
    now = 60_000;
    expect(limit.take(1)).toBe(0); // the first question left the window
    expect(limit.take(1)).toBe(10_000);
  });
});
