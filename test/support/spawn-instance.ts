import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// tsx's loader in the bot's own process (as `npm start` does): tsx's CLI would run the bot in a
// child process of its own, which a SIGKILL of the CLI leaves running.
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const cwd = fileURLToPath(new URL('./', import.meta.url)); // no .env here

/** Streamgram as a real process (`src/main.ts`), so a test can kill it with SIGKILL. */
export interface SpawnedInstance {
  readonly child: ChildProcessWithoutNullStreams;
  /** Base URL of its HTTP server. */
  readonly url: string;
  /** Everything it printed (pino JSON lines). */
  output(): string;
  /** Resolves once `/healthz` answers 200 and it logged that it runs. */
  ready(timeoutMs?: number): Promise<void>;
  /** `kill -9`: no shutdown code runs; its sockets close, so PostgreSQL frees its locks. */
  kill(): Promise<void>;
}

export function spawnInstance(env: Record<string, string>): SpawnedInstance {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainPath], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}`;
  return {
    child,
    url,
    output: () => output,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes('Streamgram is running')) {
        if (child.exitCode !== null) throw new Error(`instance exited early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`instance did not start in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
