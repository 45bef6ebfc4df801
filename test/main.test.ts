import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_SECRETS } from './support/start-streamgram.js';
import { useStreamgram } from './support/use-streamgram.js';

const start = useStreamgram();

const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const cwd = fileURLToPath(new URL('./support/', import.meta.url)); // no .env there

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [tsx, mainPath], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start (src/main.ts)', () => {
  it('prints one clear line naming the bad variable, never its value, and exits non-zero', async () => {
    const run = runMain({
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.botToken,
      MODELS: 'openai:gpt-5',
      OPENAI_API_KEY: TEST_SECRETS.openaiKey,
      ALLOWED_USERS: '*',
      STREAM_MODE: 'sometimes',
    });
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: STREAM_MODE must be auto, draft or edit. See .env.example.',
    ]);
    expect(stderr).not.toContain(TEST_SECRETS.botToken);
  });

  it('says in one line that PostgreSQL cannot be reached, without its password, and exits non-zero', async () => {
    const run = runMain({
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.botToken,
      MODELS: 'openai:gpt-5',
      OPENAI_API_KEY: TEST_SECRETS.openaiKey,
      ALLOWED_USERS: '*',
      // Port 1 on loopback: nothing listens there.
      DATABASE_URL: 'postgres://streamgram:db-password-never-shown@127.0.0.1:1/streamgram',
      LOG_LEVEL: 'silent',
    });
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stderr).toMatch(/^Streamgram could not start: migrate failed \(unavailable, ECONNREFUSED\)/);
    expect(stdout + stderr).not.toContain('db-password-never-shown');
  });

  it('refuses to start without ALLOWED_USERS', async () => {
    const run = runMain({
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.botToken,
      MODELS: 'openai:gpt-5',
      OPENAI_API_KEY: 'sk-x-123456',
    });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toMatch(/^Invalid configuration: ALLOWED_USERS is required/);
  });

  it('runs against the emulator and stops cleanly with exit code 0 on SIGTERM', async () => {
    const world = await start({ emulator: { limits: 'none' } });
    await world.app.stop();
    const run = runMain({ ...world.env, LOG_LEVEL: 'info' });
    await world.telegram.waitFor(() => world.telegram.isLongPolling(), { timeoutMs: 20_000 });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    expect(stdout).toContain('Streamgram is running');
    expect(stdout).toContain('Streamgram stopped');
    for (const secret of [TEST_SECRETS.botToken, TEST_SECRETS.openaiKey, TEST_SECRETS.anthropicKey]) {
      expect(stdout).not.toContain(secret);
    }
  });
});
