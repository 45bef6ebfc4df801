import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import {
  createFakeAnthropicServer,
  createFakeOpenAIServer,
  type FakeModelServer,
  type RecordedRequest,
} from '../../test/support/fake-model/index.js';
import { BOT_NODE_FLAGS } from '../lib/bot-node-flags.js';
import type { FromBot, ToBot } from './bot-process.js';
import { type AnswerPlan, scenarioFor } from './plan.js';

const TOKEN = '1234567890:AAH-streamgram-soak-token-0123456789';
const OPENAI_KEY = 'sk-soak-openai-key-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-soak-key-0123456789abcdef';
export const MODELS = { openai: 'openai:gpt-soak', anthropic: 'anthropic:claude-soak' } as const;

export interface SoakWorld {
  telegram: BotApiEmulator;
  openai: FakeModelServer;
  anthropic: FakeModelServer;
  databasePath: string;
  folder: string;
  /** The plans the fake models answer from, by question id (filled by the driver). */
  plans: Map<number, AnswerPlan>;
  /** The bot's RSS and heap after forced collections. */
  measure(): Promise<{ rss: number; heapUsed: number }>;
  /** The bot's highest RSS so far (Linux: VmHWM), undefined elsewhere. */
  peakRss(): number | undefined;
  /** Stops the bot (gracefully), the servers and the emulator; removes the folder unless kept. */
  stop(options: { keep: boolean }): Promise<void>;
  /** Last resort: kill the bot process at once. */
  kill(): void;
}

const QUESTION_ID = /Question (\d+):/g;

/** The id of the question a model request answers: the last one named in its last user message. */
function questionIdOf(request: RecordedRequest): number | undefined {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  const content = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  const ids = [...content.matchAll(QUESTION_ID)].map((match) => Number(match[1]));
  return ids.at(-1);
}

/**
 * The bot as production runs it: compiled JavaScript on plain node (under tsx, the loader's own thread
 * and caches would be measured too). The bundle sits two folders deep beside links to node_modules and
 * migrations, where the storage code looks for its migrations.
 */
async function bundleBot(folder: string): Promise<string> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
  symlinkSync(join(root, 'migrations'), join(folder, 'migrations'), 'dir');
  const outfile = join(folder, 'dist', 'bot', 'bot-process.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./bot-process.ts', import.meta.url))],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}

export async function startSoakWorld(options: { seed: number }): Promise<SoakWorld> {
  const folder = mkdtempSync(join(tmpdir(), 'streamgram-soak-'));
  const botEntry = await bundleBot(folder).catch((error: unknown) => {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  });
  const databasePath = join(folder, 'streamgram.db');
  const plans = new Map<number, AnswerPlan>();
  const attempts = new Map<number, number>();
  const telegram = await startBotApiEmulator({ token: TOKEN, limits: 'telegram', seed: options.seed });
  const openai = await createFakeOpenAIServer({ apiKey: OPENAI_KEY });
  const anthropic = await createFakeAnthropicServer({ apiKey: ANTHROPIC_KEY });
  for (const server of [openai, anthropic]) {
    server.setHandler((request) => {
      const id = questionIdOf(request);
      const plan = id === undefined ? undefined : plans.get(id);
      if (id === undefined || !plan) return undefined;
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      return scenarioFor(plan, attempt);
    });
  }

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MODELS: `${MODELS.openai},${MODELS.anthropic}`,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: openai.baseURL,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: anthropic.baseURL,
    ALLOWED_USERS: '*',
    DATABASE_PATH: databasePath,
    PORT: '0',
    LOG_LEVEL: 'warn',
    STREAM_MODE: 'auto',
    // Short, so a stalled stream ends within the run; retries on, so a transient 500 is recovered.
    PROVIDER_IDLE_TIMEOUT_SECONDS: '2',
    PROVIDER_MAX_RETRIES: '1',
    SHUTDOWN_GRACE_SECONDS: '10',
    SOAK_LOG_PATH: join(folder, 'bot.log'),
  };
  const child: ChildProcess = fork(botEntry, [], {
    execArgv: ['--expose-gc', ...BOT_NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = (type: FromBot['type'], timeoutMs: number) =>
    new Promise<FromBot>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`the bot did not answer "${type}" in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message: FromBot) => {
        if (message.type === 'failed') done(new Error(`the bot failed: ${message.message}`));
        else if (message.type === type) done(undefined, message);
      };
      const onExit = () => done(new Error(`the bot exited while waiting for "${type}"`));
      function done(error: Error | undefined, message?: FromBot) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(message as FromBot);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const tell = (message: ToBot) => child.send(message);

  const closeServers = async () => {
    await Promise.all([telegram.close(), openai.close(), anthropic.close()]);
  };
  try {
    await next('ready', 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    await closeServers();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  return {
    telegram,
    openai,
    anthropic,
    databasePath,
    folder,
    plans,
    async measure() {
      const answer = next('memory', 60_000);
      tell({ type: 'measure' });
      const memory = (await answer) as Extract<FromBot, { type: 'memory' }>;
      return { rss: memory.rss, heapUsed: memory.heapUsed };
    },
    async stop({ keep }) {
      try {
        if (child.connected) {
          const stopped = next('stopped', 40_000);
          tell({ type: 'stop' });
          await stopped.catch(() => child.kill('SIGKILL'));
        }
        const hung = setTimeout(() => {
          process.stderr.write('soak: the bot did not exit after stopping; killed it\n');
          child.kill('SIGKILL');
        }, 5000);
        await exited;
        clearTimeout(hung);
      } finally {
        process.off('exit', killOnExit);
        await closeServers();
        if (!keep) rmSync(folder, { recursive: true, force: true });
      }
    },
    peakRss() {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? undefined : Number(kb) * 1024;
      } catch {
        return undefined;
      }
    },
    kill: () => child.kill('SIGKILL'),
  };
}
