import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import { maxCallsInWindow } from '../../test/scale/load.js';
import { createBotProcessGroup } from '../../test/support/bot-processes.js';
import { createFakeOpenAIServer } from '../../test/support/fake-model/index.js';
import type { PostgresServer } from '../../test/support/postgres-server.js';
import type { TestRedis } from '../../test/support/redis-server.js';
import { startRoundRobinFront } from '../../test/support/round-robin-front.js';
import { TEST_SECRETS } from '../../test/support/start-streamgram.js';
import { mean, percentile } from '../lib/percentile.js';
import { type CpuShares, findPostmaster, startCpuSampler } from './cpu-sampler.js';
import { openPgActivity, type PgActivity } from './pg-activity.js';
import { type TrackedAnswer, trackAnswers } from './track-answers.js';

export interface InstancesLoad {
  privateChats: number;
  groups: number;
  /** Characters of each answer, streamed at `tokensPerSecond` (4 characters a token). */
  answerChars: number;
  tokensPerSecond: number;
}

export interface InstancesResult {
  instances: number;
  /** False: the single-instance default (SQLite, long polling, no Redis), the reference row. */
  shared: boolean;
  /** From the questions until the emulator had handed every update to the bot (webhook or polling). */
  ingestMs: number | undefined;
  answers: number;
  exact: number;
  tooManyRequests: number;
  /** The limiter's 429s by scope: bot-wide / private chat / group. */
  tooManyByKind: string;
  /** Rate-limited calls the emulator answered ok, per second, from the questions to the last final. */
  callsPerSecond: number;
  /** The most such calls inside any 1,000 ms. */
  peakPerSecond: number;
  firstText: { p50: number | undefined; p95: number | undefined };
  /** Question to its update taken by the bot (stored, for the inbox), and from there to the first text. */
  taken: { p50: number | undefined; p95: number | undefined };
  takenToFirstText: { p50: number | undefined; p95: number | undefined };
  /** Where the CPU went from the questions to the last final, and until every update was taken. */
  cpu: CpuShares;
  intakeCpu: CpuShares | undefined;
  /** PostgreSQL work of the shared database over the load (undefined for the SQLite reference). */
  pg: PgActivity | undefined;
  final: { p50: number | undefined; p95: number | undefined; mean: number | undefined };
  durationMs: number;
}

const answerFor = (index: number, chars: number) => {
  const head = `Answer ${index}: `;
  const words = 'every instance shares one budget so the bot stays under the limit '.repeat(
    Math.ceil(chars / 60),
  );
  return `${head}${words}`.slice(0, chars).trim();
};

/**
 * One measured run: N Streamgram processes (webhook behind a round-robin front, one PostgreSQL
 * database, one Redis) answer the same load under the strict limit model; a fresh emulator and
 * database per run so runs do not share state.
 */
export async function runInstances(options: {
  instances: number;
  shared: boolean;
  load: InstancesLoad;
  postgres: PostgresServer;
  redis: TestRedis;
  timeoutMs: number;
}): Promise<InstancesResult> {
  const { load } = options;
  const telegram = await startBotApiEmulator({
    token: TEST_SECRETS.botToken,
    limits: 'sliding',
    maxRecordedCalls: 100_000,
    webhookRetryDelayMs: 100,
    maxWebhookRetryDelayMs: 1_000,
  });
  const openai = await createFakeOpenAIServer({ apiKey: TEST_SECRETS.openaiKey });
  const front = await startRoundRobinFront([]);
  const folder = mkdtempSync(join(tmpdir(), 'streamgram-bench-instances-'));
  const databaseUrl = options.shared
    ? await options.postgres.createDatabase(`bench_instances_${options.instances}`)
    : undefined;
  openai.setHandler((request) => {
    const last = request.messages.at(-1)?.content;
    const index = typeof last === 'string' ? /\bn(\d+)\b/.exec(last)?.[1] : undefined;
    return index === undefined
      ? undefined
      : { text: answerFor(Number(index), load.answerChars), tokensPerSecond: load.tokensPerSecond };
  });
  const group = await createBotProcessGroup({
    count: options.instances,
    env: {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MODELS: 'openai:gpt-bench',
      OPENAI_API_KEY: TEST_SECRETS.openaiKey,
      OPENAI_BASE_URL: openai.baseURL,
      ALLOWED_USERS: '*',
      DATABASE_PATH: join(folder, 'streamgram.db'),
      ...(databaseUrl === undefined
        ? {}
        : {
            DATABASE_URL: databaseUrl,
            REDIS_URL: options.redis.url,
            WEBHOOK_URL: `${front.url}/telegram`,
            WEBHOOK_SECRET: randomBytes(16).toString('hex'),
          }),
      LOG_LEVEL: 'warn',
      BUILTIN_TOOLS: 'none',
      NODE_OPTIONS: '--max-old-space-size=512',
    },
  });
  try {
    front.setTargets(group.processes.map((bot) => bot.url));
    await group.startAll();
    const tracker = trackAnswers(telegram);
    await warmUp(telegram, tracker, load, options.instances);

    const fromSeq = telegram.lastSeq();
    const limiterBefore = telegram.rateLimitStats();
    const before = telegram.stats().tooManyRequests;
    const pgActivity = databaseUrl === undefined ? undefined : await openPgActivity(databaseUrl);
    const pgBefore = await pgActivity?.read();
    const cpu = startCpuSampler(
      group.processes.map((bot, position) => ({ name: `bot ${position + 1}`, pid: bot.pid })),
      findPostmaster(Number(new URL(options.postgres.url('postgres')).port)),
    );
    const startedAt = Date.now();
    const measured: TrackedAnswer[] = [];
    let index = 1;
    for (let chat = 0; chat < load.privateChats; chat++, index++) {
      const user = telegram.createUser({ firstName: `P${chat}` });
      measured.push(tracker.add(user.id, answerFor(index, load.answerChars), Date.now()));
      telegram.userSends({ chat: user.id, text: `Question n${index}` });
    }
    for (let chat = 0; chat < load.groups; chat++, index++) {
      const room = telegram.createGroup({ title: `G${chat}` });
      const member = telegram.createUser({ firstName: `M${chat}` });
      measured.push(tracker.add(room.id, answerFor(index, load.answerChars), Date.now()));
      telegram.userSends({
        chat: room.id,
        from: member.id,
        text: `@${telegram.bot.username} Question n${index}`,
      });
    }
    tracker.watchIntake();
    let ingestMs: number | undefined;
    let intakeCpu: CpuShares | undefined;
    void telegram
      .waitFor(() => telegram.pendingUpdates().length === 0, { timeoutMs: options.timeoutMs })
      .then(
        () => {
          ingestMs = Date.now() - startedAt;
          intakeCpu = cpu.stop();
        },
        () => undefined,
      );
    await telegram
      .waitFor(() => measured.every((answer) => answer.finalAt !== undefined), {
        timeoutMs: options.timeoutMs,
        intervalMs: 500,
      })
      .catch(() => undefined);
    const cpuShares = cpu.stop();
    // The bot processes' connections end with them, and only then are their counts complete.
    await group.killAll();
    const pgAfter = await pgActivity?.readWhenAlone(5_000);
    await pgActivity?.close();
    tracker.stop();
    const endedAt = Math.max(...measured.map((answer) => answer.finalAt ?? Date.now()));
    const calls = telegram.calls({ afterSeq: fromSeq }).filter((call) => call.at <= endedAt);
    const limited = calls.filter((call) => call.ok && call.chatId !== undefined);
    const durationMs = endedAt - startedAt;
    const first = measured.map((answer) => (answer.firstTextAt ?? Number.NaN) - answer.askedAt);
    const final = measured.map((answer) => (answer.finalAt ?? Number.NaN) - answer.askedAt);
    const taken = measured.map((answer) => (answer.takenAt ?? Number.NaN) - answer.askedAt);
    const takenToFirst = measured.map(
      (answer) => (answer.firstTextAt ?? Number.NaN) - (answer.takenAt ?? Number.NaN),
    );
    const defined = (values: number[]) => values.map((value) => (Number.isNaN(value) ? undefined : value));
    return {
      instances: options.instances,
      shared: options.shared,
      ingestMs,
      answers: measured.length,
      exact: measured.filter((answer) => answer.finalAt !== undefined).length,
      tooManyRequests: telegram.stats().tooManyRequests - before,
      tooManyByKind: ((stats) =>
        `${stats.global - limiterBefore.global} / ${stats.privateChat - limiterBefore.privateChat} / ${stats.groupChat - limiterBefore.groupChat}`)(
        telegram.rateLimitStats(),
      ),
      callsPerSecond: limited.length / (durationMs / 1000),
      peakPerSecond: maxCallsInWindow(calls),
      firstText: { p50: percentile(defined(first), 50), p95: percentile(defined(first), 95) },
      taken: { p50: percentile(defined(taken), 50), p95: percentile(defined(taken), 95) },
      takenToFirstText: {
        p50: percentile(defined(takenToFirst), 50),
        p95: percentile(defined(takenToFirst), 95),
      },
      cpu: cpuShares,
      intakeCpu,
      pg:
        pgBefore === undefined || pgAfter === undefined
          ? undefined
          : {
              commits: pgAfter.commits - pgBefore.commits,
              rowsFetched: pgAfter.rowsFetched - pgBefore.rowsFetched,
            },
      final: {
        p50: percentile(defined(final), 50),
        p95: percentile(defined(final), 95),
        mean: mean(defined(final)),
      },
      durationMs,
    };
  } finally {
    await group.killAll();
    await front.close();
    await openai.close();
    await telegram.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Warm-up questions, answered before measuring: four per process (one in a group), which the
 * front spreads over the processes like any other update. An instance in production has compiled
 * its hot code long ago; a fresh process compiles it while it works (about 2 s of CPU at this
 * load, measured on the delivery bench), and with every process fresh that cost would grow with
 * the number of processes on the same two cores. Then 1.5 s more, so the warm-up's calls have left
 * Telegram's one-second windows.
 */
async function warmUp(
  telegram: BotApiEmulator,
  tracker: ReturnType<typeof trackAnswers>,
  load: InstancesLoad,
  instances: number,
): Promise<void> {
  const expected: { chat: number; text: string }[] = [];
  for (let n = 0; n < 4 * instances; n++) {
    const text = answerFor(0, load.answerChars);
    if (n % 4 === 3) {
      const room = telegram.createGroup({ title: `Warm ${n}` });
      const member = telegram.createUser({ firstName: `Warm ${n}` });
      tracker.add(room.id, text, Date.now());
      telegram.userSends({ chat: room.id, from: member.id, text: `@${telegram.bot.username} Question n0` });
      expected.push({ chat: room.id, text });
    } else {
      const user = telegram.createUser({ firstName: `Warm ${n}` });
      tracker.add(user.id, text, Date.now());
      telegram.userSends({ chat: user.id, text: 'Question n0' });
      expected.push({ chat: user.id, text });
    }
  }
  await telegram.waitFor(
    () => expected.every(({ chat, text }) => telegram.lastBotMessage(chat)?.text === text),
    { timeoutMs: 60_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
