/**
 * The emulator's composition root: starts the HTTP front and wires the core, dispatcher, limits,
 * files and updates into one `BotApiEmulator`. About 370 lines because that interface is the whole
 * surface tests drive (users' actions, views of chats, faults), each method a line or two over the
 * parts it wires.
 */
import type { ApiBotUser, ApiChat, ApiMessage, ApiUpdate, ApiUser, BotCommand } from './api-types.js';
import type { CallbackQueryRecord, EmulatorCore } from './core.js';
import { createDispatcher } from './dispatch.js';
import { createEventBus, type EmulatorListener } from './events.js';
import { createFaultInjector, type DropSpec, type FailNextSpec, type RandomFaultsSpec } from './faults.js';
import { serveDownload } from './files/download-route.js';
import { createFileStore, type DownloadFault } from './files/file-store.js';
import { type HttpFront, startHttpFront } from './http/http-server.js';
import { createRouter, type RawRequest, type RawResponse } from './http/router.js';
import { botMethods } from './methods/bot.js';
import { draftMethods } from './methods/drafts.js';
import { fileMethods } from './methods/files.js';
import { messageMethods } from './methods/messages.js';
import { updateMethods } from './methods/updates.js';
import { createSeededRandom } from './random.js';
import {
  createRateLimiter,
  type RateLimitStats,
  type RateLimits,
  type RateLimitsInput,
} from './rate-limiter.js';
import { type CallFilter, type CallRecord, type CallStats, createRecorder } from './recorder.js';
import {
  type ChatAction,
  type ChatRef,
  type CreateGroupInput,
  type CreateUserInput,
  createChatStore,
  type StoredMessage,
} from './state/chat-store.js';
import { createDraftBoard, type DraftState } from './state/drafts.js';
import type { TimelineEvent, TimelineEventType } from './state/timeline.js';
import { createUpdateQueue } from './updates/update-queue.js';
import { createWebhookDeliverer, type WebhookInfo } from './updates/webhook.js';
import { createUserActions, type UserActions } from './user-actions.js';
import { type WaitForOptions, waitFor } from './wait-for.js';

export interface BotApiEmulatorOptions {
  /** Default `1000000001:emulator-test-token`; the bot's id is the part before the colon. */
  token?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default `streamgram_test_bot`. */
  botUsername?: string;
  botName?: string;
  /** Default `'telegram'`. */
  limits?: RateLimitsInput;
  /** Seed of the random faults' generator; default 1. */
  seed?: number;
  /** A draft vanishes after this long without an update; default 30 000 (Telegram: "30-second preview"). */
  draftTtlMs?: number;
  /** Clock in milliseconds for timestamps, dates, rate limits and draft expiry; default `Date.now`. Timers stay real. */
  now?: () => number;
  /** Groups deliver only commands, mentions of the bot and replies to it (Telegram's default privacy mode). Default false. */
  privacyMode?: boolean;
  /** Default 1. */
  firstUpdateId?: number;
  /** First delay before re-posting a failed webhook delivery (doubles up to `maxWebhookRetryDelayMs`); default 100. */
  webhookRetryDelayMs?: number;
  /** Default 2000. */
  maxWebhookRetryDelayMs?: number;
  /** Memory bounds for long benchmarks and soaks. Defaults 10 000 calls, 5 000 events and 5 000 messages per chat. */
  maxRecordedCalls?: number;
  maxTimelineEventsPerChat?: number;
  maxMessagesPerChat?: number;
}

/** A message as the chat holds it (bot or user). Read-only: it is the emulator's own record. */
export type MessageState = Readonly<StoredMessage>;

export interface ChatView {
  chat: ApiChat;
  kind: 'private' | 'group';
  blocked: boolean;
  /** Messages still visible (not deleted), oldest first. */
  messages: MessageState[];
  /** Drafts showing now, one per thread. */
  drafts: DraftState[];
  /** The typing (or other) status showing now. */
  chatAction?: ChatAction;
  topics: { threadId: number; name: string }[];
}

export interface TimelineFilter {
  type?: TimelineEventType | TimelineEventType[];
  threadId?: number;
  /** Events with `seq` greater than this. */
  afterSeq?: number;
}

export interface BotApiEmulator extends UserActions {
  /** `http://127.0.0.1:PORT`: pass as grammY's `client.apiRoot`. */
  readonly apiRoot: string;
  readonly port: number;
  readonly token: string;
  /** The bot's own user, as getMe returns it. */
  readonly bot: ApiBotUser;
  /** Stops the server, long polls, webhook delivery and timers. Idempotent. */
  close(): Promise<void>;

  // Users and chats
  /** A user and the private chat with them (chat id = user id). */
  createUser(input?: CreateUserInput): ApiUser;
  /** A supergroup by default; `isForum` for topics. */
  createGroup(input?: CreateGroupInput): ApiChat;
  /** A forum topic; returns its message_thread_id. */
  createTopic(chat: ChatRef, name?: string): number;

  // What the user sees
  chat(chat: ChatRef): ChatView;
  /** Visible messages of a chat, oldest first. */
  visibleMessages(chat: ChatRef): MessageState[];
  message(chat: ChatRef, messageId: number): MessageState | undefined;
  /** The latest visible message sent by the bot. */
  lastBotMessage(chat: ChatRef): MessageState | undefined;
  /** The draft showing in a thread (default: the chat without thread). */
  draft(chat: ChatRef, threadId?: number): DraftState | undefined;
  timeline(chat: ChatRef, filter?: TimelineFilter): TimelineEvent[];
  callbackQuery(id: string): Readonly<CallbackQueryRecord> | undefined;
  myCommands(): BotCommand[];

  // Calls and updates
  calls(filter?: CallFilter): CallRecord[];
  stats(): CallStats;
  /** The highest sequence number handed out so far (calls and timeline share it): a bookmark for `afterSeq`. */
  lastSeq(): number;
  pendingUpdates(): ApiUpdate[];
  /** A long-polling getUpdates is waiting right now (wait for this before acting in tests). */
  isLongPolling(): boolean;
  /** The remembered allowed_updates (`undefined`: Telegram's default). */
  allowedUpdates(): string[] | undefined;
  webhookInfo(): WebhookInfo;

  // Waiting and watching
  waitFor<T>(check: () => T | undefined | null | false, options?: WaitForOptions): Promise<T>;
  subscribe(listener: EmulatorListener): () => void;

  // Control
  setLimits(limits: RateLimitsInput): void;
  limits(): RateLimits;
  /** Holds a chat (or the whole bot) as a 429 would. */
  holdChat(chatId: number | 'global', seconds: number): void;
  /** Refills every bucket and ends every hold. */
  resetRateLimits(): void;
  /** 429s the rate limiter gave since the last reset, by kind: bot-wide, private chat, group. */
  rateLimitStats(): RateLimitStats;
  failNext(spec: FailNextSpec): void;
  setRandomFaults(spec: RandomFaultsSpec | null): void;
  dropConnectionAfterProcessing(spec?: DropSpec): void;
  clearFaults(): void;
  /** The next file download fails with this status, or is cut off half-way. */
  failNextDownload(fault: DownloadFault): void;
  /** The bytes the emulator serves for a `file_id`. */
  fileBytes(fileId: string): Uint8Array | undefined;
  /**
   * `true` or a duration: stop accepting connections and cut open ones (ECONNREFUSED for clients,
   * long polls cut); after the duration (or on `false`) listen again on the same port.
   */
  setUnreachable(state: boolean | number): Promise<void>;
  /** Forgets recorded calls and counters (chat state stays). */
  resetRecords(): void;
  /** Handles one request without HTTP (in-process transports, the playground). */
  handle(request: RawRequest): Promise<RawResponse>;
}

const DEFAULT_TOKEN = '1000000001:emulator-test-token';

export async function startBotApiEmulator(options: BotApiEmulatorOptions = {}): Promise<BotApiEmulator> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(token.split(':')[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error('token must look like "<bot id>:<secret>"');
  const now = options.now ?? Date.now;
  const privacyMode = options.privacyMode ?? false;
  const bot: ApiBotUser = {
    id: botId,
    is_bot: true,
    first_name: options.botName ?? 'Streamgram Test',
    username: options.botUsername ?? 'streamgram_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: !privacyMode,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };

  const bus = createEventBus();
  const store = createChatStore({
    now,
    bus,
    maxMessagesPerChat: options.maxMessagesPerChat ?? 5_000,
    maxTimelineEventsPerChat: options.maxTimelineEventsPerChat ?? 5_000,
  });
  const drafts = createDraftBoard({ store, now, ttlMs: options.draftTtlMs ?? 30_000 });
  const limiter = createRateLimiter({
    now,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const updates = createUpdateQueue({ bus, firstUpdateId: options.firstUpdateId ?? 1, historySize: 1_000 });
  const recorder = createRecorder({ maxCalls: options.maxRecordedCalls ?? 10_000 });
  const files = createFileStore();
  const faults = createFaultInjector({ random: createSeededRandom(options.seed ?? 1) });

  // The webhook needs the dispatcher (for replies) and the dispatcher needs the core: wire lazily.
  let dispatcher: ReturnType<typeof createDispatcher> | undefined;
  const webhook = createWebhookDeliverer({
    queue: updates,
    now,
    retryDelayMs: options.webhookRetryDelayMs ?? 100,
    maxRetryDelayMs: options.maxWebhookRetryDelayMs ?? 2_000,
    onReplyCall(method, params) {
      void dispatcher?.dispatch({
        method,
        params,
        signal: new AbortController().signal,
        source: 'webhook-reply',
      });
    },
  });

  const core: EmulatorCore = {
    token,
    bot,
    botSender: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
    now,
    privacyMode,
    store,
    files,
    drafts,
    limiter,
    updates,
    webhook,
    bus,
    callbacks: new Map(),
    commands: new Map(),
  };
  dispatcher = createDispatcher({
    methods: [
      ...botMethods(core),
      ...messageMethods(core),
      ...draftMethods(core),
      ...updateMethods(core),
      ...fileMethods(core),
    ],
    faults,
    limiter,
    recorder,
    bus,
    now,
  });
  const activeDispatcher = dispatcher;
  const handle = createRouter({
    token: () => token,
    dispatch: (call) => activeDispatcher.dispatch(call),
    reject: (method, params, error) => activeDispatcher.reject(method, params, error),
    download: (filePath) => serveDownload(files, filePath),
  });

  const front: HttpFront = await startHttpFront({ port: options.port ?? 0, handle, now });
  const actions = createUserActions(core);
  let lastSeq = 0;
  bus.subscribe((event) => {
    lastSeq = event.kind === 'call' ? event.call.seq : event.kind === 'timeline' ? event.event.seq : lastSeq;
  });
  let reachTimer: ReturnType<typeof setTimeout> | undefined;
  let closed: Promise<void> | undefined;

  const visible = (chat: ChatRef) => [...store.require(chat).messages.values()].filter((m) => !m.deleted);

  const emulator: BotApiEmulator = {
    ...actions,
    apiRoot: `http://127.0.0.1:${front.port}`,
    port: front.port,
    token,
    bot,
    close() {
      closed ??= (async () => {
        if (reachTimer !== undefined) clearTimeout(reachTimer);
        updates.close();
        webhook.close();
        drafts.close();
        await front.close();
      })();
      return closed;
    },

    createUser: (input) => store.createUser(input),
    createGroup: (input) => store.createGroup(input),
    createTopic: (chat, name) => store.createTopic(chat, name ?? 'Topic'),

    chat(chatRef) {
      const record = store.require(chatRef);
      const action = record.chatAction;
      const view: ChatView = {
        chat: record.chat,
        kind: record.kind,
        blocked: record.blocked,
        messages: visible(chatRef),
        drafts: drafts.all(record),
        topics: [...record.topics].map(([threadId, topic]) => ({ threadId, name: topic.name })),
      };
      if (action !== undefined && action.until > now()) view.chatAction = action;
      return view;
    },
    visibleMessages: visible,
    message: (chat, messageId) => store.require(chat).messages.get(messageId),
    lastBotMessage(chat) {
      const messages = visible(chat);
      for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.from === 'bot') return messages[i];
      return undefined;
    },
    draft: (chat, threadId) => drafts.current(store.require(chat), threadId),
    timeline(chat, filter = {}) {
      const types = filter.type === undefined ? undefined : ([] as TimelineEventType[]).concat(filter.type);
      return store
        .require(chat)
        .timeline.toArray()
        .filter(
          (event) =>
            (types === undefined || types.includes(event.type)) &&
            (filter.threadId === undefined || event.threadId === filter.threadId) &&
            (filter.afterSeq === undefined || event.seq > filter.afterSeq),
        );
    },
    callbackQuery: (id) => core.callbacks.get(id),
    myCommands: () => core.commands.get('default:::') ?? [],

    calls: (filter) => recorder.calls(filter),
    stats: () => recorder.stats(),
    lastSeq: () => lastSeq,
    pendingUpdates: () => updates.pending(),
    isLongPolling: () => updates.polling(),
    allowedUpdates: () => updates.allowedUpdates(),
    webhookInfo: () => webhook.info(),

    waitFor: (check, waitOptions) => waitFor(bus, check, waitOptions),
    subscribe: (listener) => bus.subscribe(listener),

    setLimits: (limits) => limiter.setLimits(limits),
    limits: () => limiter.limits(),
    holdChat: (chatId, seconds) => limiter.hold(chatId, seconds),
    resetRateLimits: () => limiter.reset(),
    rateLimitStats: () => limiter.stats(),
    failNext: (spec) => faults.failNext(spec),
    setRandomFaults: (spec) => faults.setRandomFaults(spec),
    dropConnectionAfterProcessing: (spec) => faults.dropConnectionAfterProcessing(spec),
    clearFaults() {
      faults.clear();
      files.clearFaults();
    },
    failNextDownload: (fault) => files.failNextDownload(fault),
    fileBytes: (fileId) => files.byId(fileId)?.bytes,
    async setUnreachable(state) {
      if (reachTimer !== undefined) clearTimeout(reachTimer);
      reachTimer = undefined;
      if (state === false) return front.setReachable(true);
      await front.setReachable(false);
      if (typeof state === 'number') {
        reachTimer = setTimeout(() => {
          reachTimer = undefined;
          void front.setReachable(true);
        }, state);
      }
    },
    resetRecords: () => recorder.reset(),
    handle,
  };
  return emulator;
}

export type { ApiMessage };
