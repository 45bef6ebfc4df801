import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { ensureChat, type FeatureDeps } from './feature-deps.js';

const ON = new Set(['on', 'show', 'yes', '1', 'true']);
const OFF = new Set(['off', 'hide', 'no', '0', 'false']);

/** /reasoning on|off: whether answers show the model's reasoning (collapsed once the answer is done). */
export function createReasoningFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.command('reasoning', async (ctx) => {
    const chat = await ensureChat(deps.storage, ctx.chat);
    const choice = ctx.match.trim().toLowerCase();
    if (ON.has(choice) || OFF.has(choice)) {
      const show = ON.has(choice);
      await deps.storage.chats.setShowReasoning(chat.id, show);
      await ctx.reply(
        show
          ? 'Reasoning on: models that think aloud show it while they work, collapsed above the answer.'
          : 'Reasoning off: answers show only the final text.',
      );
      return;
    }
    const state = chat.showReasoning ? 'on' : 'off';
    await ctx.reply(`Reasoning is ${state} in this chat. Send /reasoning on or /reasoning off to change it.`);
  });
  return feature;
}
