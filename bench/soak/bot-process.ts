/**
 * The bot under soak, alone in its own process so its RSS is measured without the emulator and the
 * fake model servers. Configured by the environment like src/main.ts; driven over IPC.
 */
import { createWriteStream } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { startApp } from '../../src/app.js';
import { createConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export type ToBot = { type: 'measure' } | { type: 'stop' };
export type FromBot =
  | { type: 'ready' }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const send = (message: FromBot) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SHRUNK_YOUNG_GENERATION = 8 * 1024 * 1024;

/**
 * V8 keeps its young generation grown (up to 32 MB, empty after a collection) until a collection
 * finds the allocation rate low, so RSS would jump by that much at random. Collect once a second
 * while the bot idles until it has shrunk, then once more for what finalizers released.
 */
async function measure(): Promise<FromBot> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const youngGeneration = () =>
    getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  for (let tries = 0; tries < 20 && youngGeneration() > SHRUNK_YOUNG_GENERATION; tries++) {
    await sleep(1000);
    gc();
  }
  await sleep(200);
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { type: 'memory', rss, heapUsed };
}

async function main(): Promise<void> {
  const config = createConfig(process.env);
  const logFile = createWriteStream(process.env.SOAK_LOG_PATH ?? '/dev/null');
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets, destination: logFile });
  const app = await startApp({ config, logger });
  process.on('message', async (message: ToBot) => {
    if (message.type === 'measure') send(await measure());
    if (message.type === 'stop') {
      await app.stop();
      await new Promise<void>((resolve) => logFile.end(resolve));
      send({ type: 'stopped' });
      process.disconnect();
    }
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect();
});
