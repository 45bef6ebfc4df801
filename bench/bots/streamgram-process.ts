/** Streamgram itself, the whole real bot (startApp), in a child process whose CPU and memory are measured. */
import { createWriteStream } from 'node:fs';
import type { UserFromGetMe } from 'grammy/types';
import { startApp } from '../../src/app.js';
import { createConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { serveBot } from './serve-bot.js';

serveBot(async ({ endpoints, databasePath, logPath }) => {
  // Provider retries stay at their default, as deployed: with none, one model connection reset before
  // the request was read (ECONNRESET, 500 answers on a busy machine) cost a whole answer.
  const config = createConfig({
    TELEGRAM_BOT_TOKEN: endpoints.token,
    TELEGRAM_API_ROOT: endpoints.apiRoot,
    MODELS: 'openai:gpt-bench',
    OPENAI_API_KEY: endpoints.openaiKey,
    OPENAI_BASE_URL: endpoints.openaiBaseURL,
    ALLOWED_USERS: '*',
    DATABASE_PATH: databasePath,
    PORT: '0',
    LOG_LEVEL: 'warn',
    STREAM_MODE: 'auto',
  });
  const destination = createWriteStream(logPath);
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets, destination });
  const app = await startApp({ config, logger, botInfo: endpoints.botInfo as UserFromGetMe });
  return {
    async stop() {
      await app.stop();
      await new Promise<void>((resolve) => destination.end(resolve));
    },
  };
});
