/**
 * `npm run bench:instances`: the same load answered by 1, 2 and 3 Streamgram processes sharing one
 * bot (PostgreSQL inbox, Redis budget, webhook behind a round-robin front) under the strict limit
 * model. The Telegram budget belongs to the token, so delivered calls per second should stay at it
 * and latency should not grow as instances are added. Flags: `--instances=1,2,3`, `--answers=N`,
 * `--no-reference` (skips the first row: one process without DATABASE_URL and REDIS_URL).
 */
import { findPostgresBinaries, startPostgresServer } from '../test/support/postgres-server.js';
import { redisAvailable, startTestRedis } from '../test/support/redis-server.js';
import type { CpuShares } from './instances/cpu-sampler.js';
import { type InstancesResult, runInstances } from './instances/run-instances.js';

const flag = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

async function main(): Promise<void> {
  const counts = (flag('instances') ?? '1,2,3').split(',').map(Number);
  const answers = Number(flag('answers') ?? '100');
  if (counts.some((count) => !Number.isInteger(count) || count < 1) || !(answers >= 2))
    throw new Error('use --instances=1,2,3 and --answers=N (N >= 2)');
  if (findPostgresBinaries() === undefined || !redisAvailable())
    throw new Error('needs Debian postgresql and redis-server (see .ci/run)');
  const groups = Math.round(answers * 0.3);
  const load = { privateChats: answers - groups, groups, answerChars: 600, tokensPerSecond: 30 };
  console.log(
    `load: ${answers} answers at once (${load.privateChats} private chats, ${groups} groups), ` +
      `${load.answerChars} characters at ${load.tokensPerSecond} tokens/s; strict limit model`,
  );
  const postgres = await startPostgresServer();
  const redis = await startTestRedis();
  const results: InstancesResult[] = [];
  try {
    const runs = [
      // The reference: one process as deployed without DATABASE_URL and REDIS_URL.
      ...(process.argv.includes('--no-reference') ? [] : [{ instances: 1, shared: false }]),
      ...counts.map((instances) => ({ instances, shared: true })),
    ];
    for (const run of runs) {
      results.push(await runInstances({ ...run, load, postgres, redis, timeoutMs: 180_000 }));
      console.log(formatRow(results.at(-1) as InstancesResult));
      console.log(`  ${formatBreakdown(results.at(-1) as InstancesResult)}`);
    }
  } finally {
    await redis.close();
    await postgres.destroy();
  }
  console.log(`\n${HEADER}\n${results.map(formatRow).join('\n')}`);
  console.log(`\nwhere the time and the CPU went:\n${results.map(formatBreakdown).join('\n')}`);
}

const HEADER =
  'instances | updates taken | exact | 429 (bot-wide / private / group) | delivered calls/s | peak in 1 s | first text p50 / p95 ms | final p50 / p95 ms | load took';

const ms = (value: number | undefined) => (value === undefined ? 'never' : String(Math.round(value)));

function formatRow(result: InstancesResult): string {
  return [
    result.shared ? `${result.instances} shared` : '1 alone (SQLite, polling)',
    result.ingestMs === undefined ? '-' : `${(result.ingestMs / 1000).toFixed(1)} s`,
    `${result.exact}/${result.answers}`,
    `${result.tooManyRequests} (${result.tooManyByKind})`,
    result.callsPerSecond.toFixed(1),
    result.peakPerSecond,
    `${ms(result.firstText.p50)} / ${ms(result.firstText.p95)}`,
    `${ms(result.final.p50)} / ${ms(result.final.p95)}`,
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ].join(' | ');
}

/**
 * Why latency differs between rows: intake (question -> update taken, i.e. stored in the inbox) vs
 * the bot's own work (taken -> first text), and CPU seconds per process over the load (% of one core).
 */
function formatBreakdown(result: InstancesResult): string {
  const name = result.shared ? `${result.instances} shared` : '1 alone';
  const intake = result.intakeCpu === undefined ? '' : `; until all taken: ${formatCpu(result.intakeCpu)}`;
  return (
    `${name}: taken p50 / p95 ${ms(result.taken.p50)} / ${ms(result.taken.p95)} ms, ` +
    `taken -> first text ${ms(result.takenToFirstText.p50)} / ${ms(result.takenToFirstText.p95)} ms; ` +
    `whole load: ${formatCpu(result.cpu)}${intake}` +
    (result.pg === undefined
      ? ''
      : `; PostgreSQL: ${result.pg.commits} transactions, ${result.pg.rowsFetched} rows fetched`)
  );
}

function formatCpu(shares: CpuShares): string {
  const seconds = shares.windowMs / 1000;
  const groups = Object.entries(shares.byGroup)
    .filter(([, spent]) => spent >= 50)
    .map(
      ([group, spent]) => `${group} ${(spent / 1000).toFixed(1)} s (${Math.round(spent / 10 / seconds)} %)`,
    )
    .join(', ');
  return `CPU over ${seconds.toFixed(1)} s: ${groups}; machine busy ${Math.round(shares.machineBusyPercent)} %`;
}

main().then(
  // Sockets of the processes' HTTP clients may linger; the figures are printed, so end here.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
