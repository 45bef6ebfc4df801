import { Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.js';
import { createActiveAnswers } from './conversation/active-answers.js';
import { createAnswerQuestion } from './conversation/answer-question.js';
import { createChatQueue } from './conversation/chat-queue.js';
import { createSubmitQuestions } from './conversation/submit-questions.js';
import { createUserRateLimit } from './conversation/user-rate-limit.js';
import { startHttpServer } from './http/create-http-server.js';
import type { RunningInbox } from './inbox/start-inbox.js';
import type { Logger } from './logger.js';
import { cacheDownloads } from './media/cache-downloads.js';
import { createTelegramFileDownloader } from './media/download-telegram-file.js';
import { createAttachmentReader } from './media/read-attachments.js';
import { createTranscriber } from './media/transcribe-audio.js';
import { countTelegramCalls } from './metrics/count-telegram-calls.js';
import { createMetrics } from './metrics/create-metrics.js';
import { recordAnswer } from './metrics/record-answer.js';
import { createProviderRegistry } from './providers/create-provider-registry.js';
import type { ModelProvider } from './providers/types.js';
import { openStore } from './storage/open-store.js';
import { createStorage } from './storage/storage.js';
import { createDeliveryEngine } from './streaming/delivery/create-delivery-engine.js';
import { createPartRenderer } from './streaming/render/index.js';
import { createChatActivity } from './telegram/chat-activity.js';
import { createBot } from './telegram/create-bot.js';
import { createAlbumParts } from './telegram/features/album-parts.js';
import { createFeatures } from './telegram/features/index.js';
import { telegramFileApi } from './telegram/file-api.js';
import { gateBotCalls } from './telegram/gate-bot-calls.js';
import { createGrammySink } from './telegram/grammy-sink.js';
import { startUpdates } from './telegram/start-updates.js';
import { startTelegramBudget } from './telegram/telegram-budget.js';
import { createBuiltinTools } from './tools/builtin/builtin-tools.js';
import { allowsUser } from './tools/mcp/mcp-config.js';
import type { ToolSource } from './tools/types.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Replaces the configured providers (the playground's demo model). */
  providers?: ReadonlyMap<string, ModelProvider>;
  botInfo?: UserFromGetMe;
}

export interface RunningApp {
  readonly httpPort: number;
  /** With the durable inbox: this instance's id, the chats it owns and whether it polls (tests, logs). */
  readonly inbox?: {
    readonly instanceId: string;
    ownedChats(): number[];
    isLeader(): boolean;
    /** Whether this instance is the one looking for chats nobody owns. */
    isSweeper(): boolean;
  };
  /**
   * Stops taking updates, gives answers in flight the grace period to finish, then interrupts the
   * rest (what the user saw is committed with a notice and stored as interrupted) and closes everything.
   */
  stop(): Promise<void>;
}

/** After the grace period, interrupted answers get this long to deliver their last text. */
const FINAL_DELIVERY_MS = 10_000;
const PROCESSED_UPDATES_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/** The composition root: configuration in, a running bot out. main.ts adds only signals. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options;
  const store = await openStore(config, {
    onMigrated: ({ applied, version }) => {
      if (applied.length > 0)
        logger.info({ applied: applied.map((m) => m.file), version }, 'database migrated');
    },
  });
  logger.info({ database: store.kind, location: store.location }, 'database open');
  const storage = createStorage(store);
  // With the inbox, other live instances are writing answers: a chat's new owner tidies up instead.
  const recovered = config.inbox ? 0 : await storage.messages.markStreamingAsInterrupted(Date.now());
  if (recovered > 0) logger.warn({ recovered }, 'answers left streaming by the last run marked interrupted');
  // Telegram redelivers updates for at most a day; a week of ids is plenty to recognise them.
  await storage.processedUpdates.prune(Date.now() - PROCESSED_UPDATES_KEPT_MS);

  // Several instances of one bot (the shared budget or the inbox) are told apart on /metrics by INSTANCE_ID.
  const shared = config.redisUrl !== undefined || (config.inbox && config.databaseUrl !== undefined);
  const metrics = createMetrics(shared ? { instance: config.instanceId } : {});
  const providers = options.providers ?? (await createProviderRegistry(config));
  // The gate and the paced fetch every Bot API call goes through (shared through Redis with REDIS_URL).
  const telegramBudget = await startTelegramBudget(config, logger);
  const { gate, fetch: telegramFetch } = telegramBudget;
  const bot = createBot({
    config,
    fetch: telegramFetch,
    logger,
    processedUpdates: storage.processedUpdates,
    skipDuplicateFilter: config.inbox,
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  const engineApi = new Api(config.telegram.token, {
    apiRoot: config.telegram.apiRoot,
    fetch: telegramFetch,
  });
  engineApi.config.use(countTelegramCalls(metrics));
  bot.api.config.use(countTelegramCalls(metrics));
  bot.api.config.use(gateBotCalls(gate));
  const delivery = createDeliveryEngine({
    sink: createGrammySink(engineApi),
    // Each frame re-parses only the block still being written, not the whole part.
    createRenderer: () => createPartRenderer(),
    gate,
    logger: logger.child({ component: 'delivery' }),
    options: { mode: config.streamMode },
  });
  const transcription = config.media.transcription;
  // Files are fetched on a client of their own: a download must not wait behind the send budget.
  const readAttachments = createAttachmentReader({
    download: cacheDownloads(
      createTelegramFileDownloader({
        api: telegramFileApi(engineApi),
        apiRoot: config.telegram.apiRoot,
        token: config.telegram.token,
        maxBytes: config.media.maxFileBytes,
      }),
      { maxFiles: 64, maxBytes: 64 * 1024 * 1024 },
    ),
    maxDocumentChars: config.media.maxDocumentChars,
    transcribe: transcription
      ? createTranscriber({
          provider: transcription.provider.name,
          model: transcription.model,
          apiKey: transcription.provider.apiKey,
          baseURL: transcription.provider.baseURL,
          timeoutMs: config.provider.requestTimeoutMs,
          maxRetries: config.provider.maxRetries,
        })
      : undefined,
  });
  const activeAnswers = createActiveAnswers();
  const shutdown = new AbortController();
  const builtinTools = createBuiltinTools({ enabled: config.tools.builtin, timeZone: config.timeZone });
  // MCP servers connect in the background: answers use whichever tools are up at the time.
  // Its SDK is loaded only when MCP_CONFIG names servers (about 20 MB a bot without them never pays).
  const mcp =
    config.tools.mcpServers.length > 0
      ? (await import('./tools/mcp/connect-mcp-servers.js')).connectMcpServers(config.tools.mcpServers, {
          logger,
        })
      : undefined;
  const toolSources = [
    ...(builtinTools.length > 0 ? [{ name: 'builtin' }] : []),
    ...config.tools.mcpServers.map((server) => ({
      name: server.name,
      allowedFor: (user: { id: number; username?: string | undefined }) =>
        allowsUser(server.allowUsers, user),
    })),
  ];
  const tools: ToolSource = {
    list: () => [...builtinTools, ...(mcp?.list() ?? [])],
    sources: () => toolSources,
  };
  const answerQuestion = createAnswerQuestion({
    storage,
    delivery,
    providers,
    models: config.models,
    defaultModel: config.defaultModel,
    defaultSystemPrompt: config.systemPrompt,
    maxOutputTokens: config.provider.maxOutputTokens,
    thinkingTokens: config.thinkingTokens,
    context: config.context,
    activeAnswers,
    tools,
    toolSettings: {
      timeoutMs: config.tools.timeoutMs,
      maxSteps: config.tools.maxSteps,
      maxResultChars: config.tools.maxResultChars,
    },
    shutdownSignal: shutdown.signal,
    logger,
    readAttachments,
    maxImages: config.media.maxImages,
    chatActivity: createChatActivity({
      send: (chatId, threadId) =>
        bot.api.sendChatAction(
          chatId,
          'typing',
          threadId === undefined ? {} : { message_thread_id: threadId },
        ),
      logger,
    }),
  });
  const queue = createChatQueue((error, chatId) =>
    logger.error({ err: error, chat: chatId }, 'answer failed'),
  );
  // Shared with the inbox: a chat holding album parts must keep receiving that album's other parts,
  // and a held part's update stays open until its album is answered (or nobody asked about it).
  let heldBy: Pick<RunningInbox, 'taken' | 'released'> | undefined;
  const albums = createAlbumParts({
    onHeld: (part) => heldBy?.taken(part),
    onDropped: (parts) => heldBy?.released(parts),
  });
  const inbox =
    config.inbox && config.databaseUrl !== undefined
      ? // Loaded only with PostgreSQL: its driver (pg) is no use to a lone SQLite instance.
        (await import('./inbox/start-inbox.js')).startInbox({
          url: config.databaseUrl,
          instanceId: config.instanceId,
          store,
          storage,
          bot,
          queue,
          albums,
          wroteRecently: telegramBudget.wroteRecently,
          logger,
        })
      : undefined;
  heldBy = inbox;
  const submit = createSubmitQuestions({
    queue,
    ...(inbox ? { lifecycle: inbox.lifecycle } : {}),
    answerQuestion,
    notify: async (question, text) => {
      await bot.api.sendMessage(question.chat.id, text, {
        ...(question.threadId === undefined ? {} : { message_thread_id: question.threadId }),
      });
    },
    shutdownSignal: shutdown.signal,
    maxQuestionChars: config.maxQuestionChars,
    userRateLimit: createUserRateLimit({ perMinute: config.userMessagesPerMinute }),
    onAnswerStart: () => metrics.activeStreams.inc(),
    onAnswerEnd: (outcome) => {
      metrics.activeStreams.dec();
      if (outcome) recordAnswer(metrics, outcome);
    },
  });
  const features = createFeatures({
    config,
    storage,
    queue,
    activeAnswers,
    submit,
    albums,
    ...(inbox ? { onQuestionTaken: inbox.taken, onQuestionRefused: (q) => inbox.released([q]) } : {}),
    tools,
    toolMaxSteps: config.tools.maxSteps,
  });
  bot.use(features.composer);

  // grammY retries getMe until Telegram answers, so say what the bot is waiting for.
  logger.info({ apiRoot: config.telegram.apiRoot }, 'connecting to Telegram');
  await bot.init();
  await features.registerCommands(bot.api, logger);
  let accepting = true;
  await inbox?.start();
  const updates = startUpdates({
    bot,
    config,
    logger,
    isAccepting: () => accepting,
    ...(inbox ? { inbox: { store: inbox.accept, leader: inbox.leader } } : {}),
  });
  const http = await startHttpServer({
    port: config.port,
    routes: {
      'GET /healthz': async (_request, response) => {
        const healthy = await store.isWritable();
        // The kind of database, never its address: /healthz is often public. Redis away is not
        // unhealthy: the instance keeps to its local share of the budget and goes on answering.
        const redisState = telegramBudget.redisState();
        const redis = redisState ? `, redis: ${redisState}` : '';
        response
          .writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' })
          .end(
            healthy
              ? `ok (database: ${store.kind}${redis})\n`
              : `database not writable (${store.kind}${redis})\n`,
          );
      },
      'GET /metrics': async (_request, response) => {
        response
          .writeHead(200, { 'content-type': metrics.registry.contentType })
          .end(await metrics.registry.metrics());
      },
      ...updates.routes,
    },
    onError: (error) => logger.error({ err: error }, 'http request failed'),
  });
  await updates.start();
  logger.info(
    {
      bot: bot.botInfo.username,
      models: config.models.map((model) => model.id),
      port: http.port,
      mode: updates.mode,
    },
    'Streamgram is running',
  );

  async function stopOnce(): Promise<void> {
    accepting = false;
    await updates.stop();
    // Questions not started go back to the inbox for another instance, idle chats are let go now.
    await inbox?.handBack();
    const finished = await settlesWithin(queue.drain(), config.shutdownGraceMs);
    if (!finished) {
      logger.warn({ active: activeAnswers.size }, 'grace period over: interrupting answers in flight');
      shutdown.abort();
      await settlesWithin(queue.drain(), FINAL_DELIVERY_MS);
    }
    await inbox?.close();
    await delivery.close();
    await mcp?.close();
    await http.close();
    // Leaves the instance list at once, so the others' share grows back without waiting.
    await telegramBudget.close();
    await store.close();
    logger.info('Streamgram stopped');
  }
  let stopped: Promise<void> | undefined;
  return {
    httpPort: http.port,
    ...(inbox
      ? {
          inbox: {
            instanceId: inbox.inbox.instanceId,
            ownedChats: () => inbox.inbox.owner.owned(),
            isLeader: () => inbox.leader.isLeader(),
            isSweeper: () => inbox.inbox.owner.isSweeper(),
          },
        }
      : {}),
    stop: () => {
      stopped ??= stopOnce();
      return stopped;
    },
  };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
