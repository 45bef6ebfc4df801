import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const cwd = fileURLToPath(new URL('./', import.meta.url)); // no .env here

/** One real Streamgram process (`src/main.ts` on node + tsx), as production runs one replica. */
export interface BotProcess {
  readonly instanceId: string;
  /** Its PORT (HTTP: /healthz, /metrics, the webhook); kept across restarts. */
  readonly port: number;
  readonly url: string;
  /** True between `start()` and its exit. */
  readonly running: boolean;
  /** The running process's pid (undefined when it is not running). */
  readonly pid: number | undefined;
  /** Everything it printed on stdout and stderr since it was created (every run). */
  output(): string;
  /** Spawns it and waits until /healthz answers 200. */
  start(): Promise<void>;
  /** Sends `signal` and waits for the exit (SIGKILL: a crash; SIGTERM: a graceful stop). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export interface BotProcessOptions {
  instanceId: string;
  /** Everything but PORT and INSTANCE_ID, which each process gets of its own. */
  env: Record<string, string>;
  /** Default 60 s: tsx compiles on the first start, on two shared cores. */
  readyTimeoutMs?: number;
}

export async function createBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let output = '';

  async function start(): Promise<void> {
    if (child) throw new Error(`${options.instanceId} is already running`);
    // tsx as a loader in this very process (as `npm start` runs), not its CLI: the CLI runs the bot in
    // a child of its own, which a SIGKILL to the CLI would leave running.
    const spawned = spawn(process.execPath, ['--import', 'tsx', mainPath], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        ...options.env,
        PORT: String(port),
        INSTANCE_ID: options.instanceId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    const append = (chunk: unknown) => {
      output += String(chunk);
    };
    spawned.stdout?.on('data', append);
    spawned.stderr?.on('data', append);
    exited = new Promise((resolve) =>
      spawned.once('exit', (code) => {
        if (child === spawned) child = undefined;
        resolve(code);
      }),
    );
    await waitForHealthy(spawned);
  }

  async function waitForHealthy(spawned: ChildProcess): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (spawned.exitCode !== null || spawned.signalCode !== null)
        throw new Error(`${options.instanceId} exited while starting:\n${tail(output)}`);
      if (await isHealthy(url)) return;
      await sleep(100);
    }
    throw new Error(`${options.instanceId} not healthy after ${readyTimeoutMs} ms:\n${tail(output)}`);
  }

  return {
    instanceId: options.instanceId,
    port,
    url,
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    output: () => output,
    start,
    async kill(signal) {
      const running = child;
      if (!running) return null;
      running.kill(signal);
      return exited;
    },
  };
}

/** Several processes sharing one environment (database, Redis, Telegram), named `bot-1`, `bot-2`... */
export interface BotProcessGroup {
  readonly processes: readonly BotProcess[];
  /** Starts every process at once and waits until all are healthy. */
  startAll(): Promise<void>;
  /** SIGKILL to every process still running: for afterAll, whatever happened. */
  killAll(): Promise<void>;
}

export async function createBotProcessGroup(options: {
  count: number;
  env: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<BotProcessGroup> {
  const processes: BotProcess[] = [];
  for (let index = 1; index <= options.count; index++)
    processes.push(
      await createBotProcess({
        instanceId: `bot-${index}`,
        env: options.env,
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      }),
    );
  return {
    processes,
    async startAll() {
      await Promise.all(processes.map((process) => process.start()));
    },
    async killAll() {
      await Promise.all(processes.map((process) => process.kill('SIGKILL')));
    },
  };
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-20).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
