import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotProcess } from '../support/bot-processes.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { redisAvailable } from '../support/redis-server.js';
import { ask, outcomeOf } from './load.js';
import { type ScaleWorld, startScaleWorld } from './scale-world.js';

const skip = !hasPostgres || !redisAvailable();
const skipReason = hasPostgres ? '(skipped: redis-server not installed)' : postgresSkipReason;
if (process.env.STREAMGRAM_REQUIRE_REDIS === '1' && !redisAvailable())
  throw new Error('redis-server not found, but STREAMGRAM_REQUIRE_REDIS=1');
const LEADER_LINE = 'this instance is the leader';

describe.skipIf(skip)(`three bot processes, long polling ${skip ? skipReason : ''}`, () => {
  let world: ScaleWorld;
  beforeAll(async () => {
    world = await startScaleWorld({ instances: 3, mode: 'polling' });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  }, 120_000);

  /** The running processes that have said they lead (exactly one, once settled). */
  const leaders = (since: Map<BotProcess, number>) =>
    world.bots.filter((bot) => bot.running && bot.output().indexOf(LEADER_LINE, since.get(bot) ?? 0) >= 0);

  it('exactly one process polls; after kill -9 of it another polls within a few seconds and answers', async () => {
    const { telegram } = world;
    const fromStart = new Map<BotProcess, number>();
    const [leader] = await telegram.waitFor(
      () => {
        const found = leaders(fromStart);
        return found.length > 0 && telegram.isLongPolling() ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    if (!leader) throw new Error('no leader');
    // Two pollers would end each other's getUpdates with 409 Conflict; over a few seconds there is none.
    const fromSeq = telegram.lastSeq();
    await sleep(3_000);
    expect(leaders(fromStart)).toEqual([leader]);
    expect(
      telegram.calls({ method: 'getUpdates', afterSeq: fromSeq }).filter((call) => call.status === 409),
    ).toEqual([]);
    const user = telegram.createUser({ firstName: 'Poll' });
    const first = ask(telegram, { id: user.id });
    await telegram.waitFor(() => outcomeOf(telegram, first) === 'answered', { timeoutMs: 20_000 });
    // The final text reaches the user a moment before its inbox row is done; a kill in between is
    // the takeover test's business (it would be reported as interrupted), not this one's.
    await waitUntilAllDone(world);

    const offsets = new Map(world.bots.map((bot) => [bot, bot.output().length]));
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    const second = ask(telegram, { id: user.id });
    const [next] = await telegram.waitFor(
      () => {
        const found = leaders(offsets);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(next).not.toBe(leader);
    await telegram.waitFor(() => outcomeOf(telegram, second) === 'answered', { timeoutMs: 20_000 });
    expect(outcomeOf(telegram, first)).toBe('answered');
    expect(leaders(offsets)).toHaveLength(1);
  }, 120_000);
});

async function waitUntilAllDone(world: ScaleWorld): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const [row] = await world.query<{ open: string }>(
      "SELECT count(*) AS open FROM inbox_updates WHERE state <> 'done'",
    );
    if (row?.open === '0') return;
    await sleep(100);
  }
  throw new Error('inbox rows still open after 10 s');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
