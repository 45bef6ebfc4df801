import type { TelegramText } from './telegram-text.js';

/** An inline keyboard, in the Bot API's own shape (only callback buttons are used). */
export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export interface SendOptions {
  threadId?: number;
  replyToMessageId?: number;
  replyMarkup?: InlineKeyboard;
}

/**
 * The few Telegram calls delivery needs. The streaming core talks only to this, never to
 * grammY, so it can be tested with a recording fake. Failures throw `TelegramCallError`.
 */
export interface TelegramSink {
  sendDraft(
    chatId: number,
    draftId: number,
    text: TelegramText,
    options: { threadId?: number; canStop?: boolean },
  ): Promise<void>;
  sendMessage(chatId: number, text: TelegramText, options: SendOptions): Promise<{ messageId: number }>;
  editMessage(
    chatId: number,
    messageId: number,
    text: TelegramText,
    options: { replyMarkup?: InlineKeyboard | null },
  ): Promise<void>;
  sendChatAction(chatId: number, action: 'typing', options: { threadId?: number }): Promise<void>;
}

/**
 * What a failed call means for delivery, decided once where the error is translated:
 * - `rate-limited`: 429; hold for `retryAfterSeconds`.
 * - `not-modified`: the message already shows this text; a success.
 * - `message-gone`: the message to edit was deleted or can no longer be edited; continue in a new one.
 * - `chat-gone`: blocked by the user, chat not found, kicked; stop, never retry.
 * - `draft-refused`: drafts are not available here; fall back to send + edit.
 * - `too-long`, `bad-request`: a bug on our side; do not retry the same call.
 * - `server`: 5xx; retry with backoff.
 * - `network-unsent`: the request never reached Telegram (connection refused, DNS); safe to retry.
 * - `network-ambiguous`: the connection failed after the request was sent; Telegram may have acted on it.
 */
export type TelegramFailureKind =
  | 'rate-limited'
  | 'not-modified'
  | 'message-gone'
  | 'chat-gone'
  | 'draft-refused'
  | 'too-long'
  | 'bad-request'
  | 'server'
  | 'network-unsent'
  | 'network-ambiguous';

export class TelegramCallError extends Error {
  override readonly name = 'TelegramCallError';
  constructor(
    readonly method: string,
    readonly kind: TelegramFailureKind,
    /** Telegram's description, or a short network error text; never contains the bot token. */
    readonly description: string,
    readonly details: { errorCode?: number; retryAfterSeconds?: number; chatId?: number } = {},
  ) {
    super(`${method} failed (${kind}): ${description}`);
  }
}
