/**
 * The environment, validated once into a typed `Config`. About 410 lines on purpose: the zod schema
 * of every setting, then the checks that span settings (models against providers, secrets, URLs),
 * all collecting into one list of problems so an operator sees every mistake at once. Types live in
 * config-types.ts and the list parsers in config-lists.ts.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import {
  isTimeZone,
  parseAccessList,
  parseModelList,
  parseModelNumbers,
  parseModelPrices,
  parseUserTokenLimits,
} from './config-lists.js';
import {
  type Config,
  ConfigError,
  type MediaConfig,
  type ModelRef,
  type ProviderConfig,
  type ProviderProtocol,
} from './config-types.js';
import { DEFAULT_SYSTEM_PROMPT } from './conversation/default-system-prompt.js';
import { BUILTIN_TOOL_NAMES, type BuiltinToolName } from './tools/builtin/builtin-tools.js';
import { McpConfigError, type McpServerConfig, readMcpConfig } from './tools/mcp/mcp-config.js';

// Every module imports the configuration's types from here, the one place that builds it.
export * from './config-types.js';

const GROUP_BURST = 3;
const BUILT_IN_PROTOCOLS: Record<string, ProviderProtocol> = { openai: 'openai', anthropic: 'anthropic' };
const PROVIDER_NAME = /^[a-z][a-z0-9-]*$/;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: `must be an http(s) URL (${what})`,
    });

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? String(fallback) : value))
    .refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max, {
      message: `must be a whole number from ${min} to ${max}`,
    })
    .transform(Number);

/** The variables of the configuration contract; defaults are resolved here and nowhere else. */
const environmentSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ message: 'is required: the token @BotFather gave you' })
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: 'must look like 123456789:AAE... (from @BotFather)' }),
  TELEGRAM_API_ROOT: httpUrl('the Bot API server').default('https://api.telegram.org'),
  MODELS: z.string({
    message: 'is required: comma-separated provider:model-id, e.g. openai:gpt-5,anthropic:claude-sonnet-4-5',
  }),
  DEFAULT_MODEL: optionalText,
  DATABASE_PATH: z.string().trim().min(1).default('./data/streamgram.db'),
  // The URL is never echoed in the message: it may hold a password.
  DATABASE_URL: optionalText.refine((value) => value === undefined || isPostgresUrl(value), {
    message: 'must be a postgres://user:password@host:5432/database URL',
  }),
  DATABASE_POOL_SIZE: integer(1, 1000, 10),
  // Like DATABASE_URL: never echoed, it may hold a password.
  REDIS_URL: optionalText.refine((value) => value === undefined || isRedisUrl(value), {
    message: 'must be a redis://[:password@]host:6379 (or rediss://) URL',
  }),
  INSTANCE_ID: optionalText.refine((value) => value === undefined || /^[\w.:-]{1,100}$/.test(value), {
    message: 'must be 1 to 100 characters of A-Z, a-z, 0-9, _, ., : and -',
  }),
  INBOX: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  ALLOWED_USERS: z.string({
    message: 'is required: comma-separated Telegram user ids or @usernames, or * to allow everyone',
  }),
  ADMIN_USERS: z.string().default(''),
  STREAM_MODE: z.enum(['auto', 'draft', 'edit'], { message: 'must be auto, draft or edit' }).default('auto'),
  WEBHOOK_URL: httpUrl('the public https address Telegram posts updates to').optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, { message: 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -' })
    .optional(),
  PORT: integer(0, 65535, 8080),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_GRACE_SECONDS: integer(0, 600, 20),
  MAX_QUESTION_CHARS: integer(100, 1_000_000, 16_000),
  USER_MESSAGES_PER_MINUTE: integer(1, 1000, 20),
  TELEGRAM_GLOBAL_PER_SECOND: integer(1, 1000, 30),
  TELEGRAM_PRIVATE_PER_SECOND: integer(1, 30, 1),
  TELEGRAM_PRIVATE_BURST: integer(1, 30, 2),
  TELEGRAM_GROUP_PER_MINUTE: integer(4, 600, 20),
  PROVIDER_IDLE_TIMEOUT_SECONDS: integer(1, 3600, 60),
  PROVIDER_REQUEST_TIMEOUT_SECONDS: integer(1, 3600, 120),
  PROVIDER_MAX_RETRIES: integer(0, 10, 1),
  MAX_OUTPUT_TOKENS: integer(1, 1_000_000, 8192),
  SYSTEM_PROMPT: optionalText,
  CONTEXT_TOKENS: integer(500, 100_000_000, 32_000),
  MODEL_CONTEXT_TOKENS: z.string().default(''),
  MODEL_THINKING_TOKENS: z.string().default(''),
  MODEL_PRICES: z.string().default(''),
  DAILY_TOKEN_LIMIT: integer(0, 1_000_000_000_000, 0),
  MONTHLY_TOKEN_LIMIT: integer(0, 1_000_000_000_000, 0),
  USER_TOKEN_LIMITS: z.string().default(''),
  TIME_ZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Berlin' }),
  PASTE_MERGE_MS: integer(0, 10_000, 1500),
  BUSY_POLICY: z.enum(['queue', 'replace'], { message: 'must be queue or replace' }).default('queue'),
  BUILTIN_TOOLS: z
    .string()
    .trim()
    .default('all')
    .transform((value, ctx) => {
      const lower = value.toLowerCase();
      if (lower === 'none') return [];
      if (lower === 'all') return [...BUILTIN_TOOL_NAMES];
      const names = lower
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const unknown = names.filter((name) => !(BUILTIN_TOOL_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be all, none or a list of ${BUILTIN_TOOL_NAMES.join(', ')} (unknown: ${unknown.join(', ')})`,
        });
        return z.NEVER;
      }
      return [...new Set(names)] as BuiltinToolName[];
    }),
  TOOL_TIMEOUT_SECONDS: integer(1, 600, 30),
  MAX_TOOL_STEPS: integer(0, 50, 5),
  TOOL_RESULT_MAX_CHARS: integer(100, 1_000_000, 20_000),
  MCP_CONFIG: optionalText,
  TEXT_ONLY_MODELS: z.string().default(''),
  MAX_FILE_MB: integer(1, 20, 20),
  MAX_DOCUMENT_CHARS: integer(1_000, 1_000_000, 100_000),
  MAX_IMAGES: integer(1, 20, 4),
  TRANSCRIPTION_MODEL: optionalText,
});

type Environment = Record<string, string | undefined>;

/** Pure: environment in, validated Config out, or a ConfigError listing every problem. */
export function createConfig(env: Environment): Config {
  const parsed = environmentSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${describeIssue(issue.message)}`),
    );
  }
  const vars = parsed.data;
  const problems: string[] = [];

  const models = parseModels(vars.MODELS, problems);
  const providers = [...new Set(models.map((model) => model.provider))].map((name) =>
    providerConfig(name, env, problems),
  );
  const defaultModel = pickDefaultModel(vars.DEFAULT_MODEL, models, problems);
  const allowedUsers = parseAccessList('ALLOWED_USERS', vars.ALLOWED_USERS, problems, true);
  const adminUsers = parseAccessList('ADMIN_USERS', vars.ADMIN_USERS, problems, false);

  const modelContext = parseModelNumbers('MODEL_CONTEXT_TOKENS', vars.MODEL_CONTEXT_TOKENS, models, problems);
  const thinkingTokens = parseModelNumbers(
    'MODEL_THINKING_TOKENS',
    vars.MODEL_THINKING_TOKENS,
    models,
    problems,
  );
  const prices = parseModelPrices(vars.MODEL_PRICES, problems);
  const overrides = parseUserTokenLimits(vars.USER_TOKEN_LIMITS, problems);
  const transcription = parseTranscriptionModel(vars.TRANSCRIPTION_MODEL, env, problems);
  const textOnlyModels = parseModelList('TEXT_ONLY_MODELS', vars.TEXT_ONLY_MODELS, models, problems);
  const mcpServers = readMcpServers(vars.MCP_CONFIG, problems);

  if (vars.WEBHOOK_URL && !vars.WEBHOOK_SECRET) {
    problems.push('WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates can be refused');
  }
  if (problems.length > 0 || !defaultModel) throw new ConfigError(problems);

  const secrets = [
    vars.TELEGRAM_BOT_TOKEN,
    vars.WEBHOOK_SECRET,
    ...providers.map((p) => p.apiKey),
    transcription?.provider.apiKey,
    // MCP servers' env values and headers carry their tokens; a failing server's error may echo them.
    ...mcpServers.flatMap(mcpSecrets),
    vars.DATABASE_URL,
    databasePassword(vars.DATABASE_URL),
    vars.REDIS_URL,
    databasePassword(vars.REDIS_URL),
  ].filter((secret): secret is string => secret !== undefined && secret.length >= 6);

  return {
    telegram: { token: vars.TELEGRAM_BOT_TOKEN, apiRoot: vars.TELEGRAM_API_ROOT.replace(/\/+$/, '') },
    providers,
    models,
    defaultModel,
    databasePath: vars.DATABASE_PATH,
    databaseUrl: vars.DATABASE_URL,
    databasePoolSize: vars.DATABASE_POOL_SIZE,
    redisUrl: vars.REDIS_URL,
    instanceId: vars.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    inbox: vars.DATABASE_URL !== undefined && vars.INBOX === 'on',
    allowedUsers,
    adminUsers,
    streamMode: vars.STREAM_MODE,
    webhook:
      vars.WEBHOOK_URL && vars.WEBHOOK_SECRET
        ? { url: vars.WEBHOOK_URL, secret: vars.WEBHOOK_SECRET }
        : undefined,
    port: vars.PORT,
    shutdownGraceMs: vars.SHUTDOWN_GRACE_SECONDS * 1000,
    maxQuestionChars: vars.MAX_QUESTION_CHARS,
    userMessagesPerMinute: vars.USER_MESSAGES_PER_MINUTE,
    telegramBudgets: {
      globalPerSecond: vars.TELEGRAM_GLOBAL_PER_SECOND,
      private: {
        burst: vars.TELEGRAM_PRIVATE_BURST,
        refillMs: 1000 / vars.TELEGRAM_PRIVATE_PER_SECOND,
        minSpacingMs: 0,
      },
      // A burst of 3, then evenly spaced, never more than the limit in any minute, at least 1 s apart.
      group: {
        burst: GROUP_BURST,
        refillMs: Math.ceil(60_000 / (vars.TELEGRAM_GROUP_PER_MINUTE - GROUP_BURST)),
        minSpacingMs: 1000,
      },
    },
    logLevel: vars.LOG_LEVEL,
    provider: {
      idleTimeoutMs: vars.PROVIDER_IDLE_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: vars.PROVIDER_REQUEST_TIMEOUT_SECONDS * 1000,
      maxRetries: vars.PROVIDER_MAX_RETRIES,
      maxOutputTokens: vars.MAX_OUTPUT_TOKENS,
    },
    systemPrompt: vars.SYSTEM_PROMPT ?? DEFAULT_SYSTEM_PROMPT,
    context: { defaultTokens: vars.CONTEXT_TOKENS, byModel: modelContext },
    thinkingTokens,
    prices,
    tokenLimits: {
      daily: vars.DAILY_TOKEN_LIMIT === 0 ? null : vars.DAILY_TOKEN_LIMIT,
      monthly: vars.MONTHLY_TOKEN_LIMIT === 0 ? null : vars.MONTHLY_TOKEN_LIMIT,
      overrides,
    },
    timeZone: vars.TIME_ZONE,
    pasteMergeMs: vars.PASTE_MERGE_MS,
    busyPolicy: vars.BUSY_POLICY,
    tools: {
      builtin: vars.BUILTIN_TOOLS,
      timeoutMs: vars.TOOL_TIMEOUT_SECONDS * 1000,
      maxSteps: vars.MAX_TOOL_STEPS,
      maxResultChars: vars.TOOL_RESULT_MAX_CHARS,
      mcpConfigPath: vars.MCP_CONFIG,
      mcpServers,
    },
    media: {
      textOnlyModels,
      maxFileBytes: vars.MAX_FILE_MB * 1024 * 1024,
      maxDocumentChars: vars.MAX_DOCUMENT_CHARS,
      maxImages: vars.MAX_IMAGES,
      transcription,
    },
    secrets,
  };
}

function readMcpServers(path: string | undefined, problems: string[]): McpServerConfig[] {
  if (path === undefined) return [];
  try {
    return readMcpConfig(path);
  } catch (error) {
    if (!(error instanceof McpConfigError)) throw error;
    problems.push(error.message);
    return [];
  }
}

function mcpSecrets(server: McpServerConfig): string[] {
  const values = 'command' in server ? Object.values(server.env) : Object.values(server.headers);
  // `Bearer <token>`: the token alone may appear without its scheme.
  return values.flatMap((value) => [value, ...value.split(/\s+/).filter((piece) => piece.length >= 12)]);
}

function blankToUndefined(env: Environment): Environment {
  // An empty line like `WEBHOOK_URL=` in .env means "not set", as it does for most tools.
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
}

function describeIssue(message: string): string {
  // zod's own wording for a missing variable is about types; ours says what to set.
  return message.startsWith('Invalid input') ? 'is required' : message;
}

function parseModels(raw: string, problems: string[]): ModelRef[] {
  const models: ModelRef[] = [];
  for (const item of raw.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const colon = item.indexOf(':');
    const provider = item.slice(0, colon).toLowerCase();
    const model = item.slice(colon + 1).trim();
    if (colon <= 0 || model === '' || !PROVIDER_NAME.test(provider)) {
      problems.push(`MODELS entry "${item}" must be provider:model-id, e.g. openai:gpt-5`);
      continue;
    }
    const id = `${provider}:${model}`;
    if (!models.some((known) => known.id === id)) models.push({ id, provider, model });
  }
  if (models.length === 0 && problems.length === 0)
    problems.push('MODELS must name at least one provider:model-id');
  return models;
}

/**
 * `openai` and `anthropic` are built in; any other provider `foo` is an OpenAI-compatible endpoint
 * declared with FOO_BASE_URL (required) and FOO_API_KEY (optional: Ollama needs none), and
 * FOO_PROTOCOL=anthropic for an Anthropic-compatible one.
 */
function providerConfig(name: string, env: Environment, problems: string[]): ProviderConfig {
  const prefix = name.toUpperCase().replaceAll('-', '_');
  const apiKey = env[`${prefix}_API_KEY`]?.trim() || undefined;
  const baseURL = env[`${prefix}_BASE_URL`]?.trim().replace(/\/+$/, '') || undefined;
  const protocolName =
    env[`${prefix}_PROTOCOL`]?.trim().toLowerCase() || BUILT_IN_PROTOCOLS[name] || 'openai';

  if (protocolName !== 'openai' && protocolName !== 'anthropic') {
    problems.push(`${prefix}_PROTOCOL must be openai or anthropic`);
  }
  if (baseURL !== undefined && !(/^https?:\/\//.test(baseURL) && URL.canParse(baseURL))) {
    problems.push(`${prefix}_BASE_URL must be an http(s) URL`);
  }
  if (!(name in BUILT_IN_PROTOCOLS) && baseURL === undefined) {
    problems.push(
      `${prefix}_BASE_URL is required for the models of provider "${name}" (an OpenAI-compatible endpoint, e.g. https://api.deepseek.com/v1)`,
    );
  }
  if (name in BUILT_IN_PROTOCOLS && apiKey === undefined && baseURL === undefined) {
    problems.push(`${prefix}_API_KEY is required for the ${name} models in MODELS`);
  }
  return { name, protocol: protocolName === 'anthropic' ? 'anthropic' : 'openai', apiKey, baseURL };
}

function pickDefaultModel(
  raw: string | undefined,
  models: ModelRef[],
  problems: string[],
): ModelRef | undefined {
  if (raw === undefined) return models[0];
  const found = models.find((model) => model.id === raw.trim() || model.id === raw.trim().toLowerCase());
  if (!found && models.length > 0) {
    problems.push(`DEFAULT_MODEL must be one of MODELS (${models.map((model) => model.id).join(', ')})`);
  }
  return found;
}

/** `provider:model`; the provider's key and base URL come from the same variables as for MODELS. */
function parseTranscriptionModel(
  raw: string | undefined,
  env: Environment,
  problems: string[],
): MediaConfig['transcription'] {
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).toLowerCase();
  const model = raw.slice(colon + 1).trim();
  if (colon <= 0 || model === '' || !PROVIDER_NAME.test(name)) {
    problems.push(`TRANSCRIPTION_MODEL must be provider:model, e.g. openai:gpt-4o-mini-transcribe`);
    return undefined;
  }
  const provider = providerConfig(name, env, problems);
  if (provider.protocol !== 'openai') {
    problems.push('TRANSCRIPTION_MODEL needs an OpenAI-compatible provider (Anthropic has no audio API)');
  }
  return { provider, model };
}

/** Reads `.env` when present (real environment variables win) and validates. */
export function loadConfig(envFile = '.env'): Config {
  try {
    process.loadEnvFile(envFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return createConfig(process.env);
}

function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\/\S+$/.test(value) && URL.canParse(value);
}

function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\/\S+$/.test(value) && URL.canParse(value);
}

/** The password in a database (or Redis) URL, decoded as the driver sends it, so logs can scrub it. */
function databasePassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const password = new URL(url).password;
  return password === '' ? undefined : decodeURIComponent(password);
}
