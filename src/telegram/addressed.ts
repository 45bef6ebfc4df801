import type { BotContext } from './context.js';

/** A group message is for the bot when it mentions the bot or replies to one of its messages. */
export function mentionsBot(ctx: BotContext): boolean {
  const username = `@${ctx.me.username}`.toLowerCase();
  return ctx.entities('mention').some((entity) => entity.text.toLowerCase() === username);
}

export function repliesToBot(ctx: BotContext): boolean {
  return ctx.message?.reply_to_message?.from?.id === ctx.me.id;
}
