import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { UserFromGetMe } from 'grammy/types';
import { type RunningApp, startApp } from '../app.js';
import type { Config } from '../config.js';
import { type BotApiEmulator, type RateLimitPreset, startBotApiEmulator } from '../emulator/index.js';
import { createLogger } from '../logger.js';
import { createProviderRegistry } from '../providers/create-provider-registry.js';
import type { ModelProvider } from '../providers/types.js';
import { ApiRequestError } from './api-requests.js';
import {
  createDemoProvider,
  DEMO_PROVIDER_NAME,
  type DemoProvider,
  type DemoProviderOptions,
} from './demo-provider.js';
import { createFaultController, type FaultController } from './fault-controller.js';
import { messagePicture } from './message-picture.js';
import { createPlaygroundConfig } from './playground-config.js';
import { createPlaygroundHub, type PlaygroundHub } from './playground-hub.js';
import { startWebServer, type WebServer } from './web-server.js';

export interface PlaygroundOptions {
  /** The page's port on 127.0.0.1; default 4777, 0 for a free one. */
  port?: number;
  /** Where models, keys and delivery settings come from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** SQLite file; default a temporary folder removed on stop. */
  databasePath?: string;
  /** Pace of the offline demo model (tests make it faster). */
  demo?: DemoProviderOptions;
  /** The emulator's rate limits at start; default `telegram`. */
  limits?: RateLimitPreset;
  /** Bot log level (lines go to the page's log and to `logTo`); default `LOG_LEVEL` or `info`. */
  logLevel?: string;
  /** Bot log lines of level warn and above are also written here (the terminal); default nowhere. */
  logTo?: NodeJS.WritableStream;
  /** Length of a 429 storm; default 20 s. */
  stormMs?: number;
}

export interface Playground {
  /** `http://127.0.0.1:PORT/`: open it in a browser. */
  readonly url: string;
  readonly port: number;
  readonly emulator: BotApiEmulator;
  /** The offline demo model (always running, the default when no models are configured). */
  readonly demo: DemoProvider;
  readonly config: Config;
  readonly userId: number;
  readonly privateChatId: number;
  readonly groupChatId: number;
  /** Why configured models were not used, if they were set but incomplete. */
  readonly warning: string | undefined;
  readonly configuredProviders: boolean;
  /** Stops the page, the bot and the emulator, and removes the temporary database. Idempotent. */
  stop(): Promise<void>;
}

const PLAYGROUND_TOKEN = '1000000001:playground-offline-token';
export const DEFAULT_PLAYGROUND_PORT = 4777;
const WARN_LEVEL = 40;

/**
 * The real bot against the Bot API emulator, with a web page that plays the Telegram client and a
 * live panel of what the bot does. Everything listens on 127.0.0.1 only.
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const env = options.env ?? process.env;
  const logLevel = options.logLevel ?? env.LOG_LEVEL ?? 'info';
  const cleanup: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // Keep stopping the rest: a half-stopped playground would hold ports and files.
      }
    }
  };

  try {
    const emulator = await startBotApiEmulator({
      token: PLAYGROUND_TOKEN,
      botUsername: 'streamgram_playground_bot',
      botName: 'Streamgram',
      limits: options.limits ?? 'telegram',
    });
    cleanup.push(() => emulator.close());
    const user = emulator.createUser({ firstName: 'You', username: 'playground_user' });
    const group = emulator.createGroup({ title: 'Playground group' });

    let databasePath = options.databasePath;
    if (databasePath === undefined) {
      const folder = mkdtempSync(join(tmpdir(), 'streamgram-playground-'));
      cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
      databasePath = join(folder, 'playground.db');
    }

    const setup = createPlaygroundConfig({
      env,
      telegram: { token: emulator.token, apiRoot: emulator.apiRoot },
      databasePath,
      logLevel,
      userId: user.id,
    });
    const { config } = setup;
    const demo = createDemoProvider(options.demo);
    const providers = new Map<string, ModelProvider>(
      setup.configuredProviders ? await createProviderRegistry(config) : [],
    );
    providers.set(DEMO_PROVIDER_NAME, demo);

    let faults: FaultController | undefined;
    const hub: PlaygroundHub = createPlaygroundHub({
      emulator,
      userId: user.id,
      chatIds: [user.id, group.id],
      models: setup.models,
      faults: () => {
        if (faults === undefined) throw new Error('fault controller used before it was created');
        return faults;
      },
    });
    cleanup.push(() => hub.close());
    faults = createFaultController({
      emulator,
      demo,
      onChange: (state) => hub.publish({ type: 'faults', faults: state }),
      ...(options.stormMs === undefined ? {} : { stormMs: options.stormMs }),
    });
    const faultController = faults;
    cleanup.push(() => faultController.close());

    const logger = createLogger({
      level: logLevel,
      secrets: config.secrets,
      destination: logSink(hub, options.logTo),
    });
    const app: RunningApp = await startApp({
      config,
      logger,
      providers,
      botInfo: emulator.bot as UserFromGetMe,
    });
    cleanup.push(() => app.stop());

    const chatIds = new Set([user.id, group.id]);
    const requireChat = (chatId: number) => {
      if (!chatIds.has(chatId))
        throw new ApiRequestError(404, `chat ${chatId} is not one of the playground's chats`);
      return chatId;
    };
    const web: WebServer = await startWebServer({
      hub,
      faults: faultController,
      webRoot: fileURLToPath(new URL('./web/', import.meta.url)),
      port: options.port ?? DEFAULT_PLAYGROUND_PORT,
      actions: {
        send: (input) =>
          emulator.userSends({
            chat: requireChat(input.chatId),
            from: user.id,
            text: input.text,
            ...(input.replyToMessageId === undefined ? {} : { replyToMessageId: input.replyToMessageId }),
          }),
        press: (input) =>
          emulator.pressButton({
            chat: requireChat(input.chatId),
            from: user.id,
            messageId: input.messageId,
            data: input.data,
          }),
        sendFile: (input) => {
          const chat = requireChat(input.chatId);
          const caption = input.caption?.trim() ? input.caption : undefined;
          const common = {
            chat,
            from: user.id,
            ...(caption === undefined ? {} : { caption }),
            ...(input.mediaGroupId === undefined ? {} : { mediaGroupId: input.mediaGroupId }),
          };
          const isPicture = /^image\/(jpeg|png|webp|gif)$/.test(input.mimeType);
          if (isPicture && input.width !== undefined && input.height !== undefined) {
            const photoSizes = [{ bytes: input.bytes, width: input.width, height: input.height }];
            return emulator.userSendsMedia({ ...common, kind: 'photo', photoSizes });
          }
          const file = { bytes: input.bytes, mimeType: input.mimeType, fileName: input.fileName };
          const kind = input.mimeType.startsWith('audio/') ? 'audio' : 'document';
          return emulator.userSendsMedia({ ...common, kind, file, fileName: input.fileName });
        },
        picture: (input) =>
          messagePicture(emulator.message(requireChat(input.chatId), input.messageId), (fileId) =>
            emulator.fileBytes(fileId),
          ),
        stopDraft: (input) =>
          emulator.stopGeneration({ chat: requireChat(input.chatId), draftId: input.draftId }),
      },
    });
    cleanup.push(() => web.close());

    let stopped: Promise<void> | undefined;
    return {
      url: web.url,
      port: web.port,
      emulator,
      demo,
      config,
      userId: user.id,
      privateChatId: user.id,
      groupChatId: group.id,
      warning: setup.warning,
      configuredProviders: setup.configuredProviders,
      stop() {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The bot's JSON log lines go to the page's log; warnings and errors also to the terminal. */
function logSink(hub: PlaygroundHub, terminal: NodeJS.WritableStream | undefined): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        try {
          const record = JSON.parse(line) as Record<string, unknown>;
          const shown = hub.log(record);
          if (terminal !== undefined && Number(record.level) >= WARN_LEVEL) {
            const time = new Date(shown.at).toTimeString().slice(0, 8);
            terminal.write(`${time} bot ${shown.level}: ${shown.msg}\n`);
          }
        } catch {
          terminal?.write(`${line}\n`);
        }
      }
      done();
    },
  });
}
