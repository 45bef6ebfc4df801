import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../src/config.js';

const TOKEN = '123456789:AAEhBP0av28bBKo6jOaZ2dFpnGdvCeqpVvq';
const base = {
  TELEGRAM_BOT_TOKEN: TOKEN,
  MODELS: 'openai:gpt-5,anthropic:claude-sonnet-4-5',
  OPENAI_API_KEY: 'sk-openai-secret-1',
  ANTHROPIC_API_KEY: 'sk-ant-secret-2',
  ALLOWED_USERS: '42,@Alice',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    createConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('createConfig', () => {
  it('resolves defaults in one place', () => {
    const config = createConfig(base);
    expect(config.telegram.apiRoot).toBe('https://api.telegram.org');
    expect(config.databasePath).toBe('./data/streamgram.db');
    expect(config.streamMode).toBe('auto');
    expect(config.defaultModel.id).toBe('openai:gpt-5');
    expect(config.models.map((model) => model.model)).toEqual(['gpt-5', 'claude-sonnet-4-5']);
    expect(config.providers.map((provider) => [provider.name, provider.protocol])).toEqual([
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
    ]);
    expect(config.allowedUsers.userIds.has(42)).toBe(true);
    expect(config.allowedUsers.usernames.has('alice')).toBe(true);
    expect(config.webhook).toBeUndefined();
    expect(config.provider.idleTimeoutMs).toBe(60_000);
  });

  it('declares OpenAI-compatible providers by name, with their own base URL and key', () => {
    const config = createConfig({
      ...base,
      MODELS: 'deepseek:deepseek-reasoner,ollama:llama3.2,openai:gpt-5',
      DEEPSEEK_BASE_URL: 'https://api.deepseek.com/v1/',
      DEEPSEEK_API_KEY: 'sk-deepseek-3',
      OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1',
      DEFAULT_MODEL: 'ollama:llama3.2',
    });
    expect(config.providers).toEqual([
      {
        name: 'deepseek',
        protocol: 'openai',
        apiKey: 'sk-deepseek-3',
        baseURL: 'https://api.deepseek.com/v1',
      },
      { name: 'ollama', protocol: 'openai', apiKey: undefined, baseURL: 'http://127.0.0.1:11434/v1' },
      { name: 'openai', protocol: 'openai', apiKey: 'sk-openai-secret-1', baseURL: undefined },
    ]);
    expect(config.defaultModel.id).toBe('ollama:llama3.2');
    expect(config.secrets).toEqual(expect.arrayContaining([TOKEN, 'sk-deepseek-3', 'sk-openai-secret-1']));
  });

  it('keeps the colons of model ids that contain them', () => {
    const config = createConfig({ ...base, MODELS: 'openai:ft:gpt-4o:acme::id1' });
    expect(config.defaultModel).toEqual({
      id: 'openai:ft:gpt-4o:acme::id1',
      provider: 'openai',
      model: 'ft:gpt-4o:acme::id1',
    });
  });

  it('refuses to start without ALLOWED_USERS, so a new bot is never open to everyone by accident', () => {
    const { ALLOWED_USERS: _, ...rest } = base;
    expect(problemsOf(rest)).toEqual([
      'ALLOWED_USERS is required: comma-separated Telegram user ids or @usernames, or * to allow everyone',
    ]);
    expect(createConfig({ ...base, ALLOWED_USERS: '*' }).allowedUsers.everyone).toBe(true);
  });

  it('names the variable and what is expected for each bad value', () => {
    expect(problemsOf({ ...base, TELEGRAM_BOT_TOKEN: undefined })).toEqual([
      'TELEGRAM_BOT_TOKEN is required: the token @BotFather gave you',
    ]);
    expect(problemsOf({ ...base, STREAM_MODE: 'fast' })).toEqual(['STREAM_MODE must be auto, draft or edit']);
    expect(problemsOf({ ...base, PORT: '99999' })).toEqual(['PORT must be a whole number from 0 to 65535']);
    expect(problemsOf({ ...base, MODELS: 'gpt-5' })).toEqual([
      'MODELS entry "gpt-5" must be provider:model-id, e.g. openai:gpt-5',
    ]);
    expect(problemsOf({ ...base, DEFAULT_MODEL: 'openai:gpt-4' })).toEqual([
      'DEFAULT_MODEL must be one of MODELS (openai:gpt-5, anthropic:claude-sonnet-4-5)',
    ]);
    expect(problemsOf({ ...base, MODELS: 'groq:llama' })[0]).toMatch(/^GROQ_BASE_URL is required/);
    expect(problemsOf({ ...base, OPENAI_API_KEY: '' })).toEqual([
      'OPENAI_API_KEY is required for the openai models in MODELS',
    ]);
    expect(problemsOf({ ...base, ALLOWED_USERS: '42,not a user' })).toEqual([
      'ALLOWED_USERS entry "not a user" must be a numeric user id, an @username or *',
    ]);
    expect(problemsOf({ ...base, WEBHOOK_URL: 'https://bot.example.com/hook' })).toEqual([
      'WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates can be refused',
    ]);
  });

  it('never puts a secret into its error message', () => {
    try {
      createConfig({ ...base, TELEGRAM_BOT_TOKEN: 'not-a-token-but-secret-ish', ALLOWED_USERS: '' });
    } catch (error) {
      expect(String(error)).not.toContain('not-a-token-but-secret-ish');
      expect(String(error)).not.toContain('sk-openai-secret-1');
      return;
    }
    throw new Error('expected a ConfigError');
  });

  it('resolves the conversation settings: prompt, context budgets, prices, limits, time zone, paste merging, busy policy', () => {
    const defaults = createConfig(base);
    expect(defaults.systemPrompt).toMatch(/helpful assistant/);
    expect(defaults.context).toEqual({ defaultTokens: 32_000, byModel: new Map() });
    expect(defaults.prices.size).toBe(0);
    expect(defaults.tokenLimits).toEqual({ daily: null, monthly: null, overrides: [] });
    expect(defaults.timeZone).toBe('UTC');
    expect(defaults.pasteMergeMs).toBe(1500);
    expect(defaults.busyPolicy).toBe('queue');

    const config = createConfig({
      ...base,
      SYSTEM_PROMPT: 'Answer like a pirate.',
      CONTEXT_TOKENS: '8000',
      MODEL_CONTEXT_TOKENS: 'anthropic:claude-sonnet-4-5=150000',
      MODEL_PRICES: 'openai:gpt-5=1.25/0.125/10, anthropic:claude-sonnet-4-5=3/0.3/15/3.75',
      DAILY_TOKEN_LIMIT: '100000',
      MONTHLY_TOKEN_LIMIT: '0',
      USER_TOKEN_LIMITS: '42=none/5000000,@Bobby=20000/,7=0/0',
      TIME_ZONE: 'Europe/Berlin',
      PASTE_MERGE_MS: '0',
      BUSY_POLICY: 'replace',
    });
    expect(config.systemPrompt).toBe('Answer like a pirate.');
    expect(config.context).toEqual({
      defaultTokens: 8000,
      byModel: new Map([['anthropic:claude-sonnet-4-5', 150_000]]),
    });
    expect(config.prices.get('openai:gpt-5')).toEqual({
      input: 1.25,
      cachedInput: 0.125,
      output: 10,
      cacheWrite: 1.25,
    });
    expect(config.prices.get('anthropic:claude-sonnet-4-5')?.cacheWrite).toBe(3.75);
    expect(config.tokenLimits).toEqual({
      daily: 100_000,
      monthly: null,
      overrides: [
        { userId: 42, daily: null, monthly: 5_000_000 },
        { username: 'bobby', daily: 20_000 },
        { userId: 7, daily: null, monthly: null },
      ],
    });
    expect(config.timeZone).toBe('Europe/Berlin');
    expect(config.pasteMergeMs).toBe(0);
    expect(config.busyPolicy).toBe('replace');
  });

  it('names the bad entry of the conversation settings', () => {
    expect(problemsOf({ ...base, MODEL_CONTEXT_TOKENS: 'openai:gpt-4=1000' })).toEqual([
      'MODEL_CONTEXT_TOKENS entry "openai:gpt-4=1000" names a model that is not in MODELS',
    ]);
    expect(problemsOf({ ...base, MODEL_CONTEXT_TOKENS: 'openai:gpt-5' })[0]).toMatch(
      /^MODEL_CONTEXT_TOKENS entry "openai:gpt-5" must look like/,
    );
    expect(problemsOf({ ...base, MODEL_PRICES: 'openai:gpt-5=1.25/10' })[0]).toMatch(
      /^MODEL_PRICES entry "openai:gpt-5=1.25\/10" must look like openai:gpt-5=1.25\/0.125\/10/,
    );
    expect(problemsOf({ ...base, MODEL_PRICES: 'gpt-5=1/1/1' })).toHaveLength(1);
    expect(problemsOf({ ...base, USER_TOKEN_LIMITS: 'someone!=1/2' })[0]).toMatch(
      /^USER_TOKEN_LIMITS entry "someone!=1\/2" must look like/,
    );
    expect(problemsOf({ ...base, USER_TOKEN_LIMITS: '42=lots' })).toHaveLength(1);
    expect(problemsOf({ ...base, TIME_ZONE: 'Mars/Olympus' })).toEqual([
      'TIME_ZONE must be an IANA time zone such as UTC or Europe/Berlin',
    ]);
    expect(problemsOf({ ...base, BUSY_POLICY: 'drop' })).toEqual(['BUSY_POLICY must be queue or replace']);
    expect(problemsOf({ ...base, PASTE_MERGE_MS: '-1' })).toEqual([
      'PASTE_MERGE_MS must be a whole number from 0 to 10000',
    ]);
  });

  it('resolves the tool settings: built-ins on by default, none, a list, timeouts and caps', () => {
    expect(createConfig(base).tools).toEqual({
      builtin: ['current_time', 'calculator'],
      timeoutMs: 30_000,
      maxSteps: 5,
      maxResultChars: 20_000,
      mcpServers: [],
    });
    expect(createConfig({ ...base, BUILTIN_TOOLS: 'none' }).tools.builtin).toEqual([]);
    const custom = createConfig({
      ...base,
      BUILTIN_TOOLS: ' Calculator ,calculator',
      TOOL_TIMEOUT_SECONDS: '5',
      MAX_TOOL_STEPS: '0',
      TOOL_RESULT_MAX_CHARS: '500',
    }).tools;
    expect(custom).toEqual({
      builtin: ['calculator'],
      timeoutMs: 5_000,
      maxSteps: 0,
      maxResultChars: 500,
      mcpServers: [],
    });
    expect(problemsOf({ ...base, BUILTIN_TOOLS: 'calculator,weather' })).toEqual([
      'BUILTIN_TOOLS must be all, none or a list of current_time, calculator (unknown: weather)',
    ]);
  });

  it('selects PostgreSQL with DATABASE_URL, keeps its password out of problems and into the scrubbed secrets', () => {
    expect(createConfig(base)).toMatchObject({ databaseUrl: undefined, databasePoolSize: 10 });
    const url = 'postgres://bot:p%40ss-word-99@db.internal:5432/streamgram';
    const config = createConfig({ ...base, DATABASE_URL: url, DATABASE_POOL_SIZE: '4' });
    expect(config).toMatchObject({ databaseUrl: url, databasePoolSize: 4 });
    expect(config.secrets).toContain('p@ss-word-99');
    expect(config.secrets).toContain(url);
    const problems = problemsOf({
      ...base,
      DATABASE_URL: 'mysql://u:hunter2-secret@h/db',
      DATABASE_POOL_SIZE: '0',
    });
    expect(problems.join('; ')).toMatch(/DATABASE_URL.*postgres:\/\//);
    expect(problems.join('; ')).toMatch(/DATABASE_POOL_SIZE/);
    expect(problems.join('; ')).not.toContain('hunter2-secret');
  });
  it('shares the budget through REDIS_URL, keeps its password secret, and names the instance', () => {
    expect(createConfig(base)).toMatchObject({
      redisUrl: undefined,
      instanceId: `${hostname()}-${process.pid}`,
    });
    const url = 'rediss://default:r%2Fedis-pass-77@cache.internal:6380/0';
    const config = createConfig({ ...base, REDIS_URL: url, INSTANCE_ID: 'bot-2' });
    expect(config).toMatchObject({ redisUrl: url, instanceId: 'bot-2' });
    expect(config.secrets).toContain('r/edis-pass-77');
    expect(config.secrets).toContain(url);
    const problems = problemsOf({
      ...base,
      REDIS_URL: 'http://:hunter2-secret@cache:6379',
      INSTANCE_ID: 'a b',
    });
    expect(problems.join('; ')).toMatch(/REDIS_URL.*redis:\/\//);
    expect(problems.join('; ')).toMatch(/INSTANCE_ID/);
    expect(problems.join('; ')).not.toContain('hunter2-secret');
  });

  it('turns the durable inbox on with DATABASE_URL (INBOX=on by default), never with SQLite', () => {
    const url = 'postgres://bot:secret-pass-1@db.internal:5432/streamgram';
    expect(createConfig(base).inbox).toBe(false);
    expect(createConfig({ ...base, INBOX: 'on' }).inbox).toBe(false);
    expect(createConfig({ ...base, DATABASE_URL: url }).inbox).toBe(true);
    expect(createConfig({ ...base, DATABASE_URL: url, INBOX: 'off' }).inbox).toBe(false);
    expect(problemsOf({ ...base, DATABASE_URL: url, INBOX: 'maybe' })).toEqual(['INBOX must be on or off']);
  });
});
