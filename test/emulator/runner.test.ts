import { type RunnerHandle, run } from '@grammyjs/runner';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../src/emulator/index.js';

let emulator: BotApiEmulator;
let runner: RunnerHandle | undefined;

beforeEach(async () => {
  emulator = await startBotApiEmulator();
});
afterEach(async () => {
  if (runner?.isRunning()) await runner.stop();
  await emulator.close();
});

it('runs a grammY bot with @grammyjs/runner: it receives a message and replies', async () => {
  const bot = createEmulatedBot(emulator);
  bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.from?.first_name}!`));
  bot.on('message:text', (ctx) =>
    ctx.reply(`You said: ${ctx.message.text}`, { reply_parameters: { message_id: ctx.message.message_id } }),
  );
  runner = run(bot);

  const user = emulator.createUser({ firstName: 'Grace' });
  emulator.userSends({ chat: user.id, text: '/start' });
  emulator.userSends({ chat: user.id, text: 'streaming please' });
  await emulator.waitFor(
    () => emulator.visibleMessages(user.id).filter((m) => m.from === 'bot').length === 2,
    {
      timeoutMs: 10_000,
    },
  );
  const replies = emulator.visibleMessages(user.id).filter((m) => m.from === 'bot');
  expect(replies.map((m) => m.text)).toEqual(['Welcome, Grace!', 'You said: streaming please']);
  expect(replies[1]?.replyToMessageId).toBe(2);

  // Idle long polling waits on the server instead of spinning.
  await emulator.waitFor(() => emulator.isLongPolling());
  const before = emulator.stats().byMethod.getUpdates?.calls ?? 0;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((emulator.stats().byMethod.getUpdates?.calls ?? 0) - before).toBeLessThanOrEqual(1);

  await runner.stop();
  expect(runner.isRunning()).toBe(false);
});
