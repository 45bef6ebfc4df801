import { Writable } from 'node:stream';
import type { UserFromGetMe } from 'grammy/types';
import { afterEach } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { type Config, createConfig } from '../../src/config.js';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/logger.js';
import { createFakeOpenAIServer, type FakeModelServer } from './fake-model/index.js';
import { freePort } from './free-port.js';
import { createTestDatabase, dropTestDatabase } from './postgres-test-store.js';
import { type RoundRobinFront, startRoundRobinFront } from './round-robin-front.js';
import { TEST_SECRETS } from './start-streamgram.js';

export const WEBHOOK_SECRET = 'inbox-webhook-secret-0123456789';

export interface Instance {
  readonly name: string;
  readonly app: RunningApp;
  readonly config: Config;
  /** Base URL of its HTTP server (webhook, /healthz). */
  readonly url: string;
  readonly logs: string[];
  /** Whether `stop` ran (gracefully) or it was killed. */
  stopped: boolean;
}

/**
 * Several in-process Streamgram instances on one PostgreSQL database, one Bot API emulator and one
 * fake OpenAI server; in webhook mode they sit behind a round-robin front, as behind a load balancer.
 */
export interface InstancesWorld {
  telegram: BotApiEmulator;
  openai: FakeModelServer;
  front: RoundRobinFront;
  instances: Instance[];
  /** The PostgreSQL database the instances share. */
  databaseUrl: string;
  /** The environment of an instance listening on `port` (for `spawnInstance`, a real process). */
  envFor(port: number, env?: Record<string, string>): Record<string, string>;
  /** Starts one more instance (it joins the front in webhook mode). */
  startInstance(env?: Record<string, string>): Promise<Instance>;
  /** Graceful stop of one instance (it leaves the front first, as a load balancer drains it). */
  stopInstance(instance: Instance): Promise<void>;
  /** Every instance's logs, joined. */
  allLogs(): string;
  close(): Promise<void>;
}

export interface InstancesOptions {
  count: number;
  databaseUrl: string;
  mode: 'webhook' | 'polling';
  env?: Record<string, string>;
}

/**
 * For a test file: `start(name, options)` gives instances on a fresh database of their own; after
 * each test both are gone.
 */
export function useInstances() {
  let world: InstancesWorld | undefined;
  afterEach(async () => {
    await world?.close();
    if (world) await dropTestDatabase(world.databaseUrl);
    world = undefined;
  });
  return async (name: string, options: Omit<InstancesOptions, 'databaseUrl'>): Promise<InstancesWorld> => {
    const databaseUrl = await createTestDatabase(name);
    try {
      world = await startInstances({ ...options, databaseUrl });
    } catch (error) {
      await dropTestDatabase(databaseUrl);
      throw error;
    }
    return world;
  };
}

export async function startInstances(options: InstancesOptions): Promise<InstancesWorld> {
  const telegram = await startBotApiEmulator({ token: TEST_SECRETS.botToken, limits: 'none' });
  const openai = await createFakeOpenAIServer({ apiKey: TEST_SECRETS.openaiKey });
  const front = await startRoundRobinFront([]);
  const instances: Instance[] = [];
  let counter = 0;

  const syncFront = () => front.setTargets(instances.filter((i) => !i.stopped).map((i) => i.url));

  const envFor = (port: number, env: Record<string, string> = {}): Record<string, string> => ({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MODELS: 'openai:gpt-test',
    OPENAI_API_KEY: TEST_SECRETS.openaiKey,
    OPENAI_BASE_URL: openai.baseURL,
    ALLOWED_USERS: '*',
    DATABASE_URL: options.databaseUrl,
    PORT: String(port),
    LOG_LEVEL: 'debug',
    PROVIDER_MAX_RETRIES: '0',
    STREAM_MODE: 'edit',
    SHUTDOWN_GRACE_SECONDS: '20',
    ...(options.mode === 'webhook' ? { WEBHOOK_URL: `${front.url}/telegram/hook`, WEBHOOK_SECRET } : {}),
    ...options.env,
    ...env,
  });

  async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
    const port = await freePort();
    const name = `i${++counter}`;
    const config = createConfig(envFor(port, env));
    const logs: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const app = await startApp({
      config,
      logger: createLogger({ level: config.logLevel, secrets: config.secrets, destination }).child({
        instance: name,
      }),
      botInfo: telegram.bot as UserFromGetMe,
    });
    const instance: Instance = {
      name,
      app,
      config,
      url: `http://127.0.0.1:${app.httpPort}`,
      logs,
      stopped: false,
    };
    instances.push(instance);
    syncFront();
    return instance;
  }

  const world: InstancesWorld = {
    telegram,
    databaseUrl: options.databaseUrl,
    openai,
    front,
    instances,
    envFor,
    startInstance,
    async stopInstance(instance) {
      instance.stopped = true;
      syncFront();
      await instance.app.stop();
    },
    allLogs: () => instances.map((i) => i.logs.join('')).join(''),
    async close() {
      await Promise.all(
        instances.map(async (instance) => {
          instance.stopped = true;
          await instance.app.stop();
        }),
      );
      const sent = JSON.stringify(telegram.calls().map((call) => call.params));
      await Promise.all([front.close(), telegram.close(), openai.close()]);
      // As in startStreamgram: whatever a test drove, no secret reaches a log line or a message.
      const password = decodeURIComponent(new URL(options.databaseUrl).password);
      const secrets = [
        TEST_SECRETS.botToken,
        TEST_SECRETS.openaiKey,
        ...(password.length >= 6 ? [password] : []),
      ];
      const leaked = secrets.filter((secret) => world.allLogs().includes(secret) || sent.includes(secret));
      if (leaked.length > 0) throw new Error('secrets leaked into the logs or Telegram calls');
    },
  };
  try {
    for (let i = 0; i < options.count; i++) await startInstance();
  } catch (error) {
    await world.close();
    throw error;
  }
  return world;
}

/** The fake model answers each question with a text naming it, so every answer can be traced. */
export function echoAnswers(openai: FakeModelServer, scenario: { tokensPerSecond?: number } = {}): void {
  openai.setHandler((request) => {
    const last = request.messages.at(-1);
    const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content);
    return { text: `Answer to ${text}.`, ...scenario };
  });
}
