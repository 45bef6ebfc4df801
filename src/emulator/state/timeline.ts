import type { ApiEntity, InlineKeyboardMarkup, MediaKind } from '../api-types.js';

interface EventBase {
  /** Emulator-wide sequence number: orders events across chats. */
  seq: number;
  /** Clock time in milliseconds. */
  at: number;
  chatId: number;
  threadId?: number;
}

/**
 * What the user of a chat saw happen, in order. Failed calls leave no trace here (see the call
 * log for those): this is the chat as it looked on the user's screen.
 */
export type TimelineEvent =
  | (EventBase & {
      type: 'message';
      messageId: number;
      from: 'bot' | 'user';
      text?: string;
      entities: ApiEntity[];
      caption?: string;
      media?: MediaKind;
      replyMarkup?: InlineKeyboardMarkup;
      replyToMessageId?: number;
    })
  | (EventBase & {
      type: 'edit';
      messageId: number;
      from: 'bot' | 'user';
      /** The text and entities after this edit. */
      text?: string;
      entities: ApiEntity[];
      replyMarkup?: InlineKeyboardMarkup;
      /** What changed: `editMessageText` (possibly with markup) or only the keyboard. */
      change: 'text' | 'reply_markup';
      editCount: number;
    })
  | (EventBase & {
      type: 'draft';
      draftId: number;
      text: string;
      entities: ApiEntity[];
      canStop: boolean;
      /** A draft with another id was showing and was replaced (no animation). */
      replaced: boolean;
      /** How many times this draft id has been shown so far (1 for the first frame). */
      frame: number;
    })
  | (EventBase & {
      type: 'draft-cleared';
      draftId: number;
      reason: 'message-sent' | 'expired' | 'stopped';
    })
  | (EventBase & { type: 'stop-pressed'; draftId: number })
  | (EventBase & { type: 'deleted'; messageId: number; by: 'bot' | 'user' })
  | (EventBase & { type: 'chat-action'; action: string })
  | (EventBase & {
      type: 'callback-answer';
      callbackQueryId: string;
      messageId?: number;
      text?: string;
      showAlert: boolean;
    });

export type TimelineEventType = TimelineEvent['type'];
