import { afterEach, describe, expect, it } from 'vitest';
import { type BotProcess, createBotProcess } from './bot-processes.js';
import { useStreamgram } from './use-streamgram.js';

const start = useStreamgram();
let bot: BotProcess | undefined;
afterEach(async () => {
  await bot?.kill('SIGKILL');
  bot = undefined;
});

describe('createBotProcess', () => {
  it('starts src/main.ts, is ready once /healthz answers, stops on SIGTERM, starts again, dies on SIGKILL', async () => {
    const world = await start({ emulator: { limits: 'none' } });
    await world.app.stop();
    bot = await createBotProcess({ instanceId: 'bot-test', env: { ...world.env, LOG_LEVEL: 'info' } });
    await bot.start();
    expect(bot.running).toBe(true);
    const health = await fetch(`${bot.url}/healthz`);
    expect(await health.text()).toContain('ok');

    world.openai.enqueue({ text: 'From a child process.' });
    const user = world.telegram.createUser({ firstName: 'Child' });
    world.telegram.userSends({ chat: user.id, text: 'Hello' });
    await world.telegram.waitFor(
      () => world.telegram.lastBotMessage(user.id)?.text === 'From a child process.',
      { timeoutMs: 20_000 },
    );

    expect(await bot.kill('SIGTERM')).toBe(0);
    expect(bot.running).toBe(false);
    expect(bot.output()).toContain('Streamgram stopped');

    await bot.start();
    expect(bot.running).toBe(true);
    await bot.kill('SIGKILL');
    expect(bot.running).toBe(false);
    expect(bot.output()).not.toContain(world.config.telegram.token);
  }, 90_000);
});
