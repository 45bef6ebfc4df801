import { type RunnerHandle, run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Config } from '../config.js';
import { createChatQueue } from '../conversation/chat-queue.js';
import type { RouteHandler } from '../http/create-http-server.js';
import type { LeaderPoller } from '../inbox/leader-poller.js';
import { chatOf } from '../inbox/update-chat.js';
import type { Logger } from '../logger.js';
import type { BotContext } from './context.js';
import { createWebhookRoute } from './webhook-route.js';

/** Every update type the bot handles; set explicitly, so the draft stop button's update must be listed. */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'stopped_message_generation',
] as const;

export interface UpdateSource {
  mode: 'polling' | 'webhook';
  /** HTTP routes to serve (the webhook endpoint); none for polling. */
  routes: Record<string, RouteHandler>;
  start(): Promise<void>;
  /** Stops taking updates and waits for the handlers already running. */
  stop(): Promise<void>;
}

/** Long polling through @grammyjs/runner, or a webhook when WEBHOOK_URL is set. */
export function startUpdates(deps: {
  bot: Bot<BotContext>;
  config: Pick<Config, 'webhook'>;
  logger: Logger;
  isAccepting(): boolean;
  /**
   * The durable inbox (several instances): webhook updates are stored before the 200, and long
   * polling is done by the one leader, which stores each batch before moving the offset on.
   */
  inbox?: { store(updates: readonly Update[]): Promise<void>; leader: LeaderPoller };
}): UpdateSource {
  const { bot, config, logger, inbox } = deps;
  if (config.webhook) {
    const { url, secret } = config.webhook;
    // One instance: handlers run in the background, but in arrival order per chat, as with long polling.
    // With the inbox the chat's owner handles it, after storing (see src/inbox).
    const handlers = createChatQueue((error) => logger.error({ err: error }, 'webhook update failed'));
    const route = createWebhookRoute({
      secret,
      isAccepting: deps.isAccepting,
      logger,
      accept: inbox
        ? (update) => inbox.store([update])
        : (update) => void handlers.enqueue(chatOf(update), () => bot.handleUpdate(update)),
    });
    return {
      mode: 'webhook',
      routes: { [`POST ${new URL(url).pathname}`]: route },
      start: async () => {
        await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
      },
      stop: () => handlers.drain(),
    };
  }
  if (inbox) {
    return {
      mode: 'polling',
      routes: {},
      start: async () => {
        await bot.api.deleteWebhook();
        inbox.leader.start();
      },
      stop: () => inbox.leader.stop(),
    };
  }
  let runner: RunnerHandle | undefined;
  return {
    mode: 'polling',
    routes: {},
    start: async () => {
      await bot.api.deleteWebhook();
      runner = run(bot, {
        runner: {
          fetch: { allowed_updates: [...ALLOWED_UPDATES] },
          // Once a second while Telegram is unreachable, instead of backing off for minutes.
          retryInterval: 1000,
          // The runner prints fetch errors with console.error, outside our scrubbing logger.
          silent: true,
        },
      });
    },
    stop: async () => {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
