import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { useStreamgram } from './support/use-streamgram.js';
import { hasKeyboard } from './support/visible.js';

let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
});
const start = useStreamgram();

const LONG_TEXT = Array.from(
  { length: 60 },
  (_, index) => `Sentence number ${index + 1} of a slow answer.`,
).join(' ');

function rows(databasePath: string, sql: string): unknown[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('graceful shutdown', () => {
  it('interrupts an answer that outlives the grace period, commits what the user saw and stores it as interrupted', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', SHUTDOWN_GRACE_SECONDS: '1' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    openai.enqueue({ text: LONG_TEXT, tokensPerSecond: 8 });
    const user = telegram.createUser({ firstName: 'Grace' });
    telegram.userSends({ chat: user.id, text: 'Take your time' });
    await telegram.waitFor(() => (telegram.lastBotMessage(user.id)?.text ?? '').length > 20, {
      timeoutMs: 15_000,
    });

    await world.app.stop();

    const final = telegram.lastBotMessage(user.id);
    expect(final?.text).toMatch(/^Sentence number 1 of a slow answer\./);
    expect(final?.text).toContain('Interrupted: the bot is restarting');
    expect(final && hasKeyboard(final)).toBe(false);
    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const [answer] = rows(
      world.databasePath,
      "SELECT status, content FROM messages WHERE role = 'assistant'",
    ) as {
      status: string;
      content: string;
    }[];
    expect(answer?.status).toBe('interrupted');
    expect(final?.text?.startsWith(answer?.content.trim() ?? '—')).toBe(true);
  });

  it('lets an answer finish when it ends within the grace period', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', SHUTDOWN_GRACE_SECONDS: '20' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const text = 'A short answer that finishes during shutdown.';
    openai.enqueue({ text, tokensPerSecond: 10 });
    const user = telegram.createUser({ firstName: 'Patient' });
    telegram.userSends({ chat: user.id, text: 'Quick one' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id), { timeoutMs: 15_000 });

    await world.app.stop();

    expect(telegram.lastBotMessage(user.id)?.text).toBe(text);
    expect(rows(world.databasePath, "SELECT status FROM messages WHERE role = 'assistant'")).toEqual([
      { status: 'complete' },
    ]);
  });
});

describe('crash recovery', () => {
  it('after kill -9 mid-answer, the next start marks the answer interrupted and does not answer the update twice', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    await world.app.stop();

    const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    child = spawn(process.execPath, [tsx, mainPath], {
      env: { PATH: process.env.PATH ?? '', ...world.env, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    openai.enqueue({ text: LONG_TEXT, tokensPerSecond: 8 });
    const user = telegram.createUser({ firstName: 'Crash' });
    telegram.userSends({ chat: user.id, text: 'Start something long' });
    await telegram.waitFor(() => (telegram.lastBotMessage(user.id)?.text ?? '').length > 20, {
      timeoutMs: 25_000,
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    expect(rows(world.databasePath, "SELECT status FROM messages WHERE role = 'assistant'")).toEqual([
      { status: 'streaming' },
    ]);

    await world.restart();
    // The killed process never confirmed its last getUpdates offset, so the update comes again.
    await telegram.waitFor(() => telegram.isLongPolling() && telegram.pendingUpdates().length === 0, {
      timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(openai.requests).toHaveLength(1);
    expect(rows(world.databasePath, "SELECT status FROM messages WHERE role = 'assistant'")).toEqual([
      { status: 'interrupted' },
    ]);
  });
});

describe('housekeeping', () => {
  it('forgets processed update ids older than a week at start, keeping recent ones', async () => {
    const world = await start({ emulator: { limits: 'none' } });
    await world.app.stop();
    const db = new Database(world.databasePath);
    const day = 24 * 60 * 60 * 1000;
    db.prepare('INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?), (?, ?)').run(
      1,
      Date.now() - 8 * day,
      2,
      Date.now() - day,
    );
    db.close();
    await world.restart();
    expect(rows(world.databasePath, 'SELECT update_id FROM processed_updates ORDER BY update_id')).toEqual([
      { update_id: 2 },
    ]);
  });
});

describe('health and metrics', () => {
  it('serves /healthz and Prometheus metrics that count answers, tokens and Telegram calls', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    openai.enqueue({ text: 'Counted.', usage: { inputTokens: 21, outputTokens: 4 } });
    const user = telegram.createUser({ firstName: 'Metric' });
    telegram.userSends({ chat: user.id, text: 'Count me' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === 'Counted.', {
      timeoutMs: 15_000,
    });

    const base = `http://127.0.0.1:${world.app.httpPort}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok (database: sqlite)\n');
    // The answer is recorded just after its final text reaches Telegram.
    let metrics = '';
    for (
      let attempt = 0;
      attempt < 50 && !metrics.includes('answers_total{outcome="complete"} 1');
      attempt++
    ) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    expect(metrics).toContain('streamgram_answers_total{outcome="complete"} 1');
    expect(metrics).toContain('streamgram_tokens_total{provider="openai",model="gpt-test",kind="input"} 21');
    expect(metrics).toContain('streamgram_tokens_total{provider="openai",model="gpt-test",kind="output"} 4');
    expect(metrics).toMatch(/streamgram_telegram_calls_total\{method="sendMessage"\} [1-9]/);
    expect(metrics).toContain('streamgram_first_visible_seconds_count 1');
    expect(metrics).toContain('streamgram_active_streams 0');
  });
});
