import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Runs a Lua script by its hash, sending the text only when Redis does not know it yet (after a
 * restart, or the first time): the budget is asked for every Telegram call, so the few hundred
 * bytes of script are not sent each time.
 */
export async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const sha = shaOf(script);
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

const hashes = new Map<string, string>();
function shaOf(script: string): string {
  let sha = hashes.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    hashes.set(script, sha);
  }
  return sha;
}
