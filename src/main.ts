import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, createSecretScrubber } from './logger.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line, naming every bad variable; values are never echoed, so no secret can leak here.
    process.stderr.write(`${error.message}. See .env.example.\n`);
    process.exit(1);
  }

  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp({ config, logger });
  } catch (error) {
    const scrub = createSecretScrubber(config.secrets);
    logger.fatal({ err: error }, 'could not start');
    logger.flush();
    process.stderr.write(
      `Streamgram could not start: ${scrub(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Streamgram could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
