import type { BuiltinToolName } from './tools/builtin/builtin-tools.js';
import type { McpServerConfig } from './tools/mcp/mcp-config.js';

/** The typed configuration every part of the bot receives; config.ts builds it from the environment. */
export type StreamMode = 'auto' | 'draft' | 'edit';
/** What a new question does while an answer of the same user streams in that chat. */
export type BusyPolicy = 'queue' | 'replace';
export type ProviderProtocol = 'openai' | 'anthropic';

export interface ProviderConfig {
  /** The name used in `MODELS`, e.g. `openai`, `deepseek`. */
  name: string;
  protocol: ProviderProtocol;
  apiKey: string | undefined;
  baseURL: string | undefined;
}

export interface ModelRef {
  /** `provider:model-id`, as written in `MODELS`. */
  id: string;
  provider: string;
  /** The provider's own model id. */
  model: string;
}

export interface AccessList {
  everyone: boolean;
  userIds: ReadonlySet<number>;
  /** Lower-case, without the leading `@`. */
  usernames: ReadonlySet<string>;
}

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  /** Input tokens read from the prompt cache. */
  cachedInput: number;
  output: number;
  /** Input tokens written to the prompt cache (Anthropic); the input price unless configured. */
  cacheWrite: number;
}

/** Input + output tokens a user may spend; null = no limit. */
export interface TokenLimitPair {
  daily: number | null;
  monthly: number | null;
}

export interface TokenLimitOverride {
  /** Exactly one of userId and username (lower-case, without `@`). */
  userId?: number;
  username?: string;
  /** Absent = the default limit applies. */
  daily?: number | null;
  monthly?: number | null;
}

export interface TokenLimits extends TokenLimitPair {
  overrides: TokenLimitOverride[];
}

export interface Config {
  telegram: { token: string; apiRoot: string };
  providers: ProviderConfig[];
  models: ModelRef[];
  defaultModel: ModelRef;
  databasePath: string;
  /** `DATABASE_URL`: PostgreSQL instead of the SQLite file at `databasePath`; undefined = SQLite. */
  databaseUrl: string | undefined;
  /** Most connections the PostgreSQL pool opens. */
  databasePoolSize: number;
  /** `REDIS_URL`: the Telegram rate budget shared by every instance of the bot; undefined = this process alone. */
  redisUrl: string | undefined;
  /** `INSTANCE_ID`: this process among the bot's instances (logs, /metrics, Redis presence). */
  instanceId: string;
  /**
   * The durable per-chat inbox shared by several instances (`INBOX`, on by default with
   * DATABASE_URL; never with SQLite): updates are stored before they are acknowledged.
   */
  inbox: boolean;
  allowedUsers: AccessList;
  adminUsers: AccessList;
  streamMode: StreamMode;
  webhook: { url: string; secret: string } | undefined;
  port: number;
  /** Our own Telegram budgets (calls), kept a little under Telegram's limits so no 429 is earned. */
  telegramBudgets: {
    globalPerSecond: number;
    private: { burst: number; refillMs: number; minSpacingMs: number };
    group: { burst: number; refillMs: number; minSpacingMs: number };
  };
  /** A question (after merging a split paste) longer than this is refused with a clear answer. */
  maxQuestionChars: number;
  /** Questions one user may ask per minute before being asked to slow down. */
  userMessagesPerMinute: number;
  /** How long answers in flight may run on after SIGTERM before they are interrupted. */
  shutdownGraceMs: number;
  logLevel: string;
  provider: { idleTimeoutMs: number; requestTimeoutMs: number; maxRetries: number; maxOutputTokens: number };
  /** For chats that have not set their own with /system. */
  systemPrompt: string;
  /** Most tokens of prompt (system prompt, history, question) sent per request; per `provider:model-id`. */
  context: { defaultTokens: number; byModel: ReadonlyMap<string, number> };
  /** Per `provider:model-id`: ask for extended thinking with this token budget (Anthropic). */
  thinkingTokens: ReadonlyMap<string, number>;
  /** Per `provider:model-id`; models without a price get no cost estimate. */
  prices: ReadonlyMap<string, ModelPrice>;
  tokenLimits: TokenLimits;
  /** IANA time zone where "today" and "this month" begin (/usage, /stats, budgets). */
  timeZone: string;
  /** How long a split long message waits for its next part; 0 turns merging off. */
  pasteMergeMs: number;
  busyPolicy: BusyPolicy;
  /** Tools the model may call while it answers. */
  tools: {
    /** Built-in tools on (`BUILTIN_TOOLS`); empty for `none`. */
    builtin: BuiltinToolName[];
    timeoutMs: number;
    /** Rounds of tool calls per answer before the model must answer without tools. */
    maxSteps: number;
    /** Longest tool result (characters) given to the model; longer ones are truncated. */
    maxResultChars: number;
    /** `MCP_CONFIG`: the JSON file naming the MCP servers; undefined for none. */
    mcpConfigPath: string | undefined;
    /** The servers that file names, read and checked once here; empty without `MCP_CONFIG`. */
    mcpServers: McpServerConfig[];
  };
  media: MediaConfig;
  /** Every secret value, so logs can scrub them whatever shape an error takes. */
  secrets: string[];
}

export interface MediaConfig {
  /** `provider:model-id`s that cannot take pictures (`TEXT_ONLY_MODELS`); every other model can. */
  textOnlyModels: ReadonlySet<string>;
  /** Largest file fetched from Telegram (never above Telegram's own 20 MB). */
  maxFileBytes: number;
  /** Most characters of text read from one document. */
  maxDocumentChars: number;
  /** Most pictures sent to the model in one request, the newest; older ones become a placeholder. */
  maxImages: number;
  /** `TRANSCRIPTION_MODEL`: voice and audio go to this OpenAI-compatible audio API; unset: not heard. */
  transcription: { provider: ProviderConfig; model: string } | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}
