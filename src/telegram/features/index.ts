import { type Api, Composer } from 'grammy';
import type { Config } from '../../config.js';
import type { ActiveAnswers } from '../../conversation/active-answers.js';
import type { Question } from '../../conversation/answer-question.js';
import { createCalendar } from '../../conversation/calendar.js';
import type { ChatQueue } from '../../conversation/chat-queue.js';
import { createQuestionIntake } from '../../conversation/question-intake.js';
import { type BudgetVerdict, createTokenBudget } from '../../conversation/token-budget.js';
import type { Logger } from '../../logger.js';
import type { Storage } from '../../storage/storage.js';
import type { ToolSource } from '../../tools/types.js';
import { isListed } from '../access.js';
import type { BotContext } from '../context.js';
import { createInOrder } from '../in-order.js';
import type { AlbumParts } from './album-parts.js';
import { createChatFeature } from './chat.js';
import { registerCommandMenus } from './command-list.js';
import type { FeatureConfig, FeatureDeps } from './feature-deps.js';
import { createMediaFeature, pictureRefusal, repliedPicture } from './media.js';
import { createModelFeature } from './model.js';
import { createNewConversationFeature } from './new-conversation.js';
import { createOtherInputFeature } from './other-input.js';
import { createReasoningFeature } from './reasoning.js';
import { createStartHelpFeature } from './start-help.js';
import { createStatsFeature } from './stats.js';
import { createStopFeature } from './stop.js';
import { reportStorageTrouble } from './storage-trouble.js';
import { createSystemPromptFeature } from './system-prompt.js';
import { createToolsFeature } from './tools.js';
import { createUsageFeature } from './usage.js';
import { formatTokens } from './usage-table.js';

export interface CreateFeaturesDeps {
  config: FeatureConfig & Pick<Config, 'adminUsers'>;
  storage: Storage;
  queue: ChatQueue;
  activeAnswers: ActiveAnswers;
  /** Puts a question (a split text already merged) on its chat's queue to be answered. */
  submit(question: Question, log: Logger): void;
  /** A question entered the intake (the durable inbox then leaves its updates to its answer). */
  onQuestionTaken?(question: Question): void;
  /** A question refused before the intake (over budget, a picture the model cannot see). */
  onQuestionRefused?(question: Question): void;
  /** Group album parts waiting for the part that addresses the bot (default: a new store). */
  albums?: AlbumParts;
  /** The tools answers may call, for /tools. */
  tools?: ToolSource;
  toolMaxSteps?: number;
  now?: () => number;
}

export interface Features {
  /** Register with one `bot.use(features.composer)` after the access gate. */
  composer: Composer<BotContext>;
  /** Sets Telegram's command menus; call once the bot is initialised. Never throws. */
  registerCommands(api: Api, log: Logger): Promise<void>;
}

/**
 * Everything a user does besides asking, and the way questions reach the queue: commands first,
 * then text messages (budget check, split texts merged, busy policy), then whatever is left.
 */
export function createFeatures(deps: CreateFeaturesDeps): Features {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const calendar = createCalendar(config.timeZone);
  const isAdmin: FeatureDeps['isAdmin'] = (user) => isListed(config.adminUsers, user);
  const budget = createTokenBudget({
    usage: deps.storage.usage,
    limits: config.tokenLimits,
    calendar,
    isExempt: isAdmin,
    now,
  });
  const taken = deps.onQuestionTaken ?? (() => undefined);
  const refused = deps.onQuestionRefused ?? (() => undefined);
  const intake = createQuestionIntake({
    submit: deps.submit,
    queue: deps.queue,
    activeAnswers: deps.activeAnswers,
    pasteMergeMs: config.pasteMergeMs,
    busyPolicy: config.busyPolicy,
  });
  const shared: FeatureDeps = {
    config,
    storage: deps.storage,
    queue: deps.queue,
    activeAnswers: deps.activeAnswers,
    intake,
    budget,
    calendar,
    isAdmin,
    now,
  };

  // The budget is read from the database: keep each chat's questions in the order they came.
  const inOrder = createInOrder<number>();
  /** A question that passed its feature's checks: the token budget, then the intake. */
  function submitAsked(question: Question, ctx: BotContext): Promise<void> {
    return inOrder(question.chat.id, budget.check(question.user), (verdict) =>
      actOnBudget(verdict, question, ctx),
    );
  }
  function actOnBudget(verdict: BudgetVerdict, question: Question, ctx: BotContext): void {
    if (!verdict.allowed) {
      ctx.log.info({ period: verdict.period, used: verdict.used, limit: verdict.limit }, 'over budget');
      refused(question);
      void ctx
        .reply(budgetMessage(verdict, calendar.formatDateTime(verdict.resetsAt), calendar.timeZone, now()), {
          reply_parameters: { message_id: question.messageIds[0] ?? 0, allow_sending_without_reply: true },
        })
        .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not send the budget notice'));
      return;
    }
    taken(question);
    intake.submit(question, ctx.log);
  }

  /** The next part of a split text or album, when one is open; its update joins that question. */
  function continueText(question: Question): boolean {
    const joined = intake.continueText(question);
    if (joined) taken(question);
    return joined;
  }

  const composer = new Composer<BotContext>();
  composer.use(reportStorageTrouble);
  // A command ends any wait for the rest of a split text first, so the text keeps its place before it.
  composer.on('message::bot_command', (ctx, next) => {
    intake.flush(ctx.chat.id);
    return next();
  });
  composer.use(
    createStopFeature(shared),
    createStartHelpFeature(shared),
    createModelFeature(shared),
    createNewConversationFeature(shared),
    createUsageFeature(shared),
    createStatsFeature(shared),
    createSystemPromptFeature(shared),
    createReasoningFeature(shared),
    createToolsFeature({
      tools: deps.tools ?? { list: () => [] },
      maxSteps: deps.toolMaxSteps ?? 0,
      storage: deps.storage,
    }),
    createChatFeature({
      continueText,
      submit: submitAsked,
      pictures: {
        replied: (message) => repliedPicture(message, config.media.maxFileBytes),
        refusal: (ctx, attachments) => pictureRefusal({ config, storage: deps.storage }, ctx, attachments),
      },
    }),
    createMediaFeature({
      config,
      storage: deps.storage,
      continueText,
      refused,
      submit: submitAsked,
      ...(deps.albums ? { albums: deps.albums } : {}),
    }),
    createOtherInputFeature(),
  );

  return {
    composer,
    registerCommands: (api, log) => registerCommandMenus(api, { adminIds: config.adminUsers.userIds, log }),
  };
}

function budgetMessage(
  verdict: Extract<BudgetVerdict, { allowed: false }>,
  resetsAt: string,
  timeZone: string,
  now: number,
): string {
  const period = verdict.period === 'day' ? 'daily' : 'monthly';
  return (
    `⛔ You have reached your ${period} limit of ${formatTokens(verdict.limit)} tokens ` +
    `(${formatTokens(verdict.used)} used). It resets at ${resetsAt} ${timeZone}, ${formatWait(verdict.resetsAt - now)}. ` +
    'See /usage for details.'
  );
}

function formatWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h ${minutes % 60} min`;
  return `in ${Math.round(hours / 24)} days`;
}
