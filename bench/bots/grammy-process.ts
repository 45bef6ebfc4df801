/**
 * The best-practice grammY bot (issue 10's baseline): grammY's own flood plugins with their defaults,
 * `@grammyjs/transformer-throttler` (30/s bot-wide, 1/s per private chat, 1 s apart and 20/min per
 * group, queued through Bottleneck) and `@grammyjs/auto-retry` (sleeps `retry_after`, retries), plus
 * one message per answer edited by a latest-wins loop. No Markdown rendering: the final text is the
 * answer itself, cut into 4,096-character messages when longer. Same grammY, runner, OpenAI SDK and
 * servers as Streamgram; only the delivery differs.
 */
import { setMaxListeners } from 'node:events';
import { createWriteStream } from 'node:fs';
import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { type Api, Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import OpenAI from 'openai';
import { plainParts } from '../lib/plain-parts.js';
import { createLatestWins } from './latest-wins.js';
import { serveBot } from './serve-bot.js';

serveBot(async ({ endpoints, logPath }) => {
  // Failed answers are written down, so a baseline that loses answers says why.
  const log = createWriteStream(logPath);
  const shutdown = new AbortController();
  // Every request and every retry pause listens to it: hundreds at once is expected here.
  setMaxListeners(0, shutdown.signal);
  const bot = new Bot(endpoints.token, {
    botInfo: endpoints.botInfo as UserFromGetMe,
    client: { apiRoot: endpoints.apiRoot },
  });
  // The last transformer installed runs first: auto-retry wraps the throttler, so a retry is queued
  // and paced like any other call instead of jumping the queue.
  bot.api.config.use(apiThrottler());
  bot.api.config.use(autoRetry());
  // The SDK's default retries, as such a bot is deployed: a connection reset before any text is retried.
  const openai = new OpenAI({ apiKey: endpoints.openaiKey, baseURL: endpoints.openaiBaseURL });

  async function answer(chatId: number, question: string): Promise<void> {
    // grammY types its signal with the abort-controller shim; Node's is the same thing at run time.
    const signal = shutdown.signal as Parameters<Api['sendMessage']>[3];
    const delivery = createLatestWins({
      send: async (text) => (await bot.api.sendMessage(chatId, text, {}, signal)).message_id,
      edit: async (messageId, text) => {
        await bot.api.editMessageText(chatId, messageId, text, {}, signal);
      },
    });
    const stream = await openai.chat.completions.create(
      { model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: question }] },
      { signal: shutdown.signal },
    );
    let text = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (!delta) continue;
      text += delta;
      delivery.show(plainParts(text));
    }
    await delivery.finish(plainParts(text));
  }

  bot.on('message:text', (ctx) => {
    const question = ctx.message.text.replace(`@${ctx.me.username}`, '').trim();
    void answer(ctx.chat.id, question).catch((error: unknown) => {
      if (shutdown.signal.aborted) return;
      log.write(
        `answer in chat ${ctx.chat.id} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  });
  const runner = run(bot, { runner: { fetch: { allowed_updates: ['message'] } } });
  return {
    async stop() {
      shutdown.abort();
      if (runner.isRunning()) await runner.stop();
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
});
