import type { Attachment } from '../media/attachment.js';
import type { ChatMessage } from '../providers/types.js';
import { storageCall } from './errors.js';
import type { SqlExecutor } from './sql.js';

export type MessageRole = 'user' | 'assistant';
/** `streaming` until the answer ends; user messages are always `complete`. */
export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'cancelled' | 'error';
export type FinishedStatus = Exclude<MessageStatus, 'streaming'>;

export interface MessageRecord {
  id: number;
  chatId: number;
  /** Who asked: the sender of a user message, the asker for an answer; null when Telegram named nobody. */
  userId: number | null;
  /** The message this one answers or continues; null starts a conversation. */
  parentId: number | null;
  role: MessageRole;
  content: string;
  reasoning: string | null;
  /** An answer's tool rounds (assistant tool-call turns and tool results), null when it called none. */
  toolTurns: ChatMessage[] | null;
  /** `provider:model-id` of an answer; null for user messages. */
  model: string | null;
  status: MessageStatus;
  /** An answer's visible parts in order; a user message's own Telegram message id(s). */
  telegramMessageIds: number[];
  threadId: number | null;
  updateId: number | null;
  createdAt: number;
  /** null while streaming. */
  finishedAt: number | null;
  /** Pictures and files of a user message (Telegram file ids); empty for most. */
  attachments: Attachment[];
}

export interface NewUserMessage {
  chatId: number;
  userId: number | null;
  /** The chat's head (or the replied-to message); null starts a new conversation. */
  parentId: number | null;
  content: string;
  telegramMessageIds: number[];
  threadId?: number | null;
  updateId?: number | null;
  attachments?: readonly Attachment[];
  at?: number;
}

export interface NewAssistantMessage {
  chatId: number;
  userId: number | null;
  /** Normally the user message being answered. */
  parentId: number | null;
  /** `provider:model-id`. */
  model: string;
  threadId?: number | null;
  at?: number;
}

export interface AssistantProgress {
  content: string;
  reasoning?: string | null;
  telegramMessageIds: number[];
}

export interface AssistantResult extends AssistantProgress {
  /** The tool rounds of the answer; omitted or empty when it called no tool. */
  toolTurns?: readonly ChatMessage[];
  status: FinishedStatus;
  at?: number;
}

export interface MessageRepository {
  insertUserMessage(message: NewUserMessage): Promise<number>;
  /** Stores an empty answer with status `streaming`; returns its id. */
  startAssistantMessage(message: NewAssistantMessage): Promise<number>;
  /**
   * Saves what a streaming answer has so far (e.g. after each committed part), so a crash keeps it.
   * Returns false when the message is not streaming.
   */
  saveAssistantProgress(id: number, progress: AssistantProgress): Promise<boolean>;
  /** Ends a streaming answer. Returns false when it is unknown or already finished (nothing changes). */
  finishAssistantMessage(id: number, result: AssistantResult): Promise<boolean>;
  get(id: number): Promise<MessageRecord | undefined>;
  /**
   * The stored message shown as this Telegram message: a user's message or any part of an answer.
   * The newest when several match (an edited question stored again).
   */
  findByTelegramMessageId(chatId: number, telegramMessageId: number): Promise<MessageRecord | undefined>;
  /**
   * The conversation ending at `headId`, oldest first, following parent_id: at most `maxMessages`
   * (default 100), the newest ones kept. All statuses are returned; the caller decides what the
   * model sees. Empty when `headId` is unknown.
   */
  getChain(headId: number, options?: { maxMessages?: number }): Promise<MessageRecord[]>;
  /** Answers still `streaming`, oldest first: after a crash, the ones to tidy up in Telegram. */
  findStreaming(): Promise<MessageRecord[]>;
  /** At start, marks every `streaming` answer as `interrupted`; returns how many. */
  markStreamingAsInterrupted(now: number): Promise<number>;
  /**
   * The same for one chat: with several instances (the inbox), the chat's new owner tidies up after
   * a dead one without touching the answers other live instances are writing.
   */
  markChatStreamingAsInterrupted(chatId: number, now: number): Promise<number>;
  /**
   * The status of the answer to the question stored from this update (the newest, if asked again);
   * undefined when no question was stored from it.
   */
  answerStatusOfUpdate(chatId: number, updateId: number): Promise<MessageStatus | undefined>;
  /** Replaces a user message's attachments (e.g. marking a picture a provider refused). */
  updateAttachments(id: number, attachments: readonly Attachment[]): Promise<boolean>;
}

interface MessageRow {
  id: number;
  chat_id: number;
  user_id: number | null;
  parent_id: number | null;
  role: MessageRole;
  content: string;
  reasoning: string | null;
  tool_turns: string | null;
  model: string | null;
  status: MessageStatus;
  telegram_message_ids: string;
  thread_id: number | null;
  update_id: number | null;
  created_at: number;
  finished_at: number | null;
  attachments: string | null;
}

export const defaultMaxChainMessages = 100;

export function createMessageRepository(
  sql: SqlExecutor,
  options: { now?: () => number } = {},
): MessageRepository {
  const now = options.now ?? Date.now;
  const insertUser = `INSERT INTO messages (chat_id, user_id, parent_id, role, content, status,
       telegram_message_ids, thread_id, update_id, attachments, created_at, finished_at)
     VALUES ($1, $2, $3, 'user', $4, 'complete', $5, $6, $7, $8, $9, $9) RETURNING id`;
  const insertAssistant = `INSERT INTO messages (chat_id, user_id, parent_id, role, model, status, thread_id, created_at)
     VALUES ($1, $2, $3, 'assistant', $4, 'streaming', $5, $6) RETURNING id`;
  const progress = `UPDATE messages SET content = $2, reasoning = $3, telegram_message_ids = $4
     WHERE id = $1 AND status = 'streaming'`;
  // A finish time before the start (a clock step back) would break the schema's CHECK.
  const finishedAt = (at: string) => `CASE WHEN created_at > ${at} THEN created_at ELSE ${at} END`;
  const finish = `UPDATE messages SET content = $2, reasoning = $3, tool_turns = $4,
       telegram_message_ids = $5, status = $6, finished_at = ${finishedAt('$7')}
     WHERE id = $1 AND status = 'streaming'`;
  const get = 'SELECT * FROM messages WHERE id = $1';
  const byTelegramId = `SELECT messages.* FROM message_telegram_ids AS t JOIN messages ON messages.id = t.message_id
     WHERE t.chat_id = $1 AND t.telegram_message_id = $2 ORDER BY t.message_id DESC LIMIT 1`;
  // Bounded by depth, so even a (schema-impossible) cycle ends.
  const chain = `WITH RECURSIVE chain (id, depth) AS (
       SELECT id, 0 FROM messages WHERE id = $1
       UNION ALL
       SELECT messages.parent_id, chain.depth + 1 FROM chain JOIN messages ON messages.id = chain.id
       WHERE messages.parent_id IS NOT NULL AND chain.depth + 1 < $2
     )
     SELECT messages.* FROM chain JOIN messages ON messages.id = chain.id ORDER BY chain.depth DESC`;
  const streaming = "SELECT * FROM messages WHERE status = 'streaming' ORDER BY id";
  const answerOfUpdate = `SELECT answer.status FROM messages AS asked
       JOIN messages AS answer ON answer.parent_id = asked.id AND answer.role = 'assistant'
     WHERE asked.chat_id = $1 AND asked.update_id = $2 AND asked.role = 'user'
     ORDER BY answer.id DESC LIMIT 1`;
  const interrupt = `UPDATE messages SET status = 'interrupted', finished_at = ${finishedAt('$1')}
     WHERE status = 'streaming'`;
  const interruptInChat = `UPDATE messages SET status = 'interrupted', finished_at = ${finishedAt('$2')}
     WHERE status = 'streaming' AND chat_id = $1`;

  const insertId = async (text: string, params: (string | number | null)[]) =>
    Number((await sql.get<{ id: number }>(text, params))!.id);

  const attachmentsOf = `UPDATE messages SET attachments = $2 WHERE id = $1 AND role = 'user'`;

  return {
    async insertUserMessage(message) {
      const attachments = message.attachments?.length ? JSON.stringify(message.attachments) : null;
      const ids = idsToJson(message.telegramMessageIds);
      return storageCall('messages.insertUserMessage', () =>
        insertId(insertUser, [
          message.chatId,
          message.userId,
          message.parentId,
          message.content,
          ids,
          message.threadId ?? null,
          message.updateId ?? null,
          attachments,
          message.at ?? now(),
        ]),
      );
    },
    startAssistantMessage(message) {
      return storageCall('messages.startAssistantMessage', () =>
        insertId(insertAssistant, [
          message.chatId,
          message.userId,
          message.parentId,
          message.model,
          message.threadId ?? null,
          message.at ?? now(),
        ]),
      );
    },
    async saveAssistantProgress(id, state) {
      const ids = idsToJson(state.telegramMessageIds);
      return storageCall(
        'messages.saveAssistantProgress',
        async () => (await sql.run(progress, [id, state.content, state.reasoning ?? null, ids])) > 0,
      );
    },
    async finishAssistantMessage(id, outcome) {
      const ids = idsToJson(outcome.telegramMessageIds);
      const toolTurns = outcome.toolTurns?.length ? JSON.stringify(outcome.toolTurns) : null;
      return storageCall(
        'messages.finishAssistantMessage',
        async () =>
          (await sql.run(finish, [
            id,
            outcome.content,
            outcome.reasoning ?? null,
            toolTurns,
            ids,
            outcome.status,
            outcome.at ?? now(),
          ])) > 0,
      );
    },
    get(id) {
      return storageCall('messages.get', async () => {
        const row = await sql.get<MessageRow>(get, [id]);
        return row && toMessage(row);
      });
    },
    findByTelegramMessageId(chatId, telegramMessageId) {
      return storageCall('messages.findByTelegramMessageId', async () => {
        const row = await sql.get<MessageRow>(byTelegramId, [chatId, telegramMessageId]);
        return row && toMessage(row);
      });
    },
    async getChain(headId, chainOptions = {}) {
      const max = chainOptions.maxMessages ?? defaultMaxChainMessages;
      if (!Number.isInteger(max) || max < 1)
        throw new RangeError(`maxMessages must be a positive integer, got ${max}`);
      return storageCall('messages.getChain', async () =>
        (await sql.all<MessageRow>(chain, [headId, max])).map(toMessage),
      );
    },
    findStreaming() {
      return storageCall('messages.findStreaming', async () =>
        (await sql.all<MessageRow>(streaming)).map(toMessage),
      );
    },
    markStreamingAsInterrupted(at) {
      return storageCall('messages.markStreamingAsInterrupted', () => sql.run(interrupt, [at]));
    },
    markChatStreamingAsInterrupted(chatId, at) {
      return storageCall('messages.markChatStreamingAsInterrupted', () =>
        sql.run(interruptInChat, [chatId, at]),
      );
    },
    answerStatusOfUpdate(chatId, updateId) {
      return storageCall(
        'messages.answerStatusOfUpdate',
        async () => (await sql.get<{ status: MessageStatus }>(answerOfUpdate, [chatId, updateId]))?.status,
      );
    },
    async updateAttachments(id, attachments) {
      const json = attachments.length > 0 ? JSON.stringify(attachments) : null;
      return storageCall(
        'messages.updateAttachments',
        async () => (await sql.run(attachmentsOf, [id, json])) > 0,
      );
    },
  };
}

function idsToJson(ids: readonly number[]): string {
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) throw new TypeError(`Telegram message ids must be integers, got ${id}`);
  }
  return JSON.stringify(ids);
}

function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    chatId: row.chat_id,
    userId: row.user_id,
    parentId: row.parent_id,
    role: row.role,
    content: row.content,
    reasoning: row.reasoning,
    toolTurns: row.tool_turns === null ? null : (JSON.parse(row.tool_turns) as ChatMessage[]),
    model: row.model,
    status: row.status,
    telegramMessageIds: JSON.parse(row.telegram_message_ids) as number[],
    threadId: row.thread_id,
    updateId: row.update_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    attachments: row.attachments === null ? [] : (JSON.parse(row.attachments) as Attachment[]),
  };
}
