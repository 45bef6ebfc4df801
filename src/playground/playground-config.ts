import { type Config, ConfigError, createConfig } from '../config.js';
import { DEMO_MODELS } from './demo-provider.js';
import type { ModelInfo } from './playground-events.js';

type Environment = Record<string, string | undefined>;

export interface PlaygroundConfigInput {
  env: Environment;
  telegram: { token: string; apiRoot: string };
  databasePath: string;
  logLevel: string;
  /** The playground's user: the only person there, so also the bot's admin. */
  userId: number;
}

export interface PlaygroundConfig {
  config: Config;
  /** True when MODELS and its keys were usable: the real providers answer, the demo is an extra. */
  configuredProviders: boolean;
  /** Why the configured models were not used (MODELS set but incomplete), to print once. */
  warning?: string;
  models: ModelInfo[];
}

// Settings of the user's own deployment that must not leak into the playground's bot.
const NOT_FOR_THE_PLAYGROUND = ['WEBHOOK_URL', 'WEBHOOK_SECRET'];

/**
 * The bot's configuration for the playground: the emulator instead of Telegram, everyone allowed,
 * its own database, a free port for the bot's http server; the models from the environment when
 * they are usable, and always the offline demo models after them (the only place they exist).
 */
export function createPlaygroundConfig(input: PlaygroundConfigInput): PlaygroundConfig {
  const overrides: Environment = {
    TELEGRAM_BOT_TOKEN: input.telegram.token,
    TELEGRAM_API_ROOT: input.telegram.apiRoot,
    ALLOWED_USERS: '*',
    ADMIN_USERS: String(input.userId),
    DATABASE_PATH: input.databasePath,
    PORT: '0',
    LOG_LEVEL: input.logLevel,
    // Ctrl-C should not wait long for an answer someone left streaming.
    SHUTDOWN_GRACE_SECONDS: input.env.SHUTDOWN_GRACE_SECONDS ?? '2',
  };
  const own = Object.fromEntries(
    Object.entries(input.env).filter(([name]) => !NOT_FOR_THE_PLAYGROUND.includes(name)),
  );

  let warning: string | undefined;
  if (own.MODELS !== undefined && own.MODELS.trim() !== '') {
    try {
      const config = createConfig({ ...own, ...overrides });
      return {
        config: { ...config, models: [...config.models, ...DEMO_MODELS] },
        configuredProviders: true,
        models: describeModels(config.models),
      };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      warning = `${error.message}; using the offline demo model only`;
    }
  }

  // The demo replaces the models: settings naming configured models go, the rest (delivery, limits,
  // budgets) stays. MODELS names a provider createConfig accepts; the demo provider passed to
  // startApp serves it. Should the remaining settings be invalid, the playground's own ones do.
  const demoOnly: Environment = {
    ...overrides,
    MODELS: 'demo:fast',
    DEMO_BASE_URL: 'http://127.0.0.1/offline-demo',
  };
  let base: Config;
  try {
    base = createConfig({ ...withoutModelSettings(own), ...demoOnly });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warning = `${warning === undefined ? '' : `${warning}. `}${error.message}; using the playground's defaults`;
    base = createConfig({ SHUTDOWN_GRACE_SECONDS: overrides.SHUTDOWN_GRACE_SECONDS, ...demoOnly });
  }
  const [first] = DEMO_MODELS;
  if (first === undefined) throw new Error('DEMO_MODELS is empty');
  return {
    config: { ...base, providers: [], models: [...DEMO_MODELS], defaultModel: first },
    configuredProviders: false,
    ...(warning === undefined ? {} : { warning }),
    models: describeModels([]),
  };
}

function withoutModelSettings(env: Environment): Environment {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => name !== 'MODELS' && name !== 'DEFAULT_MODEL' && !name.startsWith('MODEL_'),
    ),
  );
}

function describeModels(configured: Config['models']): ModelInfo[] {
  return [
    ...configured.map((model) => ({ id: model.id, label: model.id, demo: false })),
    { id: 'demo:fast', label: 'demo:fast — offline demo, answers at once', demo: true },
    { id: 'demo:thinking', label: 'demo:thinking — offline demo, reasons first', demo: true },
  ];
}
