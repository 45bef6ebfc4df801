import type { Bot } from 'grammy';
import type { ChatQueue } from '../conversation/chat-queue.js';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/sql.js';
import type { Storage } from '../storage/storage.js';
import type { BotContext } from '../telegram/context.js';
import type { AlbumParts } from '../telegram/features/album-parts.js';
import { ALLOWED_UPDATES } from '../telegram/start-updates.js';
import { createInbox, type Inbox } from './create-inbox.js';
import { createLeaderPoller, type LeaderPoller } from './leader-poller.js';
import { createRecoverInterrupted } from './recover-interrupted.js';

export interface RunningInbox
  extends Pick<Inbox, 'lifecycle' | 'taken' | 'released' | 'accept' | 'start' | 'handBack'> {
  readonly inbox: Inbox;
  /** Long polling's leader (started only in polling mode, by startUpdates). */
  readonly leader: LeaderPoller;
  close(): Promise<void>;
}

/** The inbox wired to the bot: what app.ts needs when DATABASE_URL (and INBOX=on) is set. */
export function startInbox(deps: {
  url: string;
  store: Store;
  storage: Storage;
  bot: Bot<BotContext>;
  queue: ChatQueue;
  /** Group album parts held for the part that mentions the bot: their chat stays here meanwhile. */
  albums: Pick<AlbumParts, 'holds'>;
  logger: Logger;
  /** Whether this process wrote to the chat within its Telegram windows (the inbox keeps it here). */
  wroteRecently(chatId: number): boolean;
  /** INSTANCE_ID: the owner rows and logs name it. */
  instanceId?: string;
}): RunningInbox {
  const { bot, logger } = deps;
  const log = logger.child({ component: 'inbox' });
  const inbox = createInbox({
    url: deps.url,
    ...(deps.instanceId === undefined ? {} : { instanceId: deps.instanceId }),
    store: deps.store,
    dispatch: (update) => bot.handleUpdate(update),
    isBusy: (chatId) => deps.queue.pending(chatId) > 0 || deps.albums.holds(chatId),
    wroteRecently: deps.wroteRecently,
    recoverInterrupted: (rows) =>
      createRecoverInterrupted({
        rows,
        messages: deps.storage.messages,
        reply: async (chatId, text, to) => {
          await bot.api.sendMessage(chatId, text, {
            ...(to.messageId === undefined
              ? {}
              : { reply_parameters: { message_id: to.messageId, allow_sending_without_reply: true } }),
            ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
          });
        },
        logger: log,
      }),
    logger: log,
  });
  const leader = createLeaderPoller({
    url: deps.url,
    instanceId: inbox.instanceId,
    api: bot.api,
    store: (updates) => inbox.accept(updates),
    allowedUpdates: ALLOWED_UPDATES,
    logger: log,
  });
  return {
    inbox,
    leader,
    lifecycle: inbox.lifecycle,
    taken: (question) => inbox.taken(question),
    released: (questions) => inbox.released(questions),
    // Webhook updates: the instance the load balancer chose takes their chats.
    accept: (updates) => inbox.accept(updates, { takeHere: true }),
    start: () => inbox.start(),
    handBack: () => inbox.handBack(),
    close: async () => {
      await leader.stop();
      await inbox.close();
    },
  };
}
