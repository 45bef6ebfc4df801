import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import { type BotProcess, createBotProcessGroup } from '../support/bot-processes.js';
import {
  createFakeOpenAIServer,
  type FakeModelServer,
  type FakeScenario,
} from '../support/fake-model/index.js';
import { createTestDatabase, dropTestDatabase } from '../support/postgres-test-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { type RoundRobinFront, startRoundRobinFront } from '../support/round-robin-front.js';
import { TEST_SECRETS } from '../support/start-streamgram.js';
import { answerText, questionIdOf } from './load.js';

/**
 * Several real Streamgram processes as one bot: one PostgreSQL database, one redis-server, one Bot API
 * emulator under the strict (sliding window) limit model, the fake OpenAI server; in webhook mode the
 * emulator posts to a round-robin front that spreads updates over the processes.
 */
export interface ScaleWorld {
  telegram: BotApiEmulator;
  openai: FakeModelServer;
  redis: TestRedis;
  /** Undefined in long-polling mode. */
  front: RoundRobinFront | undefined;
  bots: readonly BotProcess[];
  databaseUrl: string;
  /** Runs one SQL statement on the shared database (what the instances stored, who owns what). */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Scripts the model's answer to one question (e.g. a slow one to stop or interrupt). */
  script(id: string, scenario: FakeScenario): void;
  /** Stops everything it started, processes first (SIGKILL whatever still runs). */
  close(): Promise<void>;
}

export interface ScaleWorldOptions {
  instances: number;
  mode: 'webhook' | 'polling';
  /** The model's answer to question `id` (see `answerText`); default: `answerText(id)` in about a second. */
  answer?: (id: string) => FakeScenario;
  env?: Record<string, string>;
}

export async function startScaleWorld(options: ScaleWorldOptions): Promise<ScaleWorld> {
  const cleanups: (() => Promise<unknown>)[] = [];
  // Every step runs, each given at most 15 s: one that hangs must not leave servers behind it running.
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await withTimeout(step(), 15_000).catch(() => undefined);
  };
  try {
    const telegram = await startBotApiEmulator({
      token: TEST_SECRETS.botToken,
      limits: 'sliding',
      maxRecordedCalls: 200_000,
      webhookRetryDelayMs: 100,
      maxWebhookRetryDelayMs: 1_000,
    });
    cleanups.push(() => telegram.close());
    const openai = await createFakeOpenAIServer({ apiKey: TEST_SECRETS.openaiKey });
    cleanups.push(() => openai.close());
    const answer = options.answer ?? ((id: string) => ({ text: answerText(id), tokensPerSecond: 20 }));
    const scripted = new Map<string, FakeScenario>();
    openai.setHandler((request) => {
      const id = questionIdOf(request.messages.at(-1)?.content);
      return id === undefined ? undefined : (scripted.get(id) ?? answer(id));
    });
    const redis = await startTestRedis();
    cleanups.push(() => redis.close());
    const databaseUrl = await createTestDatabase('scale');
    cleanups.push(() => dropTestDatabase(databaseUrl));
    const folder = mkdtempSync(join(tmpdir(), 'streamgram-scale-'));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));

    let front: RoundRobinFront | undefined;
    if (options.mode === 'webhook') {
      front = await startRoundRobinFront([]);
      cleanups.push(() => front?.close() ?? Promise.resolve());
    }
    const env: Record<string, string> = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MODELS: 'openai:gpt-test',
      OPENAI_API_KEY: TEST_SECRETS.openaiKey,
      OPENAI_BASE_URL: openai.baseURL,
      ALLOWED_USERS: '*',
      // Unused with DATABASE_URL; set so no process ever writes under the source tree.
      DATABASE_PATH: join(folder, 'unused.db'),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      // PROVIDER_MAX_RETRIES stays at its default (1), as deployed: a keep-alive socket the fake model
      // server closed just as a restarted process reused it is retried, not shown as a lost connection.
      BUILTIN_TOOLS: 'none',
      SHUTDOWN_GRACE_SECONDS: '20',
      ...(front
        ? { WEBHOOK_URL: `${front.url}/telegram`, WEBHOOK_SECRET: randomBytes(16).toString('hex') }
        : {}),
      ...options.env,
    };
    const group = await createBotProcessGroup({ count: options.instances, env });
    cleanups.push(() => group.killAll());
    front?.setTargets(group.processes.map((bot) => bot.url));
    await group.startAll();
    return {
      telegram,
      openai,
      redis,
      front,
      bots: group.processes,
      databaseUrl,
      script: (id, scenario) => scripted.set(id, scenario),
      async query<Row>(sql: string, params: unknown[] = []) {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as Row[];
        } finally {
          await client.end();
        }
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cleanup step took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
