import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMessages, longAnswer, useAnswerWorld } from './conversation/answer-e2e-support.js';
import { contentText } from './support/fake-model/scenario.js';
import { freePort } from './support/free-port.js';
import { redisAvailable, startTestRedis, type TestRedis } from './support/redis-server.js';
import { useStreamgram } from './support/use-streamgram.js';

const REDIS_PASSWORD = 'redis-secret-password-0042';

describe.skipIf(!redisAvailable() && !process.env.STREAMGRAM_REQUIRE_REDIS)('the app with REDIS_URL', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });
  const start = useStreamgram();
  const startAnswers = useAnswerWorld();

  async function answersOnce(world: Awaited<ReturnType<typeof start>>, text: string): Promise<void> {
    const { telegram, openai } = world;
    openai.enqueue({ text });
    const user = telegram.createUser({ firstName: 'Shared' });
    telegram.userSends({ chat: user.id, text: 'Hello' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === text, { timeoutMs: 20_000 });
  }

  it('answers end to end on the shared budget; /healthz names redis, /metrics labels the instance', async () => {
    const world = await start({
      env: { REDIS_URL: redis.url, INSTANCE_ID: 'bot-a', STREAM_MODE: 'edit' },
      emulator: { limits: 'sliding' },
    });
    await answersOnce(world, 'Answered through the shared budget.');
    const base = `http://127.0.0.1:${world.app.httpPort}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok (database: sqlite, redis: shared)\n');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/streamgram_telegram_calls_total\{method="sendMessage",instance="bot-a"\} [1-9]/);
    const series = metrics.split('\n').filter((line) => line.startsWith('streamgram_'));
    expect(series.length).toBeGreaterThan(0);
    expect(series.filter((line) => !line.includes('instance="bot-a"'))).toEqual([]);
    expect(world.logs.join('')).not.toContain('Redis unreachable');
    expect(world.telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });

    // Shutdown leaves the instance list at once.
    await world.app.stop();
    const probe = new Redis(redis.port, '127.0.0.1');
    try {
      const botId = world.config.telegram.token.split(':')[0];
      expect(await probe.zcard(`streamgram:{${botId}}:instances`)).toBe(0);
    } finally {
      probe.disconnect();
    }
  });

  it('with Redis unreachable it still starts and answers on a local share, with one clear log line and no secret', async () => {
    const closed = await freePort();
    const world = await start({
      env: { REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${closed}`, STREAM_MODE: 'edit' },
      emulator: { limits: 'sliding' },
    });
    await answersOnce(world, 'Answered on the local share.');
    const health = await fetch(`http://127.0.0.1:${world.app.httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok (database: sqlite, redis: local share)\n');
    const lines = world.logs.filter((line) => line.includes('Redis'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'Redis unreachable: this instance now keeps to 1/1 of the bot-wide rate budget',
    );
    expect(lines[0]).toContain(`connect ECONNREFUSED 127.0.0.1:${closed}`);
    expect(world.logs.join('')).not.toContain(REDIS_PASSWORD);
  });
  it('120 answers at once on the shared budget (40 % in groups): no 429, never more than 30 calls arriving in any second', async () => {
    const { world, store } = await startAnswers(
      { STREAM_MODE: 'auto', REDIS_URL: redis.url, INSTANCE_ID: 'loaded' },
      { limits: 'sliding' },
    );
    const { telegram, openai } = world;
    const count = 120;
    const chats = Array.from({ length: count }, (_, index) =>
      index % 5 < 2
        ? { id: telegram.createGroup({ title: `Group ${index}` }).id, group: true }
        : { id: telegram.createUser({ firstName: `User ${index}` }).id, group: false },
    );
    const answerFor = (index: number) => longAnswer(500 + 5 * index, `Chat ${index}`);
    openai.setHandler((request) => {
      const index = Number(/question (\d+)/.exec(contentText(request.messages.at(-1)))?.[1]);
      return { text: answerFor(index), tokensPerSecond: 40 };
    });
    for (const [index, chat] of chats.entries()) {
      const member = chat.group ? telegram.createUser({ firstName: `Member ${index}` }) : undefined;
      telegram.userSends({
        chat: chat.id,
        ...(member ? { from: member.id } : {}),
        text: `${chat.group ? `@${telegram.bot.username} ` : ''}question ${index}`,
      });
    }
    const answers = await store.waitForFinished(count, { timeoutMs: 100_000 });
    expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
    const counted = telegram
      .calls()
      .filter((call) => !['getUpdates', 'getMe', 'setMyCommands', 'deleteWebhook'].includes(call.method));
    expect(
      maxInWindow(
        counted.map((call) => call.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    for (const [index, chat] of chats.entries()) {
      expect(answers.find((answer) => answer.chatId === chat.id)?.status).toBe('complete');
      expect(botMessages(world, chat.id).map((message) => message.text)).toEqual([answerFor(index)]);
    }
  }, 150_000);
  it('npm start with REDIS_URL: joins the instance list, and on SIGTERM leaves it and exits 0', async () => {
    const world = await start({ emulator: { limits: 'none' } });
    await world.app.stop();
    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, [tsx, main], {
      cwd: fileURLToPath(new URL('./support/', import.meta.url)), // no .env there
      env: { PATH: process.env.PATH ?? '', ...world.env, REDIS_URL: redis.url, INSTANCE_ID: 'child-1' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const probe = new Redis(redis.port, '127.0.0.1');
    const key = `streamgram:{${world.config.telegram.token.split(':')[0]}}:instances`;
    try {
      await world.telegram.waitFor(() => world.telegram.isLongPolling(), { timeoutMs: 20_000 });
      expect(await probe.zrange(key, '0', '-1')).toEqual(['child-1']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await probe.zcard(key)).toBe(0);
    } finally {
      child.kill('SIGKILL');
      probe.disconnect();
    }
  }, 60_000);
});

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
