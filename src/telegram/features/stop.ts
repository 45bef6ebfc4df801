import { Composer } from 'grammy';
import type { ActiveAnswer } from '../../conversation/active-answers.js';
import type { BotContext } from '../context.js';
import type { FeatureDeps } from './feature-deps.js';

const STOP_CALLBACK = /^stop:(\d+)$/;

/**
 * /stop, the inline Stop button (edit mode) and the draft's own stop button all stop the chat's
 * answer at once: they never wait in the chat's queue behind the answer they are meant to stop.
 */
export function createStopFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();

  /** In groups only the asker or an admin may stop an answer; in a private chat there is only one user. */
  const mayStop = (ctx: BotContext, answer: ActiveAnswer) =>
    ctx.chat?.type === 'private' ||
    (ctx.from !== undefined && (ctx.from.id === answer.userId || deps.isAdmin(ctx.from)));

  feature.command('stop', async (ctx) => {
    const answer = deps.activeAnswers.get(ctx.chat.id);
    if (!answer) {
      await ctx.reply('Nothing to stop: no answer is being written.');
      return;
    }
    if (!mayStop(ctx, answer)) {
      await ctx.reply('Only the person who asked (or an admin) can stop this answer.');
      return;
    }
    ctx.log.info({ answer: answer.answerId }, 'answer stopped by /stop');
    // The answer itself says "Stopped" under what was shown: no second message.
    answer.stop('user');
  });

  feature.callbackQuery(STOP_CALLBACK, async (ctx) => {
    const answerId = Number(ctx.match[1]);
    const chatId = ctx.callbackQuery.message?.chat.id;
    const answer = chatId === undefined ? undefined : deps.activeAnswers.get(chatId);
    // The answer of another chat, or one already finished: the id must be this chat's live answer.
    if (!answer || answer.answerId !== answerId) {
      await ctx.answerCallbackQuery({ text: 'This answer is already finished.' });
      await removeKeyboard(ctx);
      return;
    }
    if (!mayStop(ctx, answer)) {
      await ctx.answerCallbackQuery({
        text: 'Only the person who asked (or an admin) can stop this answer.',
      });
      return;
    }
    ctx.log.info({ answer: answerId }, 'answer stopped by its button');
    answer.stop('user');
    await ctx.answerCallbackQuery({ text: 'Stopped.' });
  });

  feature.on('stopped_message_generation', (ctx) => {
    const update = ctx.update.stopped_message_generation;
    const answer = deps.activeAnswers.get(update.chat.id);
    if (!answer || answer.draftId !== update.draft_id) {
      ctx.log.debug({ draft: update.draft_id }, 'stop for a draft no longer streaming');
      return;
    }
    ctx.log.info({ answer: answer.answerId }, 'answer stopped from its draft');
    answer.stop('user');
  });

  return feature;
}

/** A Stop button left on a finished answer (e.g. by a crash) is taken away when pressed. */
async function removeKeyboard(ctx: BotContext): Promise<void> {
  try {
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } });
  } catch (error) {
    ctx.log.debug({ err: error }, 'stale Stop button not removed');
  }
}
