import type { MiddlewareFn } from 'grammy';
import { StorageError } from '../../storage/errors.js';
import type { BotContext } from '../context.js';

export const STORAGE_TROUBLE =
  '⚠️ Sorry, I can’t reach my database right now, so I can’t do that. Please try again in a moment.';

/**
 * A command that cannot read or save its settings (disk full, read-only, locked) says so instead of
 * going silent; every other error goes on to the bot's error boundary.
 */
export const reportStorageTrouble: MiddlewareFn<BotContext> = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    ctx.log.error({ err: error, kind: error.kind }, 'cannot read or save chat settings');
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: STORAGE_TROUBLE });
      else if (ctx.chat) await ctx.reply(STORAGE_TROUBLE);
    } catch (notice) {
      ctx.log.warn({ err: notice }, 'could not tell the user about the storage failure');
    }
  }
};
