import { PlaygroundArgsError, parsePlaygroundArgs } from './parse-args.js';
import { DEFAULT_PLAYGROUND_PORT, startPlayground } from './start-playground.js';

const HELP = `npm run playground [-- --port N]

Runs Streamgram against a local Telegram Bot API emulator, with a web page that plays the Telegram
app: no Telegram account, no bot token and no API key needed. Listens on 127.0.0.1 only.

  --port N              the page's port (default ${DEFAULT_PLAYGROUND_PORT}; 0 picks a free one)
  PLAYGROUND_PORT       the same, from the environment
  PLAYGROUND_DATABASE   SQLite file to keep conversations (default: a temporary file)
  MODELS, OPENAI_API_KEY, ANTHROPIC_API_KEY, ...   real models, as for the bot (.env is read);
                        without them the offline demo model answers
`;

async function main(): Promise<void> {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const args = parsePlaygroundArgs(process.argv.slice(2), process.env, DEFAULT_PLAYGROUND_PORT);
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const databasePath = process.env.PLAYGROUND_DATABASE?.trim() || undefined;
  const playground = await startPlayground({
    port: args.port,
    logTo: process.stderr,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    ...(databasePath === undefined ? {} : { databasePath }),
  });
  if (playground.warning !== undefined) process.stderr.write(`Note: ${playground.warning}\n`);
  const models = playground.configuredProviders
    ? `models ${playground.config.models.map((m) => m.id).join(', ')}`
    : 'offline demo model, set MODELS and API keys for real ones';
  process.stdout.write(`Streamgram playground: open ${playground.url} — ${models}. Ctrl-C stops it.\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) {
      process.stderr.write('Forced exit.\n');
      process.exit(1);
    }
    stopping = true;
    process.stdout.write('Stopping the playground…\n');
    playground.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof PlaygroundArgsError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'EADDRINUSE'
      ? 'that port is in use: pass --port N (or set PLAYGROUND_PORT), or --port 0 for a free one'
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`The playground could not start: ${message}\n`);
  process.exit(1);
});
