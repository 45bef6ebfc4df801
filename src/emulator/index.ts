/**
 * A Telegram Bot API emulator for tests, benchmarks and the playground: a real HTTP server that
 * grammY talks to, with Telegram's answers, limits and quirks, driven by emulated users.
 * See README.md in this folder for the behaviours it reproduces and the choices it makes.
 */
export type * from './api-types.js';
export type { CallbackQueryRecord } from './core.js';
export {
  type BotApiEmulator,
  type BotApiEmulatorOptions,
  type ChatView,
  type MessageState,
  startBotApiEmulator,
  type TimelineFilter,
} from './emulator.js';
export { ApiError, DESCRIPTIONS, EmulatorUsageError } from './errors.js';
export type { EmulatorEvent, EmulatorListener } from './events.js';
export type { DropSpec, FailNextSpec, RandomFaultsSpec } from './faults.js';
export type { DownloadFault } from './files/file-store.js';
export type { MediaFileInput, PhotoSizeInput } from './files/media-payload.js';
export { encodeSolidPng } from './files/png.js';
export { createEmulatedBot } from './grammy-bot.js';
export type { RawRequest, RawResponse } from './http/router.js';
export {
  type BucketLimit,
  RATE_LIMIT_PRESETS,
  type RateLimitModel,
  type RateLimitPreset,
  type RateLimitStats,
  type RateLimits,
  type RateLimitsInput,
  type WindowLimit,
} from './rate-limiter.js';
export type { CallFilter, CallRecord, CallStats, MethodStats } from './recorder.js';
export type { ChatAction, ChatRef, CreateGroupInput, CreateUserInput, UserRef } from './state/chat-store.js';
export type { DraftState } from './state/drafts.js';
export type { TimelineEvent, TimelineEventType } from './state/timeline.js';
export { parseHtml } from './text/html.js';
export { parseMarkdownV2 } from './text/markdown-v2.js';
export type { WebhookInfo } from './updates/webhook.js';
export type { PressButtonInput, StopGenerationInput, UserMediaInput, UserSendInput } from './user-actions.js';
export type { WaitForOptions } from './wait-for.js';
