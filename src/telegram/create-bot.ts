import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { StorageError } from '../storage/errors.js';
import type { ProcessedUpdates } from '../storage/processed-updates.js';
import { isListed } from './access.js';
import { mentionsBot, repliesToBot } from './addressed.js';
import type { BotContext } from './context.js';
import { createInOrder } from './in-order.js';

export interface CreateBotDeps {
  config: Pick<Config, 'telegram' | 'allowedUsers'>;
  logger: Logger;
  processedUpdates: ProcessedUpdates;
  /** Skips the getMe call at start (tests and the playground know the bot already). */
  botInfo?: UserFromGetMe;
  /**
   * With the durable inbox the insert of the update is the duplicate check, and an update the inbox
   * dispatches again (its owner died) must not be dropped: the filter below is left out.
   */
  skipDuplicateFilter?: boolean;
  /** The paced fetch shared by every Bot API client of the process (see paced-telegram-fetch.ts). */
  fetch?: typeof fetch;
}

/** The grammY bot with a per-update logger, the duplicate filter and the access gate; features come after. */
export function createBot(deps: CreateBotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.config.telegram.token, {
    client: { apiRoot: deps.config.telegram.apiRoot, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });

  bot.use((ctx, next) => {
    ctx.log = deps.logger.child({ update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id });
    return next();
  });

  // Long polling can deliver the last batch again after a restart; answering it twice costs tokens.
  // In update order: a pool may answer the checks out of order, and the chats' queues follow them.
  const inOrder = createInOrder<'updates'>();
  bot.use(async (ctx, next) => {
    if (deps.skipDuplicateFilter) return next();
    let isNew: boolean;
    try {
      isNew = await inOrder(
        'updates',
        deps.processedUpdates.markProcessed(ctx.update.update_id),
        (fresh) => fresh,
      );
    } catch (error) {
      // A database that cannot be written must not make the bot mute: the answer path says so itself.
      if (!(error instanceof StorageError)) throw error;
      ctx.log.error({ err: error, kind: error.kind }, 'cannot record the update id');
      isNew = true;
    }
    if (isNew) return next();
    ctx.log.info('duplicate update ignored');
  });

  bot.use(async (ctx, next) => {
    const user = ctx.from;
    if (user === undefined || isListed(deps.config.allowedUsers, user)) return next();
    ctx.log.info('user not allowed');
    const refusal = `Sorry, this bot is private. Your Telegram user id is ${user.id}: the owner can add it to ALLOWED_USERS.`;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: refusal.slice(0, 200), show_alert: true });
    else if (ctx.message && (ctx.chat?.type === 'private' || addressesBot(ctx))) await ctx.reply(refusal);
  });

  bot.catch(({ ctx, error }) => {
    ctx.log.error({ err: error }, 'update failed');
  });
  return bot;
}

function addressesBot(ctx: BotContext): boolean {
  return ctx.message?.text?.startsWith('/') === true || repliesToBot(ctx) || mentionsBot(ctx);
}
