import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { ensureChat, type FeatureDeps } from './feature-deps.js';
import { formattedText } from './formatted-text.js';

/** /system <text> sets this chat's system prompt; /system alone goes back to the default. */
export function createSystemPromptFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.command('system', async (ctx) => {
    const chat = await ensureChat(deps.storage, ctx.chat);
    const prompt = ctx.match.trim();
    if (prompt === '') {
      await deps.storage.chats.setSystemPrompt(chat.id, null);
      const text = formattedText()
        .plain('System prompt reset to the default:\n')
        .italic(deps.config.systemPrompt)
        .plain('\n\nSet your own with /system <text>.');
      await ctx.reply(text.text, { entities: text.entities });
      return;
    }
    await deps.storage.chats.setSystemPrompt(chat.id, prompt);
    ctx.log.info({ length: prompt.length }, 'system prompt set');
    const text = formattedText()
      .plain('System prompt set for this chat:\n')
      .italic(prompt)
      .plain('\n\nSend /system alone to go back to the default.');
    await ctx.reply(text.text, { entities: text.entities });
  });
  return feature;
}
