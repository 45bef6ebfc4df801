import type { Chat } from 'grammy/types';
import type { Config, ModelRef } from '../../config.js';
import type { ActiveAnswers } from '../../conversation/active-answers.js';
import type { Calendar } from '../../conversation/calendar.js';
import type { ChatQueue } from '../../conversation/chat-queue.js';
import type { QuestionIntake } from '../../conversation/question-intake.js';
import type { TokenBudget } from '../../conversation/token-budget.js';
import type { ChatRecord } from '../../storage/chats.js';
import type { Storage } from '../../storage/storage.js';

export type FeatureConfig = Pick<
  Config,
  | 'models'
  | 'defaultModel'
  | 'systemPrompt'
  | 'adminUsers'
  | 'prices'
  | 'tokenLimits'
  | 'timeZone'
  | 'pasteMergeMs'
  | 'busyPolicy'
  | 'media'
  | 'providers'
>;

/** What the command features share; built once by `createFeatures`. */
export interface FeatureDeps {
  config: FeatureConfig;
  storage: Storage;
  queue: ChatQueue;
  activeAnswers: ActiveAnswers;
  intake: QuestionIntake;
  budget: TokenBudget;
  calendar: Calendar;
  isAdmin(user: { id: number; username?: string | undefined }): boolean;
  now(): number;
}

/** The chat's stored settings, creating the row on first contact (settings writes need it). */
export function ensureChat(storage: Storage, chat: Chat): Promise<ChatRecord> {
  return storage.chats.upsert({
    id: chat.id,
    type: chat.type,
    title: chat.type === 'private' ? null : (chat.title ?? null),
  });
}

/** The model a chat's next question goes to: its choice while still offered, else the default. */
export function effectiveModel(config: FeatureConfig, chat: ChatRecord | undefined): ModelRef {
  return config.models.find((model) => model.id === chat?.model) ?? config.defaultModel;
}
