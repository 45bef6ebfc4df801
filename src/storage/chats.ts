import { storageCall } from './errors.js';
import type { SqlExecutor } from './sql.js';

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
  upsert(chat: ChatInfo): Promise<ChatRecord>;
  get(id: number): Promise<ChatRecord | undefined>;
  /** The setters return false when the chat is unknown (upsert it first). */
  setModel(chatId: number, model: string | null): Promise<boolean>;
  setSystemPrompt(chatId: number, text: string | null): Promise<boolean>;
  setShowReasoning(chatId: number, show: boolean): Promise<boolean>;
  setShowToolCalls(chatId: number, show: boolean): Promise<boolean>;
  /** Switches one tool source on or off in this chat; the other sources keep their state. */
  setToolSourceEnabled(chatId: number, source: string, enabled: boolean): Promise<boolean>;
  /**
   * Moves the conversation's head: to the answer just stored, or null for /new. The message must
   * belong to this chat (else a `StorageError` of kind `constraint`).
   */
  setHead(chatId: number, messageId: number | null): Promise<boolean>;
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

export function createChatRepository(sql: SqlExecutor, options: { now?: () => number } = {}): ChatRepository {
  const now = options.now ?? Date.now;
  const upsert = `INSERT INTO chats (id, type, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
       updated_at = CASE WHEN chats.updated_at > excluded.updated_at THEN chats.updated_at ELSE excluded.updated_at END
     WHERE chats.type IS DISTINCT FROM excluded.type OR chats.title IS DISTINCT FROM excluded.title`;
  const get = 'SELECT * FROM chats WHERE id = $1';
  // Column names cannot be bound, so each setter has its own statement; the clock never goes back.
  const setter = (column: string) =>
    `UPDATE chats SET ${column} = $1, updated_at = CASE WHEN updated_at > $3 THEN updated_at ELSE $3 END
     WHERE id = $2`;
  const set = (operation: string, column: string, chatId: number, value: string | number | null) =>
    storageCall(operation, async () => (await sql.run(setter(column), [value, chatId, now()])) > 0);
  // The set is rewritten only if nobody changed it since it was read, so two quick switches of
  // different sources cannot undo each other (a compare-and-set that both dialects speak).
  const swapSources = `UPDATE chats SET disabled_tool_sources = $3,
       updated_at = CASE WHEN updated_at > $4 THEN updated_at ELSE $4 END
     WHERE id = $1 AND disabled_tool_sources = $2`;
  const sourcesOf = 'SELECT disabled_tool_sources FROM chats WHERE id = $1';

  return {
    upsert(chat) {
      return storageCall('chats.upsert', async () => {
        await sql.run(upsert, [chat.id, chat.type, chat.title ?? null, now()]);
        return toChat((await sql.get<ChatRow>(get, [chat.id]))!);
      });
    },
    get(id) {
      return storageCall('chats.get', async () => {
        const row = await sql.get<ChatRow>(get, [id]);
        return row && toChat(row);
      });
    },
    setModel: (chatId, model) => set('chats.setModel', 'model', chatId, model),
    setSystemPrompt: (chatId, text) => set('chats.setSystemPrompt', 'system_prompt', chatId, text),
    setShowReasoning: (chatId, show) => set('chats.setShowReasoning', 'show_reasoning', chatId, show ? 1 : 0),
    setHead: (chatId, messageId) => set('chats.setHead', 'head_message_id', chatId, messageId),
    setShowToolCalls: (chatId, show) =>
      set('chats.setShowToolCalls', 'show_tool_calls', chatId, show ? 1 : 0),
    setToolSourceEnabled(chatId, source, enabled) {
      return storageCall('chats.setToolSourceEnabled', async () => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const row = await sql.get<{ disabled_tool_sources: string }>(sourcesOf, [chatId]);
          if (!row) return false;
          const others = (JSON.parse(row.disabled_tool_sources) as string[]).filter(
            (name) => name !== source,
          );
          const next = JSON.stringify((enabled ? others : [...others, source]).sort());
          if ((await sql.run(swapSources, [chatId, row.disabled_tool_sources, next, now()])) > 0) return true;
        }
        throw new Error('the tool switches of this chat kept changing under us');
      });
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
