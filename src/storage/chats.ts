import type { Database } from 'better-sqlite3';
import { withStorageErrors } from './errors.js';

/** Telegram's chat types; the bot answers in the first three. */
export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface ChatRecord {
  /** Telegram chat id (negative for groups). */
  id: number;
  type: ChatType;
  title: string | null;
  /** `provider:model-id` chosen with /model; null = the default model. */
  model: string | null;
  /** null = the default system prompt. */
  systemPrompt: string | null;
  showReasoning: boolean;
  /** Whether final answers show the collapsed record of their tool calls (/tools). */
  showToolCalls: boolean;
  /** Tool sources (MCP server names, `builtin`) switched off in this chat; the rest are on. */
  disabledToolSources: string[];
  /** The latest message of the current conversation; null after /new. */
  headMessageId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ChatInfo {
  id: number;
  type: ChatType;
  /** Omitted or null for private chats. */
  title?: string | null;
}

export interface ChatRepository {
  /** Creates the chat with default settings, or updates its type and title; settings are kept. */
  upsert(chat: ChatInfo): ChatRecord;
  get(id: number): ChatRecord | undefined;
  /** The setters return false when the chat is unknown (upsert it first). */
  setModel(chatId: number, model: string | null): boolean;
  setSystemPrompt(chatId: number, text: string | null): boolean;
  setShowReasoning(chatId: number, show: boolean): boolean;
  setShowToolCalls(chatId: number, show: boolean): boolean;
  /** Switches one tool source on or off in this chat; the other sources keep their state. */
  setToolSourceEnabled(chatId: number, source: string, enabled: boolean): boolean;
  /**
   * Moves the conversation's head: to the answer just stored, or null for /new. The message must
   * belong to this chat (else a `StorageError` of kind `constraint`).
   */
  setHead(chatId: number, messageId: number | null): boolean;
}

interface ChatRow {
  id: number;
  type: ChatType;
  title: string | null;
  model: string | null;
  system_prompt: string | null;
  show_reasoning: number;
  show_tool_calls: number;
  disabled_tool_sources: string;
  head_message_id: number | null;
  created_at: number;
  updated_at: number;
}

export function createChatRepository(db: Database, options: { now?: () => number } = {}): ChatRepository {
  const now = options.now ?? Date.now;
  const upsert = db.prepare<{ id: number; type: ChatType; title: string | null; at: number }>(
    `INSERT INTO chats (id, type, title, created_at, updated_at) VALUES (@id, @type, @title, @at, @at)
     ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
       updated_at = max(updated_at, excluded.updated_at)
     WHERE type IS NOT excluded.type OR title IS NOT excluded.title`,
  );
  const get = db.prepare<[number], ChatRow>('SELECT * FROM chats WHERE id = ?');
  // Column names cannot be bound, so each setter has its own statement.
  const setter = (column: string) =>
    db.prepare<{ value: string | number | null; id: number; at: number }>(
      `UPDATE chats SET ${column} = @value, updated_at = max(updated_at, @at) WHERE id = @id`,
    );
  const setModel = setter('model');
  const setSystemPrompt = setter('system_prompt');
  const setShowReasoning = setter('show_reasoning');
  const setHead = setter('head_message_id');
  const setShowToolCalls = setter('show_tool_calls');
  // One statement edits the set, so two quick switches of different sources cannot undo each other.
  const disableSource = db.prepare<{ source: string; id: number; at: number }>(
    `UPDATE chats SET disabled_tool_sources = (
         SELECT json_group_array(value) FROM (
           SELECT value FROM json_each(disabled_tool_sources) WHERE value <> @source
           UNION ALL SELECT @source ORDER BY 1)),
       updated_at = max(updated_at, @at) WHERE id = @id`,
  );
  const enableSource = db.prepare<{ source: string; id: number; at: number }>(
    `UPDATE chats SET disabled_tool_sources = (
         SELECT json_group_array(value) FROM (
           SELECT value FROM json_each(disabled_tool_sources) WHERE value <> @source ORDER BY 1)),
       updated_at = max(updated_at, @at) WHERE id = @id`,
  );

  return {
    upsert(chat) {
      return withStorageErrors('chats.upsert', () => {
        upsert.run({ id: chat.id, type: chat.type, title: chat.title ?? null, at: now() });
        return toChat(get.get(chat.id)!);
      });
    },
    get(id) {
      return withStorageErrors('chats.get', () => {
        const row = get.get(id);
        return row && toChat(row);
      });
    },
    setModel(chatId, model) {
      return withStorageErrors(
        'chats.setModel',
        () => setModel.run({ value: model, id: chatId, at: now() }).changes > 0,
      );
    },
    setSystemPrompt(chatId, text) {
      return withStorageErrors(
        'chats.setSystemPrompt',
        () => setSystemPrompt.run({ value: text, id: chatId, at: now() }).changes > 0,
      );
    },
    setShowReasoning(chatId, show) {
      return withStorageErrors(
        'chats.setShowReasoning',
        () => setShowReasoning.run({ value: show ? 1 : 0, id: chatId, at: now() }).changes > 0,
      );
    },
    setShowToolCalls(chatId, show) {
      return withStorageErrors(
        'chats.setShowToolCalls',
        () => setShowToolCalls.run({ value: show ? 1 : 0, id: chatId, at: now() }).changes > 0,
      );
    },
    setToolSourceEnabled(chatId, source, enabled) {
      return withStorageErrors('chats.setToolSourceEnabled', () => {
        const statement = enabled ? enableSource : disableSource;
        return statement.run({ source, id: chatId, at: now() }).changes > 0;
      });
    },
    setHead(chatId, messageId) {
      return withStorageErrors(
        'chats.setHead',
        () => setHead.run({ value: messageId, id: chatId, at: now() }).changes > 0,
      );
    },
  };
}

function toChat(row: ChatRow): ChatRecord {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    model: row.model,
    systemPrompt: row.system_prompt,
    showReasoning: row.show_reasoning === 1,
    showToolCalls: row.show_tool_calls === 1,
    disabledToolSources: JSON.parse(row.disabled_tool_sources) as string[],
    headMessageId: row.head_message_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
