import { type RunnerHandle, run } from '@grammyjs/runner';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.js';
import { createActiveAnswers } from './conversation/active-answers.js';
import { createAnswerQuestion, type Question } from './conversation/answer-question.js';
import { createChatQueue } from './conversation/chat-queue.js';
import { DEFAULT_SYSTEM_PROMPT } from './conversation/default-system-prompt.js';
import { startHttpServer } from './http/create-http-server.js';
import type { Logger } from './logger.js';
import { createProviderRegistry } from './providers/create-provider-registry.js';
import type { ModelProvider } from './providers/types.js';
import { openDatabase } from './storage/open-database.js';
import { createStorage } from './storage/storage.js';
import { createDeliveryEngine } from './streaming/delivery/create-delivery-engine.js';
import { renderTelegramParts } from './streaming/render/index.js';
import type { BotContext } from './telegram/context.js';
import { createBot } from './telegram/create-bot.js';
import { createChatFeature } from './telegram/features/chat.js';
import { createGrammySink } from './telegram/grammy-sink.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Replaces the configured providers (the playground's demo model). */
  providers?: ReadonlyMap<string, ModelProvider>;
  botInfo?: UserFromGetMe;
}

export interface RunningApp {
  readonly httpPort: number;
  /** Stops taking updates, lets answers finish (or interrupts them), closes everything. */
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'stopped_message_generation',
] as const;

/** The composition root: configuration in, a running bot out. main.ts adds only signals. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options;
  const db = openDatabase(config.databasePath);
  const storage = createStorage(db);
  const recovered = storage.messages.markStreamingAsInterrupted(Date.now());
  if (recovered > 0) logger.warn({ recovered }, 'answers left streaming by the last run marked interrupted');

  const providers = options.providers ?? createProviderRegistry(config);
  const bot = createBot({
    config,
    logger,
    processedUpdates: storage.processedUpdates,
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  const delivery = createDeliveryEngine({
    sink: createGrammySink(bot.api),
    render: renderTelegramParts,
    logger: logger.child({ component: 'delivery' }),
    options: { mode: config.streamMode },
  });
  const activeAnswers = createActiveAnswers();
  const shutdown = new AbortController();
  const answerQuestion = createAnswerQuestion({
    storage,
    delivery,
    providers,
    models: config.models,
    defaultModel: config.defaultModel,
    defaultSystemPrompt: DEFAULT_SYSTEM_PROMPT,
    maxOutputTokens: config.provider.maxOutputTokens,
    activeAnswers,
    shutdownSignal: shutdown.signal,
    logger,
  });
  const queue = createChatQueue((error, chatId) =>
    logger.error({ err: error, chat: chatId }, 'answer failed'),
  );
  const submit = (question: Question, ctx: BotContext) => {
    void queue.enqueue(question.chat.id, async () => {
      await answerQuestion(question, ctx.log);
    });
  };
  bot.use(createChatFeature({ submit }));

  const http = await startHttpServer({
    port: config.port,
    routes: {
      'GET /healthz': (_request, response) => {
        const healthy = isDatabaseWritable(db);
        response
          .writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' })
          .end(healthy ? 'ok\n' : 'database not writable\n');
      },
    },
    onError: (error) => logger.error({ err: error }, 'http request failed'),
  });

  await bot.init();
  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
  logger.info(
    { bot: bot.botInfo.username, models: config.models.map((model) => model.id), port: http.port },
    'Streamgram is running',
  );

  let stopped: Promise<void> | undefined;
  const stopOnce = async () => {
    if (runner.isRunning()) await runner.stop();
    shutdown.abort();
    await queue.drain();
    await delivery.close();
    await http.close();
    db.close();
    logger.info('Streamgram stopped');
  };
  return {
    httpPort: http.port,
    stop: () => {
      stopped ??= stopOnce();
      return stopped;
    },
  };
}

function isDatabaseWritable(db: ReturnType<typeof openDatabase>): boolean {
  try {
    db.prepare('BEGIN IMMEDIATE').run();
    db.prepare('ROLLBACK').run();
    return true;
  } catch {
    return false;
  }
}
