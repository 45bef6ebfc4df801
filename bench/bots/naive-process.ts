/**
 * The baseline: the bot people write first. Every model chunk is an edit (the first one a send), each
 * awaited before the next chunk is read, with auto-retry sleeping through every flood wait. Same
 * grammY, runner, OpenAI SDK and servers as Streamgram; only the delivery policy differs.
 */
import { setMaxListeners } from 'node:events';
import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import OpenAI from 'openai';
import { serveBot } from './serve-bot.js';

serveBot(async ({ endpoints }) => {
  const shutdown = new AbortController();
  // Every model request listens to it: hundreds at once is expected here.
  setMaxListeners(0, shutdown.signal);
  const bot = new Bot(endpoints.token, {
    botInfo: endpoints.botInfo as UserFromGetMe,
    client: { apiRoot: endpoints.apiRoot },
  });
  // The real plugin with its defaults: sleeps every retry_after and retries, forever.
  bot.api.config.use(autoRetry());
  // The SDK's default retries, as such a bot is deployed: a connection reset before any text is retried.
  const openai = new OpenAI({ apiKey: endpoints.openaiKey, baseURL: endpoints.openaiBaseURL });

  async function answer(chatId: number, question: string): Promise<void> {
    const stream = await openai.chat.completions.create(
      { model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: question }] },
      { signal: shutdown.signal },
    );
    let text = '';
    let messageId: number | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (!delta) continue;
      text += delta;
      try {
        if (messageId === undefined) messageId = (await bot.api.sendMessage(chatId, text)).message_id;
        else await bot.api.editMessageText(chatId, messageId, text);
      } catch {
        // What such bots do with a failed edit: nothing; the next chunk edits again.
      }
    }
  }

  bot.on('message:text', (ctx) => {
    const question = ctx.message.text.replace(`@${ctx.me.username}`, '').trim();
    void answer(ctx.chat.id, question).catch(() => {});
  });
  const runner = run(bot, { runner: { fetch: { allowed_updates: ['message'] } } });
  return {
    async stop() {
      shutdown.abort();
      if (runner.isRunning()) await runner.stop();
    },
  };
});
