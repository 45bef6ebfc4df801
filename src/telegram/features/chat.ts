import { Composer } from 'grammy';
import type { Question } from '../../conversation/answer-question.js';
import { mentionsBot, repliesToBot } from '../addressed.js';
import type { BotContext } from '../context.js';
import { toQuestion } from '../to-question.js';

/**
 * Text messages become questions. In private chats every message is one; in groups only those that
 * mention the bot or reply to it, so the bot does not answer every line of a conversation.
 */
export function createChatFeature(deps: { submit(question: Question, ctx: BotContext): void }) {
  const feature = new Composer<BotContext>();
  feature.on('message:text', (ctx, next) => {
    const message = ctx.message;
    if (message.text.startsWith('/')) return next();
    const isPrivate = ctx.chat.type === 'private';
    const addressed = isPrivate || mentionsBot(ctx) || repliesToBot(ctx);
    if (!addressed) return next();
    const text = isPrivate ? message.text : stripMention(message.text, ctx.me.username);
    const question = toQuestion(ctx.update.update_id, message, text);
    if (question === undefined || question.text.trim() === '') return next();
    deps.submit(question, ctx);
  });
  return feature;
}

function stripMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, 'gi'), '').trim();
}
