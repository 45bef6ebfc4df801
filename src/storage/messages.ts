import type { Database } from 'better-sqlite3';
import type { Attachment } from '../media/attachment.js';
import type { ChatMessage } from '../providers/types.js';
import { withStorageErrors } from './errors.js';

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
  insertUserMessage(message: NewUserMessage): number;
  /** Stores an empty answer with status `streaming`; returns its id. */
  startAssistantMessage(message: NewAssistantMessage): number;
  /**
   * Saves what a streaming answer has so far (e.g. after each committed part), so a crash keeps it.
   * Returns false when the message is not streaming.
   */
  saveAssistantProgress(id: number, progress: AssistantProgress): boolean;
  /** Ends a streaming answer. Returns false when it is unknown or already finished (nothing changes). */
  finishAssistantMessage(id: number, result: AssistantResult): boolean;
  get(id: number): MessageRecord | undefined;
  /**
   * The stored message shown as this Telegram message: a user's message or any part of an answer.
   * The newest when several match (an edited question stored again).
   */
  findByTelegramMessageId(chatId: number, telegramMessageId: number): MessageRecord | undefined;
  /**
   * The conversation ending at `headId`, oldest first, following parent_id: at most `maxMessages`
   * (default 100), the newest ones kept. All statuses are returned; the caller decides what the
   * model sees. Empty when `headId` is unknown.
   */
  getChain(headId: number, options?: { maxMessages?: number }): MessageRecord[];
  /** Answers still `streaming`, oldest first: after a crash, the ones to tidy up in Telegram. */
  findStreaming(): MessageRecord[];
  /** At start, marks every `streaming` answer as `interrupted`; returns how many. */
  markStreamingAsInterrupted(now: number): number;
  /** Replaces a user message's attachments (e.g. marking a picture a provider refused). */
  updateAttachments(id: number, attachments: readonly Attachment[]): boolean;
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
  db: Database,
  options: { now?: () => number } = {},
): MessageRepository {
  const now = options.now ?? Date.now;
  const insertUser = db.prepare<{
    chatId: number;
    userId: number | null;
    parentId: number | null;
    content: string;
    telegramMessageIds: string;
    threadId: number | null;
    updateId: number | null;
    attachments: string | null;
    at: number;
  }>(
    `INSERT INTO messages (chat_id, user_id, parent_id, role, content, status, telegram_message_ids,
       thread_id, update_id, attachments, created_at, finished_at)
     VALUES (@chatId, @userId, @parentId, 'user', @content, 'complete', @telegramMessageIds,
       @threadId, @updateId, @attachments, @at, @at)`,
  );
  const insertAssistant = db.prepare<{
    chatId: number;
    userId: number | null;
    parentId: number | null;
    model: string;
    threadId: number | null;
    at: number;
  }>(
    `INSERT INTO messages (chat_id, user_id, parent_id, role, model, status, thread_id, created_at)
     VALUES (@chatId, @userId, @parentId, 'assistant', @model, 'streaming', @threadId, @at)`,
  );
  const progress = db.prepare<{
    id: number;
    content: string;
    reasoning: string | null;
    telegramMessageIds: string;
  }>(
    `UPDATE messages SET content = @content, reasoning = @reasoning, telegram_message_ids = @telegramMessageIds
     WHERE id = @id AND status = 'streaming'`,
  );
  // max(): a finish time before the start (a clock step back) would break the schema's CHECK.
  const finish = db.prepare<{
    id: number;
    content: string;
    reasoning: string | null;
    toolTurns: string | null;
    telegramMessageIds: string;
    status: FinishedStatus;
    at: number;
  }>(
    `UPDATE messages SET content = @content, reasoning = @reasoning, tool_turns = @toolTurns,
       telegram_message_ids = @telegramMessageIds,
       status = @status, finished_at = max(created_at, @at)
     WHERE id = @id AND status = 'streaming'`,
  );
  const get = db.prepare<[number], MessageRow>('SELECT * FROM messages WHERE id = ?');
  const byTelegramId = db.prepare<[number, number], MessageRow>(
    `SELECT messages.* FROM message_telegram_ids AS t JOIN messages ON messages.id = t.message_id
     WHERE t.chat_id = ? AND t.telegram_message_id = ? ORDER BY t.message_id DESC LIMIT 1`,
  );
  // Bounded by depth, so even a (schema-impossible) cycle ends.
  const chain = db.prepare<[number, number], MessageRow>(
    `WITH RECURSIVE chain (id, depth) AS (
       SELECT id, 0 FROM messages WHERE id = ?
       UNION ALL
       SELECT messages.parent_id, chain.depth + 1 FROM chain JOIN messages ON messages.id = chain.id
       WHERE messages.parent_id IS NOT NULL AND chain.depth + 1 < ?
     )
     SELECT messages.* FROM chain JOIN messages ON messages.id = chain.id ORDER BY chain.depth DESC`,
  );
  const streaming = db.prepare<[], MessageRow>(
    "SELECT * FROM messages WHERE status = 'streaming' ORDER BY id",
  );
  const interrupt = db.prepare<[number]>(
    `UPDATE messages SET status = 'interrupted', finished_at = max(created_at, ?) WHERE status = 'streaming'`,
  );

  const attachmentsOf = db.prepare<{ id: number; attachments: string | null }>(
    `UPDATE messages SET attachments = @attachments WHERE id = @id AND role = 'user'`,
  );

  return {
    insertUserMessage(message) {
      return withStorageErrors('messages.insertUserMessage', () => {
        const result = insertUser.run({
          chatId: message.chatId,
          userId: message.userId,
          parentId: message.parentId,
          content: message.content,
          telegramMessageIds: idsToJson(message.telegramMessageIds),
          threadId: message.threadId ?? null,
          updateId: message.updateId ?? null,
          attachments: message.attachments?.length ? JSON.stringify(message.attachments) : null,
          at: message.at ?? now(),
        });
        return Number(result.lastInsertRowid);
      });
    },
    startAssistantMessage(message) {
      return withStorageErrors('messages.startAssistantMessage', () => {
        const result = insertAssistant.run({
          chatId: message.chatId,
          userId: message.userId,
          parentId: message.parentId,
          model: message.model,
          threadId: message.threadId ?? null,
          at: message.at ?? now(),
        });
        return Number(result.lastInsertRowid);
      });
    },
    saveAssistantProgress(id, state) {
      return withStorageErrors('messages.saveAssistantProgress', () => {
        const result = progress.run({
          id,
          content: state.content,
          reasoning: state.reasoning ?? null,
          telegramMessageIds: idsToJson(state.telegramMessageIds),
        });
        return result.changes > 0;
      });
    },
    finishAssistantMessage(id, outcome) {
      return withStorageErrors('messages.finishAssistantMessage', () => {
        const result = finish.run({
          id,
          content: outcome.content,
          reasoning: outcome.reasoning ?? null,
          toolTurns: outcome.toolTurns?.length ? JSON.stringify(outcome.toolTurns) : null,
          telegramMessageIds: idsToJson(outcome.telegramMessageIds),
          status: outcome.status,
          at: outcome.at ?? now(),
        });
        return result.changes > 0;
      });
    },
    get(id) {
      return withStorageErrors('messages.get', () => {
        const row = get.get(id);
        return row && toMessage(row);
      });
    },
    findByTelegramMessageId(chatId, telegramMessageId) {
      return withStorageErrors('messages.findByTelegramMessageId', () => {
        const row = byTelegramId.get(chatId, telegramMessageId);
        return row && toMessage(row);
      });
    },
    getChain(headId, chainOptions = {}) {
      const max = chainOptions.maxMessages ?? defaultMaxChainMessages;
      if (!Number.isInteger(max) || max < 1)
        throw new RangeError(`maxMessages must be a positive integer, got ${max}`);
      return withStorageErrors('messages.getChain', () => chain.all(headId, max).map(toMessage));
    },
    findStreaming() {
      return withStorageErrors('messages.findStreaming', () => streaming.all().map(toMessage));
    },
    markStreamingAsInterrupted(at) {
      return withStorageErrors('messages.markStreamingAsInterrupted', () => interrupt.run(at).changes);
    },
    updateAttachments(id, attachments) {
      return withStorageErrors('messages.updateAttachments', () => {
        const json = attachments.length > 0 ? JSON.stringify(attachments) : null;
        return attachmentsOf.run({ id, attachments: json }).changes > 0;
      });
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
