import { createHash } from 'node:crypto';
import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { ModelRef } from '../../config.js';
import type { BotContext } from '../context.js';
import { effectiveModel, ensureChat, type FeatureDeps } from './feature-deps.js';
import { formattedText } from './formatted-text.js';

/** Telegram's limit for a button's callback data, in bytes. */
const CALLBACK_DATA_LIMIT = 64;
const MODEL_CALLBACK = /^model[:#]/;

/**
 * /model shows the chat's model and a keyboard of the offered ones, grouped by provider; a button
 * (or `/model <id>`) switches the chat to that model. The choice is stored per chat.
 */
export function createModelFeature(deps: FeatureDeps) {
  const { config, storage } = deps;
  const feature = new Composer<BotContext>();

  feature.command('model', async (ctx) => {
    const chat = await ensureChat(storage, ctx.chat);
    const wanted = ctx.match.trim();
    if (wanted === '') {
      const view = modelView(config.models, effectiveModel(config, chat));
      await ctx.reply(view.text, { entities: view.entities, reply_markup: view.keyboard });
      return;
    }
    const model = findModel(config.models, wanted);
    if (!model) {
      const text = formattedText()
        .plain('There is no model ')
        .code(wanted)
        .plain('. Choose one of:\n')
        .plain(config.models.map((candidate) => `• ${candidate.id}`).join('\n'))
        .plain('\n\nOr send /model for buttons.');
      await ctx.reply(text.text, { entities: text.entities });
      return;
    }
    await storage.chats.setModel(chat.id, model.id);
    ctx.log.info({ model: model.id }, 'model chosen');
    const text = formattedText().plain('Model: ').bold(model.id).plain('. The next answer comes from it.');
    await ctx.reply(text.text, { entities: text.entities });
  });

  feature.callbackQuery(MODEL_CALLBACK, async (ctx) => {
    const message = ctx.callbackQuery.message;
    const model = modelFromCallback(config.models, ctx.callbackQuery.data);
    // No message: an inline-mode button; no model: a forged button or one no longer offered.
    if (!message || !model) {
      await ctx.answerCallbackQuery({ text: 'That model is not available. Send /model to see the list.' });
      return;
    }
    const chat = await ensureChat(storage, message.chat);
    const unchanged = effectiveModel(config, chat).id === model.id;
    // Stored even when unchanged: an explicit choice outlives a later change of DEFAULT_MODEL.
    await storage.chats.setModel(chat.id, model.id);
    if (unchanged) {
      await ctx.answerCallbackQuery({ text: `Already using ${model.id}.` });
      return;
    }
    ctx.log.info({ model: model.id }, 'model chosen');
    await ctx.answerCallbackQuery({ text: `Model: ${model.id}` });
    const view = modelView(config.models, model);
    try {
      await ctx.editMessageText(view.text, { entities: view.entities, reply_markup: view.keyboard });
    } catch (error) {
      // The choice is stored; a keyboard message too old to edit only shows the old mark.
      ctx.log.warn({ err: error }, 'could not update the model keyboard');
    }
  });

  return feature;
}

function modelView(models: readonly ModelRef[], current: ModelRef) {
  const text = formattedText()
    .plain('Model: ')
    .bold(current.id)
    .plain('\nChoose another one below, or send /model <id>.');
  return {
    text: text.text,
    entities: text.entities,
    keyboard: { inline_keyboard: keyboardRows(models, current) },
  };
}

/** One group of rows per provider, two buttons a row; the provider's name is on each button. */
function keyboardRows(models: readonly ModelRef[], current: ModelRef): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  const providers = [...new Set(models.map((model) => model.provider))];
  for (const provider of providers) {
    const buttons = models
      .filter((model) => model.provider === provider)
      .map((model) => ({
        text: `${model.id === current.id ? '✅ ' : ''}${provider} · ${model.model}`,
        callback_data: modelCallbackData(model),
      }));
    for (let index = 0; index < buttons.length; index += 2) rows.push(buttons.slice(index, index + 2));
  }
  return rows;
}

/** `model:<id>`, or a short hash of the id when that would not fit in a button's 64 bytes. */
export function modelCallbackData(model: ModelRef): string {
  const plain = `model:${model.id}`;
  if (Buffer.byteLength(plain) <= CALLBACK_DATA_LIMIT) return plain;
  return `model#${createHash('sha256').update(model.id).digest('hex').slice(0, 24)}`;
}

function modelFromCallback(models: readonly ModelRef[], data: string): ModelRef | undefined {
  return models.find((model) => modelCallbackData(model) === data);
}

/** `provider:model-id`, or just the model id when one provider offers it; case does not matter. */
export function findModel(models: readonly ModelRef[], wanted: string): ModelRef | undefined {
  const lower = wanted.toLowerCase();
  const exact = models.find((model) => model.id.toLowerCase() === lower);
  if (exact) return exact;
  const byModel = models.filter((model) => model.model.toLowerCase() === lower);
  return byModel.length === 1 ? byModel[0] : undefined;
}
