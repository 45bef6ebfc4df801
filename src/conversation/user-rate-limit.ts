/**
 * At most `perMinute` questions per user in any sliding minute, so one person cannot flood the
 * model (and the owner's bill). `take` answers how long to wait, 0 when the question may go.
 */
export function createUserRateLimit(options: { perMinute: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const recent = new Map<number, number[]>();
  const WINDOW_MS = 60_000;

  return {
    take(userId: number): number {
      const at = now();
      const times = (recent.get(userId) ?? []).filter((time) => at - time < WINDOW_MS);
      if (times.length >= options.perMinute) {
        recent.set(userId, times);
        return WINDOW_MS - (at - (times[0] ?? at));
      }
      times.push(at);
      recent.set(userId, times);
      // Forget users who have been quiet for a minute, so the map stays as small as the active crowd.
      if (recent.size > 10_000)
        for (const [id, list] of recent) if (at - (list.at(-1) ?? 0) >= WINDOW_MS) recent.delete(id);
      return 0;
    },
  };
}

export type UserRateLimit = ReturnType<typeof createUserRateLimit>;
