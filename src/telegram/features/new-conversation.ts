import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { ensureChat, type FeatureDeps } from './feature-deps.js';

/**
 * /new (alias /reset): the next question starts a fresh conversation. The history stays stored
 * (replying to an older answer still continues from it) but is no longer sent to the model.
 */
export function createNewConversationFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.command(['new', 'reset'], async (ctx) => {
    const chat = await ensureChat(deps.storage, ctx.chat);
    // In the chat's turn: questions sent before /new still continue the old conversation.
    void deps.queue.enqueue(chat.id, async () => {
      await deps.storage.chats.setHead(chat.id, null);
      ctx.log.info('new conversation');
    });
    await ctx.reply(
      '🆕 New conversation: earlier messages are no longer sent to the model. Reply to an older answer to continue from there.',
    );
  });
  return feature;
}
