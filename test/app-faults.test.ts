import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { useStreamgram } from './support/use-streamgram.js';
import { hasKeyboard } from './support/visible.js';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
const start = useStreamgram();

function rows(databasePath: string, sql: string): unknown[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** The answer row is written just after the final text reaches Telegram. */
async function settledAnswers(
  databasePath: string,
  count: number,
): Promise<{ status: string; content: string }[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const answers = rows(
      databasePath,
      "SELECT status, content FROM messages WHERE role = 'assistant' ORDER BY id",
    ) as {
      status: string;
      content: string;
    }[];
    if (answers.length >= count && answers.every((answer) => answer.status !== 'streaming')) return answers;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('answers were not stored in time');
}

const sentences = (count: number, word: string) =>
  Array.from({ length: count }, (_, index) => `${word} sentence ${index + 1} keeps the answer going.`).join(
    ' ',
  );

describe('faults survived', () => {
  it('delivers the final text after the Bot API was unreachable for 15 s, and polling resumes', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    const text = sentences(20, 'Outage');
    openai.enqueue({ text, tokensPerSecond: 60 });
    const user = telegram.createUser({ firstName: 'Patient' });
    telegram.userSends({ chat: user.id, text: 'Talk through an outage' });
    await telegram.waitFor(() => (telegram.lastBotMessage(user.id)?.text ?? '').length > 0, {
      timeoutMs: 15_000,
    });

    await telegram.setUnreachable(15_000);
    expect(await openai.requests[0]?.settled).toBe('completed'); // the model stream never waited on Telegram

    const final = await telegram.waitFor(
      () => {
        const message = telegram.lastBotMessage(user.id);
        return message?.text === text && !hasKeyboard(message) ? message : undefined;
      },
      { timeoutMs: 40_000 },
    );
    expect(telegram.visibleMessages(user.id).filter((message) => message.from === 'bot')).toHaveLength(1);

    openai.enqueue({ text: 'Back again.' });
    telegram.userSends({ chat: user.id, text: 'Still there?' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === 'Back again.', {
      timeoutMs: 20_000,
    });
    expect(final.messageId).toBeLessThan(telegram.lastBotMessage(user.id)?.messageId ?? 0);
  }, 90_000);

  it('rides out 5xx answers from Telegram and still delivers exactly one complete message', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    const text = sentences(8, 'Server-error');
    openai.enqueue({ text, tokensPerSecond: 80 });
    const user = telegram.createUser({ firstName: 'Five' });
    telegram.failNext({ method: 'sendMessage', status: 500, times: 2 });
    telegram.failNext({ method: 'editMessageText', status: 502, times: 4 });
    telegram.userSends({ chat: user.id, text: 'Go' });
    await telegram.waitFor(
      () => {
        const message = telegram.lastBotMessage(user.id);
        return message?.text === text && !hasKeyboard(message);
      },
      { timeoutMs: 30_000 },
    );
    expect(telegram.visibleMessages(user.id).filter((message) => message.from === 'bot')).toHaveLength(1);
    expect((await settledAnswers(world.databasePath, 1)).map((answer) => answer.status)).toEqual([
      'complete',
    ]);
  });

  it('ends a stalled model stream after the idle timeout, keeping what was shown, marked interrupted', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', PROVIDER_IDLE_TIMEOUT_SECONDS: '1' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    openai.enqueue({ text: sentences(6, 'Stalling'), tokensPerSecond: 100, stallAt: 60 });
    const user = telegram.createUser({ firstName: 'Stall' });
    telegram.userSends({ chat: user.id, text: 'Then go quiet' });
    const final = await telegram.waitFor(
      () => {
        const message = telegram.lastBotMessage(user.id);
        return message?.text?.includes('stopped responding') && !hasKeyboard(message) ? message : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(final.text).toMatch(/^Stalling sentence 1/);
    const [answer] = await settledAnswers(world.databasePath, 1);
    expect(answer?.status).toBe('interrupted');
    expect(answer?.content.length).toBeGreaterThanOrEqual(60);
    expect(await openai.requests[0]?.settled).toBe('client-aborted');
  });
});

function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe('storage faults', () => {
  it('says it cannot save while the disk is full, writes nothing half, and serves again after', async (context) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'streamgram-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      // Needs root in a sandbox that allows mounts (CI and the developers' machines do).
      if (process.env.CI) throw new Error('cannot mount a tmpfs for the read-only database test');
      context.skip();
      return;
    }
    const filler = join(mountPoint, 'filler');
    cleanups.push(() => {
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    const world = await start({
      env: { STREAM_MODE: 'edit', DATABASE_PATH: join(mountPoint, 'streamgram.db') },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Disk' });
    openai.enqueue({ text: 'First answer, saved.' });
    telegram.userSends({ chat: user.id, text: 'One' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === 'First answer, saved.', {
      timeoutMs: 15_000,
    });
    await settledAnswers(world.databasePath, 1);

    fillDisk(filler);
    telegram.userSends({ chat: user.id, text: 'Two' });
    const refusal = await telegram.waitFor(
      () => {
        const text = telegram.lastBotMessage(user.id)?.text ?? '';
        return text.includes("can't save our conversation") ? text : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(refusal).toContain('the disk is full');
    expect(openai.requests).toHaveLength(1); // nothing reached the model
    const health = await fetch(`http://127.0.0.1:${world.app.httpPort}/healthz`);
    expect(health.status).toBe(503);

    rmSync(filler);
    openai.enqueue({ text: 'Third answer, saved again.' });
    telegram.userSends({ chat: user.id, text: 'Three' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === 'Third answer, saved again.', {
      timeoutMs: 15_000,
    });
    await settledAnswers(world.databasePath, 2);
    expect(rows(world.databasePath, 'SELECT role, content, status FROM messages ORDER BY id')).toEqual([
      { role: 'user', content: 'One', status: 'complete' },
      { role: 'assistant', content: 'First answer, saved.', status: 'complete' },
      { role: 'user', content: 'Three', status: 'complete' },
      { role: 'assistant', content: 'Third answer, saved again.', status: 'complete' },
    ]);
    expect(rows(world.databasePath, 'SELECT count(*) AS n FROM usage')).toEqual([{ n: 2 }]);
  });
});
