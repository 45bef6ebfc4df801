import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotProcess } from '../support/bot-processes.js';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { redisAvailable } from '../support/redis-server.js';
import { TEST_SECRETS } from '../support/start-streamgram.js';
import {
  type AskedQuestion,
  answerText,
  ask,
  askEverywhere,
  countOutcomes,
  createLoadChats,
  describeChat,
  maxCallsInWindow,
  orderProblems,
  outcomeOf,
  questionIdOf,
} from './load.js';
import { type ScaleWorld, startScaleWorld } from './scale-world.js';

const skip = !hasPostgres || !redisAvailable();
const skipReason = hasPostgres ? '(skipped: redis-server not installed)' : postgresSkipReason;
if (process.env.STREAMGRAM_REQUIRE_REDIS === '1' && !redisAvailable())
  throw new Error('redis-server not found, but STREAMGRAM_REQUIRE_REDIS=1');

/** Waits until every question's chat shows exactly its answers, or the time is up; returns what differs. */
async function settle(world: ScaleWorld, questions: readonly AskedQuestion[], timeoutMs: number) {
  try {
    await world.telegram.waitFor(() => orderProblems(world.telegram, questions).length === 0, {
      timeoutMs,
      intervalMs: 500,
    });
  } catch {
    // Reported by the caller's assertion, with the chats that differ.
  }
  return orderProblems(world.telegram, questions);
}

describe.skipIf(skip)(`three bot processes as one bot (webhook) ${skip ? skipReason : ''}`, () => {
  let world: ScaleWorld;
  beforeAll(async () => {
    world = await startScaleWorld({ instances: 3, mode: 'webhook' });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  }, 120_000);

  it('300 concurrent answers in private chats and groups: 0 × 429, none lost or twice, per-chat order, exact text', async () => {
    const { telegram } = world;
    const before = telegram.rateLimitStats();
    const fromSeq = telegram.lastSeq();
    const chats = createLoadChats(telegram, { privateChats: 100, groups: 20, membersPerGroup: 3 });
    const questions = askEverywhere(telegram, chats, { private: 2, group: 5 });
    expect(questions).toHaveLength(300);

    const problems = await settle(world, questions, 150_000);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(countOutcomes(telegram, questions)).toEqual({
      answered: 300,
      interrupted: 0,
      missing: 0,
      duplicated: 0,
    });
    expect(tooManySince(telegram, before)).toEqual(NO_429);
    expect(maxCallsInWindow(telegram.calls({ afterSeq: fromSeq }))).toBeLessThanOrEqual(30);
    // Every process took part: the front spread the updates over all three.
    for (const bot of world.bots) expect(world.front?.forwardedTo(bot.url)).toBeGreaterThan(0);
  }, 180_000);

  it('/stop sent through an instance other than the one writing stops the answer within 3 s', async () => {
    const { telegram, openai, front } = world;
    const user = telegram.createUser({ firstName: 'Stopper' });
    const question = ask(telegram, { id: user.id }, (id) =>
      world.script(id, { text: `${answerText(id)} ${'More words. '.repeat(200)}`, tokensPerSecond: 10 }),
    );
    const request = await telegram.waitFor(
      () => openai.requests.find((entry) => questionIdOf(entry.messages.at(-1)?.content) === question.id),
      { timeoutMs: 20_000 },
    );
    await telegram.waitFor(() => request.charsSent > 20, { timeoutMs: 10_000 });
    const writer = await ownerOf(question.chatId);
    expect(writer).toBeDefined();
    const others = world.bots.filter((bot) => !isOwner(bot, writer));
    expect(others).toHaveLength(2);

    // Only the other two receive updates now, so the /stop goes through one of them.
    front?.setTargets(others.map((bot) => bot.url));
    try {
      const sentAt = Date.now();
      telegram.userSends({ chat: user.id, text: '/stop' });
      await telegram.waitFor(() => request.outcome, { timeoutMs: 3_000 });
      expect(request.outcome).toBe('client-aborted');
      expect(Date.now() - sentAt).toBeLessThan(3_000);
    } finally {
      front?.setTargets(world.bots.map((bot) => bot.url));
    }
  }, 60_000);

  it('kill -9 of one process mid-load: every question answered or marked interrupted, exactly once', async () => {
    const { telegram } = world;
    const before = telegram.rateLimitStats();
    const slow = (id: string) => world.script(id, { text: answerText(id), tokensPerSecond: 6 });
    const chats = createLoadChats(telegram, { privateChats: 24, groups: 6, membersPerGroup: 2 });
    const questions = askEverywhere(telegram, chats, { private: 2, group: 2 }, slow);

    // Kill the process writing the most answers once a few answers are through.
    const victim = await busiestWriter(questions, 40_000);
    try {
      expect(await victim.kill('SIGKILL')).toBeNull();
      const outcomes = await settleOutcomes(questions, 90_000);
      const wrong = questions.filter((question) => {
        const outcome = outcomeOf(telegram, question);
        return outcome === 'duplicated' || outcome === 'missing';
      });
      expect(wrong.map((question) => describeChat(telegram, question))).toEqual([]);
      expect(outcomes.missing).toBe(0);
      expect(outcomes.answered + outcomes.interrupted).toBe(questions.length);
      // The answers the victim was writing are the interrupted ones; it was writing at least one.
      expect(outcomes.interrupted).toBeGreaterThan(0);
      expect(tooManySince(telegram, before)).toEqual(NO_429);
    } finally {
      // The next tests need all three again.
      if (!victim.running) await victim.start();
    }
  }, 180_000);

  it('rolling restart of all three under load (SIGTERM, start again, one by one): none lost, none twice', async () => {
    const { telegram } = world;
    const before = telegram.rateLimitStats();
    const chats = createLoadChats(telegram, { privateChats: 20, groups: 5, membersPerGroup: 2 });
    const questions = askEverywhere(telegram, chats, { private: 1, group: 1 });
    const all = [...chats.privateChats.map((id) => ({ id })), ...chats.groups];
    let next = 0;
    // New questions keep arriving while the processes restart, one every 300 ms (bounded by the loop).
    const asking = setInterval(() => {
      const chat = all[next++ % all.length];
      if (chat) questions.push(ask(telegram, chat));
    }, 300);
    try {
      for (const bot of world.bots) {
        expect(await bot.kill('SIGTERM')).toBe(0);
        await bot.start();
      }
    } finally {
      clearInterval(asking);
    }
    const problems = await settle(world, questions, 90_000);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(countOutcomes(telegram, questions).answered).toBe(questions.length);
    expect(tooManySince(telegram, before)).toEqual(NO_429);
  }, 240_000);

  it('redis-server stopped for 10 s under load: never more than 30 calls in a second, no 429 of any kind, shared again after', async () => {
    const { telegram, redis } = world;
    const before = telegram.rateLimitStats();
    const fromSeq = telegram.lastSeq();
    const chats = createLoadChats(telegram, { privateChats: 40, groups: 10, membersPerGroup: 2 });
    const questions = askEverywhere(telegram, chats, { private: 1, group: 2 });
    await telegram.waitFor(() => countOutcomes(telegram, questions).answered >= 5, { timeoutMs: 30_000 });

    await redis.stop();
    const all = [...chats.privateChats.map((id) => ({ id })), ...chats.groups];
    for (let round = 0; round < 5; round++) {
      await sleep(2_000);
      for (const chat of all.slice(round * 10, round * 10 + 10)) questions.push(ask(telegram, chat));
    }
    for (const bot of world.bots) expect(await healthOf(bot.url)).toContain('redis: local share');
    await redis.start();

    const problems = await settle(world, questions, 90_000);
    expect(problems.slice(0, 5)).toEqual([]);
    // Chats too: a chat stays with the instance that wrote to it until its windows are over, so no
    // instance writes to a chat whose recent calls only Redis knew (src/inbox/chat-owner.ts).
    expect(tooManySince(telegram, before)).toEqual(NO_429);
    expect(maxCallsInWindow(telegram.calls({ afterSeq: fromSeq }))).toBeLessThanOrEqual(30);
    await waitUntil(async () => {
      const health = await Promise.all(world.bots.map((bot) => healthOf(bot.url)));
      return health.every((text) => text.includes('redis: shared'));
    }, 15_000);
  }, 240_000);

  it('no secret reached any process output or Telegram', () => {
    const places = [...world.bots.map((bot) => bot.output()), JSON.stringify(world.telegram.calls())];
    for (const secret of [TEST_SECRETS.botToken, TEST_SECRETS.openaiKey])
      expect(places.filter((text) => text.includes(secret))).toEqual([]);
  });

  /** The instance holding the chat's answer being written (the inbox row it started). */
  async function ownerOf(chatId: number): Promise<string | undefined> {
    const rows = await world.query<{ owner: string }>(
      "SELECT owner FROM inbox_updates WHERE chat_id = $1 AND state = 'started' ORDER BY update_id LIMIT 1",
      [chatId],
    );
    return rows[0]?.owner;
  }

  /** Once some answers are through, the process with the most answers being written. */
  async function busiestWriter(questions: readonly AskedQuestion[], timeoutMs: number) {
    await world.telegram.waitFor(() => countOutcomes(world.telegram, questions).answered >= 4, {
      timeoutMs,
    });
    const rows = await world.query<{ owner: string; started: string }>(
      "SELECT owner, count(*) AS started FROM inbox_updates WHERE state = 'started' GROUP BY owner ORDER BY 2 DESC",
    );
    const victim = world.bots.find((bot) => isOwner(bot, rows[0]?.owner));
    if (!victim) throw new Error(`no process is writing an answer: ${JSON.stringify(rows)}`);
    return victim;
  }

  async function settleOutcomes(questions: readonly AskedQuestion[], timeoutMs: number) {
    try {
      await world.telegram.waitFor(
        // Settled once nothing is missing (a duplicate is settled too: the assertions show it).
        () => countOutcomes(world.telegram, questions).missing === 0,
        { timeoutMs, intervalMs: 500 },
      );
    } catch {
      // The caller's assertions say what is missing.
    }
    return countOutcomes(world.telegram, questions);
  }
});

/**
 * Whether an inbox row's owner is this process: its INSTANCE_ID, or (while the inbox names itself
 * hostname-pid-random rather than INSTANCE_ID) its pid.
 */
function isOwner(bot: BotProcess, owner: string | undefined): boolean {
  // Owner ids are INSTANCE_ID plus a random part.
  return owner !== undefined && new RegExp(`^${bot.instanceId}-[0-9a-f]+$`).test(owner);
}

/** The limiter's 429s since `before`, by scope (bot-wide, private chat, group). */
function tooManySince(
  telegram: ScaleWorld['telegram'],
  before: ReturnType<ScaleWorld['telegram']['rateLimitStats']>,
) {
  const now = telegram.rateLimitStats();
  return {
    global: now.global - before.global,
    privateChat: now.privateChat - before.privateChat,
    groupChat: now.groupChat - before.groupChat,
  };
}
const NO_429 = { global: 0, privateChat: 0, groupChat: 0 };

async function healthOf(url: string): Promise<string> {
  const response = await fetch(`${url}/healthz`);
  return response.text();
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(200);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
