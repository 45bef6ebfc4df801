import type { ApiBotUser, ApiUser, BotCommand } from './api-types.js';
import type { EventBus } from './events.js';
import type { FileStore } from './files/file-store.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ChatStore } from './state/chat-store.js';
import type { DraftBoard } from './state/drafts.js';
import type { UpdateQueue } from './updates/update-queue.js';
import type { WebhookDeliverer } from './updates/webhook.js';

export interface CallbackQueryRecord {
  id: string;
  chatId: number;
  messageId: number;
  from: ApiUser;
  data: string;
  pressedAt: number;
  answer?: { text?: string; showAlert: boolean; url?: string; at: number };
}

/** The shared state every method handler and user action works on. */
export interface EmulatorCore {
  readonly token: string;
  readonly bot: ApiBotUser;
  /** The bot as the `from` of its messages (a plain User, without getMe's capability fields). */
  readonly botSender: ApiUser;
  readonly now: () => number;
  readonly privacyMode: boolean;
  readonly store: ChatStore;
  /** Bytes of received files, for getFile and downloads. */
  readonly files: FileStore;
  readonly drafts: DraftBoard;
  readonly limiter: RateLimiter;
  readonly updates: UpdateQueue;
  readonly webhook: WebhookDeliverer;
  readonly bus: EventBus;
  /** Callback queries by id (bounded: the oldest are forgotten). */
  readonly callbacks: Map<string, CallbackQueryRecord>;
  /** setMyCommands lists by scope and language. */
  readonly commands: Map<string, BotCommand[]>;
}
