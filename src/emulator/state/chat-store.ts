import type { ApiChat, ApiEntity, ApiUser, MediaKind, ReplyMarkup } from '../api-types.js';
import { compact } from '../compact.js';
import { EmulatorUsageError } from '../errors.js';
import type { EventBus } from '../events.js';
import { type BoundedLog, createBoundedLog } from './bounded-log.js';
import type { TimelineEvent } from './timeline.js';

export interface StoredMessage {
  messageId: number;
  chatId: number;
  threadId?: number;
  from: 'bot' | 'user';
  sender: ApiUser;
  /** Clock time of sending, in milliseconds (the API's `date` is this in seconds). */
  sentAt: number;
  text?: string;
  entities: ApiEntity[];
  caption?: string;
  media?: MediaKind;
  /** The Bot API field for the media (`photo`, `voice`, ...), as the user sent it. */
  mediaPayload?: unknown;
  mediaGroupId?: string;
  /** As the bot passed it; only an inline keyboard is shown and returned. */
  replyMarkup?: ReplyMarkup;
  replyToMessageId?: number;
  editCount: number;
  editedAt?: number;
  deleted: boolean;
  deletedAt?: number;
}

export interface ChatAction {
  action: string;
  at: number;
  /** Telegram shows a chat action for up to 5 s, or until the bot sends a message. */
  until: number;
  threadId?: number;
}

export interface ChatRecord {
  chat: ApiChat;
  kind: 'private' | 'group';
  /** The user of a private chat. */
  user?: ApiUser;
  blocked: boolean;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  timeline: BoundedLog<TimelineEvent>;
  chatAction?: ChatAction;
  /** Forum topics by message_thread_id. */
  topics: Map<number, { name: string }>;
}

export type ChatRef = number | { id: number };
export type UserRef = number | { id: number };

export interface CreateUserInput {
  id?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

export interface CreateGroupInput {
  id?: number;
  title?: string;
  /** Default `supergroup`. */
  type?: 'group' | 'supergroup';
  /** A forum supergroup (topics with message_thread_id). */
  isForum?: boolean;
  username?: string;
}

export type TimelineInput = TimelineEvent extends infer E
  ? E extends TimelineEvent
    ? Omit<E, 'seq' | 'at' | 'chatId'> & { at?: number }
    : never
  : never;

export interface ChatStore {
  createUser(input?: CreateUserInput): ApiUser;
  /** A user by id, created with default names when unknown (tests name users by id). */
  ensureUser(ref: UserRef): ApiUser;
  user(id: number): ApiUser | undefined;
  createGroup(input?: CreateGroupInput): ApiChat;
  createTopic(chat: ChatRef, name: string): number;
  get(chatId: number): ChatRecord | undefined;
  /** For the test-facing API: an unknown chat is a mistake in the test. */
  require(chat: ChatRef): ChatRecord;
  all(): IterableIterator<ChatRecord>;
  addMessage(
    record: ChatRecord,
    fields: Omit<StoredMessage, 'messageId' | 'chatId' | 'sentAt' | 'editCount' | 'deleted'>,
  ): StoredMessage;
  /** Reserves a message id (service messages such as a topic's creation). */
  allocateMessageId(record: ChatRecord): number;
  recordEvent(record: ChatRecord, event: TimelineInput): TimelineEvent;
}

export interface ChatStoreDeps {
  now: () => number;
  bus: EventBus;
  maxMessagesPerChat: number;
  maxTimelineEventsPerChat: number;
}

export function createChatStore(deps: ChatStoreDeps): ChatStore {
  const users = new Map<number, ApiUser>();
  const chats = new Map<number, ChatRecord>();
  let nextUserId = 100_001;
  let nextGroupId = 1;

  const newRecord = (chat: ApiChat, kind: ChatRecord['kind'], user?: ApiUser): ChatRecord =>
    compact<ChatRecord>({
      chat,
      kind,
      user,
      blocked: false,
      nextMessageId: 1,
      messages: new Map(),
      timeline: createBoundedLog(deps.maxTimelineEventsPerChat),
      topics: new Map(),
      chatAction: undefined,
    });

  const store: ChatStore = {
    createUser(input = {}) {
      const id = input.id ?? nextUserId++;
      if (users.has(id)) throw new EmulatorUsageError(`user ${id} already exists`);
      const user = compact<ApiUser>({
        id,
        is_bot: false,
        first_name: input.firstName ?? `User ${id}`,
        last_name: input.lastName,
        username: input.username,
        language_code: input.languageCode ?? 'en',
      });
      users.set(id, user);
      // Telegram uses the user's id as the id of the private chat with them.
      const chat = compact<ApiChat>({
        id,
        type: 'private',
        first_name: user.first_name,
        last_name: user.last_name,
        username: user.username,
      });
      chats.set(id, newRecord(chat, 'private', user));
      return user;
    },
    ensureUser(ref) {
      const id = typeof ref === 'number' ? ref : ref.id;
      return users.get(id) ?? store.createUser({ id });
    },
    user: (id) => users.get(id),
    createGroup(input = {}) {
      const type = input.type ?? 'supergroup';
      const n = nextGroupId++;
      const id = input.id ?? (type === 'supergroup' ? -(1_000_000_000_000 + n) : -n);
      if (chats.has(id)) throw new EmulatorUsageError(`chat ${id} already exists`);
      const title = input.title ?? `Group ${n}`;
      const chat: ApiChat =
        type === 'group'
          ? { id, type, title }
          : compact<ApiChat>({
              id,
              type,
              title,
              username: input.username,
              is_forum: input.isForum ? true : undefined,
            });
      chats.set(id, newRecord(chat, 'group'));
      return chat;
    },
    createTopic(chatRef, name) {
      const record = store.require(chatRef);
      // A topic's id is the id of the service message that created it.
      const threadId = store.allocateMessageId(record);
      record.topics.set(threadId, { name });
      return threadId;
    },
    get: (chatId) => chats.get(chatId),
    require(chatRef) {
      const id = typeof chatRef === 'number' ? chatRef : chatRef.id;
      const record = chats.get(id);
      if (record === undefined) throw new EmulatorUsageError(`unknown chat ${id}: create it first`);
      return record;
    },
    all: () => chats.values(),
    allocateMessageId: (record) => record.nextMessageId++,
    addMessage(record, fields) {
      const message: StoredMessage = {
        ...fields,
        messageId: store.allocateMessageId(record),
        chatId: record.chat.id,
        sentAt: deps.now(),
        editCount: 0,
        deleted: false,
      };
      record.messages.set(message.messageId, message);
      if (record.messages.size > deps.maxMessagesPerChat) {
        const oldest = record.messages.keys().next();
        if (oldest.done !== true) record.messages.delete(oldest.value);
      }
      return message;
    },
    recordEvent(record, input) {
      const event = { ...input, seq: deps.bus.nextSeq(), at: input.at ?? deps.now(), chatId: record.chat.id };
      record.timeline.push(event as TimelineEvent);
      deps.bus.emit({ kind: 'timeline', event: event as TimelineEvent });
      return event as TimelineEvent;
    },
  };
  return store;
}
