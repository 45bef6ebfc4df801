import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { UserFromGetMe } from 'grammy/types';
import { type RunningApp, startApp } from '../../src/app.js';
import { type Config, createConfig } from '../../src/config.js';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/logger.js';
import {
  createFakeAnthropicServer,
  createFakeOpenAIServer,
  type FakeModelServer,
} from './fake-model/index.js';

export const TEST_SECRETS = {
  botToken: '1234567890:AAH-streamgram-test-token-0123456789',
  openaiKey: 'sk-test-openai-key-0123456789abcdef',
  anthropicKey: 'sk-ant-test-key-0123456789abcdef',
};

export interface StreamgramWorld {
  telegram: BotApiEmulator;
  openai: FakeModelServer;
  anthropic: FakeModelServer;
  config: Config;
  /** The environment the config was made from, e.g. to run `src/main.ts` in a child process. */
  env: Record<string, string>;
  databasePath: string;
  /** Every log line the bot wrote, for assertions (and the secrets test). */
  logs: string[];
  app: RunningApp;
  /**
   * Stops the bot, then starts it again on the same database and servers (a deploy, a crash);
   * `env` changes settings for the new run (e.g. a model removed from MODELS).
   */
  restart(options?: { env?: Record<string, string> }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole bot, in process, against the Bot API emulator and both fake model servers, with a real
 * SQLite file in a temp folder. Everything it starts, `stop()` stops.
 */
export async function startStreamgram(
  options: { env?: Record<string, string>; emulator?: Parameters<typeof startBotApiEmulator>[0] } = {},
): Promise<StreamgramWorld> {
  const telegram = await startBotApiEmulator({
    token: TEST_SECRETS.botToken,
    limits: 'telegram',
    ...options.emulator,
  });
  const openai = await createFakeOpenAIServer({ apiKey: TEST_SECRETS.openaiKey });
  const anthropic = await createFakeAnthropicServer({ apiKey: TEST_SECRETS.anthropicKey });
  const folder = mkdtempSync(join(tmpdir(), 'streamgram-e2e-'));
  const closeAll = async () => {
    await Promise.all([telegram.close(), openai.close(), anthropic.close()]);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    return await launchWorld();
  } catch (error) {
    await closeAll();
    throw error;
  }

  async function launchWorld(): Promise<StreamgramWorld> {
    const env: Record<string, string> = {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MODELS: 'openai:gpt-test,anthropic:claude-test',
      OPENAI_API_KEY: TEST_SECRETS.openaiKey,
      OPENAI_BASE_URL: openai.baseURL,
      ANTHROPIC_API_KEY: TEST_SECRETS.anthropicKey,
      ANTHROPIC_BASE_URL: anthropic.baseURL,
      ALLOWED_USERS: '*',
      DATABASE_PATH: join(folder, 'streamgram.db'),
      PORT: '0',
      LOG_LEVEL: 'debug',
      PROVIDER_MAX_RETRIES: '0',
      ...options.env,
    };
    let config = createConfig(env);
    const databasePath = config.databasePath;
    const logs: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const launch = () =>
      startApp({
        config,
        logger: createLogger({ level: config.logLevel, secrets: config.secrets, destination }),
        botInfo: telegram.bot as UserFromGetMe,
      });

    const world: StreamgramWorld = {
      telegram,
      openai,
      anthropic,
      config,
      env,
      databasePath,
      logs,
      app: await launch(),
      async restart(restartOptions = {}) {
        await world.app.stop();
        if (restartOptions.env) {
          world.env = { ...world.env, ...restartOptions.env };
          config = createConfig(world.env);
          world.config = config;
        }
        world.app = await launch();
      },
      async stop() {
        await world.app.stop();
        const leaks = leakedSecrets(world);
        await closeAll();
        // Every end-to-end test doubles as a secrets test: whatever fault it drove, no secret may
        // appear in a log line or in anything the bot sent to Telegram.
        if (leaks.length > 0) throw new Error(`secrets leaked into: ${leaks.join(', ')}`);
      },
    };
    return world;
  }
}

function leakedSecrets(world: StreamgramWorld): string[] {
  const places = [
    { name: 'logs', text: world.logs.join('') },
    { name: 'Telegram calls', text: JSON.stringify(world.telegram.calls().map((call) => call.params)) },
  ];
  const secrets = [world.config.telegram.token, TEST_SECRETS.openaiKey, TEST_SECRETS.anthropicKey];
  return places
    .filter((place) => secrets.some((secret) => place.text.includes(secret)))
    .map((place) => place.name);
}
