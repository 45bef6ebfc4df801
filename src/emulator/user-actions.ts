import type { ApiEntity, ApiMessage, ApiUpdate, ApiUser, MediaKind } from './api-types.js';
import { compact } from './compact.js';
import type { EmulatorCore } from './core.js';
import { EmulatorUsageError } from './errors.js';
import { type MediaFileInput, mediaPayload, type PhotoSizeInput } from './files/media-payload.js';
import { inlineKeyboardOf, toApiMessage } from './state/api-message.js';
import type { ChatRecord, ChatRef, StoredMessage, UserRef } from './state/chat-store.js';
import { detectEntities } from './text/detect-entities.js';

export interface UserSendInput {
  chat: ChatRef;
  /** The sender; defaults to the user of a private chat (required in groups). */
  from?: UserRef;
  text: string;
  /** Entities the user's client attached (formatting); commands and mentions are detected anyway. */
  entities?: ApiEntity[];
  replyToMessageId?: number;
  threadId?: number;
}

export interface UserMediaInput {
  chat: ChatRef;
  from?: UserRef;
  kind: MediaKind;
  caption?: string;
  replyToMessageId?: number;
  threadId?: number;
  /** For documents. */
  fileName?: string;
  /** A photo's sizes, smallest first (default: two real PNGs, 90×67 and 1280×960). */
  photoSizes?: PhotoSizeInput[];
  /** The bytes of a document, voice note, audio file or video note (default: a small stand-in). */
  file?: MediaFileInput;
  /** Albums: the updates of one album share this id. */
  mediaGroupId?: string;
  /** An animation's thumbnail, as Telegram makes it from the first frame. */
  thumbnail?: PhotoSizeInput;
}

export interface PressButtonInput {
  chat: ChatRef;
  from?: UserRef;
  messageId: number;
  data: string;
}

export interface StopGenerationInput {
  chat: ChatRef;
  draftId: number;
  threadId?: number;
  /** Emit the update even when no stoppable draft with that id is showing (to test races). */
  force?: boolean;
}

const CALLBACK_MEMORY = 10_000;

export interface UserActions {
  userSends(input: UserSendInput): ApiMessage;
  userSendsMedia(input: UserMediaInput): ApiMessage;
  editUserMessage(input: { chat: ChatRef; messageId: number; text: string }): ApiMessage;
  pressButton(input: PressButtonInput): string;
  stopGeneration(input: StopGenerationInput): ApiUpdate;
  userDeletesMessage(input: { chat: ChatRef; messageId: number }): void;
  blockBot(user: UserRef): void;
  unblockBot(user: UserRef): void;
  injectRawUpdate(body: Record<string, unknown>): ApiUpdate;
  redeliverUpdate(updateId: number): ApiUpdate;
}

/** What users do in Telegram's apps, turned into chat state and updates for the bot. */
export function createUserActions(core: EmulatorCore): UserActions {
  const senderOf = (record: ChatRecord, from: UserRef | undefined): ApiUser => {
    if (from !== undefined) return core.store.ensureUser(from);
    if (record.user !== undefined) return record.user;
    throw new EmulatorUsageError(`chat ${record.chat.id} is a group: say which user sends (from)`);
  };

  const checkThread = (record: ChatRecord, threadId: number | undefined) => {
    if (threadId !== undefined && record.topics.size > 0 && !record.topics.has(threadId)) {
      throw new EmulatorUsageError(`chat ${record.chat.id} has no topic ${threadId}`);
    }
  };

  const checkReply = (record: ChatRecord, messageId: number | undefined) => {
    if (messageId === undefined) return;
    const target = record.messages.get(messageId);
    if (target === undefined || target.deleted) {
      throw new EmulatorUsageError(`chat ${record.chat.id} has no message ${messageId} to reply to`);
    }
  };

  // Privacy mode: in groups the bot only hears commands, mentions of it and replies to it.
  const botHears = (record: ChatRecord, message: StoredMessage) => {
    if (record.kind === 'private' || !core.privacyMode) return true;
    const text = message.text ?? message.caption ?? '';
    if (message.entities.some((e) => e.type === 'bot_command')) return true;
    if (text.includes(`@${core.bot.username}`)) return true;
    const replied =
      message.replyToMessageId === undefined ? undefined : record.messages.get(message.replyToMessageId);
    return replied?.from === 'bot';
  };

  const deliverNew = (record: ChatRecord, message: StoredMessage) => {
    core.store.recordEvent(
      record,
      compact({
        type: 'message' as const,
        messageId: message.messageId,
        threadId: message.threadId,
        from: 'user' as const,
        text: message.text,
        entities: message.entities,
        caption: message.caption,
        media: message.media,
        replyToMessageId: message.replyToMessageId,
      }),
    );
    const api = toApiMessage(record, message);
    if (botHears(record, message)) core.updates.push({ message: api });
    return api;
  };

  const userMessage = (record: ChatRecord, message: number): StoredMessage => {
    const stored = record.messages.get(message);
    if (stored === undefined || stored.deleted) {
      throw new EmulatorUsageError(`chat ${record.chat.id} has no message ${message}`);
    }
    return stored;
  };

  let callbackSeq = 0;

  return {
    userSends(input) {
      const record = core.store.require(input.chat);
      const sender = senderOf(record, input.from);
      checkThread(record, input.threadId);
      checkReply(record, input.replyToMessageId);
      const entities = mergeEntities(input.entities ?? [], detectEntities(input.text));
      const message = core.store.addMessage(
        record,
        compact({
          threadId: input.threadId,
          from: 'user' as const,
          sender,
          text: input.text,
          entities,
          replyToMessageId: input.replyToMessageId,
        }),
      );
      return deliverNew(record, message);
    },
    userSendsMedia(input) {
      const record = core.store.require(input.chat);
      const sender = senderOf(record, input.from);
      checkThread(record, input.threadId);
      checkReply(record, input.replyToMessageId);
      const fileId = `${input.kind}-${record.chat.id}-${record.nextMessageId}`;
      const message = core.store.addMessage(
        record,
        compact({
          threadId: input.threadId,
          from: 'user' as const,
          sender,
          caption: input.caption,
          entities: input.caption === undefined ? [] : detectEntities(input.caption),
          media: input.kind,
          mediaPayload: mediaPayload(core.files, input.kind, fileId, input),
          mediaGroupId: input.mediaGroupId,
          replyToMessageId: input.replyToMessageId,
        }),
      );
      return deliverNew(record, message);
    },
    editUserMessage(input) {
      const record = core.store.require(input.chat);
      const message = userMessage(record, input.messageId);
      if (message.from !== 'user') throw new EmulatorUsageError('users can only edit their own messages');
      if (message.media !== undefined) message.caption = input.text;
      else message.text = input.text;
      message.entities = detectEntities(input.text);
      message.editCount++;
      message.editedAt = core.now();
      core.store.recordEvent(
        record,
        compact({
          type: 'edit' as const,
          messageId: message.messageId,
          threadId: message.threadId,
          from: 'user' as const,
          text: message.text ?? message.caption,
          entities: message.entities,
          change: 'text' as const,
          editCount: message.editCount,
        }),
      );
      const api = toApiMessage(record, message);
      if (botHears(record, message)) core.updates.push({ edited_message: api });
      return api;
    },
    pressButton(input) {
      const record = core.store.require(input.chat);
      const message = userMessage(record, input.messageId);
      const buttons = inlineKeyboardOf(message.replyMarkup)?.inline_keyboard.flat() ?? [];
      if (!buttons.some((b) => b.callback_data === input.data)) {
        throw new EmulatorUsageError(
          `message ${input.messageId} has no button with callback_data ${input.data}`,
        );
      }
      const from = senderOf(record, input.from);
      const id = `${record.chat.id}:${++callbackSeq}`;
      core.callbacks.set(id, {
        id,
        chatId: record.chat.id,
        messageId: message.messageId,
        from,
        data: input.data,
        pressedAt: core.now(),
      });
      if (core.callbacks.size > CALLBACK_MEMORY)
        core.callbacks.delete(core.callbacks.keys().next().value as string);
      core.updates.push({
        callback_query: {
          id,
          from,
          message: toApiMessage(record, message),
          chat_instance: String(record.chat.id),
          data: input.data,
        },
      });
      return id;
    },
    stopGeneration(input) {
      const record = core.store.require(input.chat);
      const draft = core.drafts.current(record, input.threadId);
      const stoppable =
        draft !== undefined && draft.draftId === input.draftId && draft.canStop && !draft.stopped;
      if (!stoppable && input.force !== true) {
        throw new EmulatorUsageError(
          `chat ${record.chat.id} shows no stoppable draft ${input.draftId} (pass force: true to send the update anyway)`,
        );
      }
      if (stoppable) core.drafts.stop(record, input.draftId, input.threadId);
      const body = compact({ chat: record.chat, message_thread_id: input.threadId, draft_id: input.draftId });
      return core.updates.push({ stopped_message_generation: body }).update;
    },
    userDeletesMessage(input) {
      const record = core.store.require(input.chat);
      const message = userMessage(record, input.messageId);
      message.deleted = true;
      message.deletedAt = core.now();
      // Bots get no update for deletions outside business connections.
      core.store.recordEvent(
        record,
        compact({
          type: 'deleted' as const,
          messageId: message.messageId,
          threadId: message.threadId,
          by: 'user' as const,
        }),
      );
    },
    blockBot(user) {
      setBlocked(core, user, true);
    },
    unblockBot(user) {
      setBlocked(core, user, false);
    },
    injectRawUpdate(body) {
      const { update_id: _ignored, ...rest } = body;
      return core.updates.push(rest).update;
    },
    redeliverUpdate: (updateId) => core.updates.redeliver(updateId),
  };
}

function setBlocked(core: EmulatorCore, ref: UserRef, blocked: boolean): void {
  const user = core.store.ensureUser(ref);
  const record = core.store.require(user.id);
  if (record.blocked === blocked) return;
  record.blocked = blocked;
  const member = (status: string) =>
    status === 'kicked' ? { user: core.botSender, status, until_date: 0 } : { user: core.botSender, status };
  core.updates.push({
    my_chat_member: {
      chat: record.chat,
      from: user,
      date: Math.floor(core.now() / 1000),
      old_chat_member: member(blocked ? 'member' : 'kicked'),
      new_chat_member: member(blocked ? 'kicked' : 'member'),
    },
  });
}

function mergeEntities(given: ApiEntity[], detected: ApiEntity[]): ApiEntity[] {
  const overlaps = (a: ApiEntity, b: ApiEntity) =>
    a.offset < b.offset + b.length && b.offset < a.offset + a.length;
  const kept = detected.filter((d) => !given.some((g) => overlaps(g, d) && g.type === d.type));
  return [...given, ...kept].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
