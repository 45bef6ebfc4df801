/**
 * `npm run bench`: the delivery benchmark of issue 3. Streamgram (the whole bot, startApp) and a naive
 * baseline run the same loads against the Bot API emulator with Telegram-like limits and the fake
 * OpenAI server, each bot in a child process of its own and the emulator + model server in another, so
 * the bot's CPU and memory are measured alone. Prints a table per scenario; writes JSON to bench/results/.
 *
 * Flags: --quick (a shorter run), --only=id,id (scenario ids), --no-baseline.
 * BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each bot process there (open it in Chrome DevTools).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotHandlers } from './bots/bot-api.js';
import { BOT_NODE_FLAGS } from './lib/bot-node-flags.js';
import { bundleBot } from './lib/bundle-bot.js';
import { type Child, forkChild } from './lib/fork-child.js';
import { formatScenario } from './report/print-table.js';
import { type BotKind, type RunSummary, summarizeRun } from './report/summarize.js';
import type { TargetCheck } from './report/targets.js';
import { DEFAULT_SCENARIOS, planAnswers, QUICK_SCENARIOS, type Scenario } from './scenarios.js';
import type { AnswerPlan, WorldHandlers, WorldReport } from './world/world-api.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');
const BOT_SOURCES: Record<BotKind, string> = {
  streamgram: join(here, 'bots/streamgram-process.ts'),
  naive: join(here, 'bots/naive-process.ts'),
};
const buildDir = join(here, '.build');
/** Two short answers (a private chat and a group) before measuring; few tokens so the baseline gets through. */
const WARM_UP: AnswerPlan[] = (['private', 'group'] as const).map((chatType, i) => ({
  index: 1_000_000 + i,
  chatType,
  seed: 999_000 + i,
  chars: 400,
  tokensPerSecond: 20,
  firstTokenDelayMs: 0,
  tokenChars: 100,
}));
/** Late duplicates would show up within this long after the last final text. */
const SETTLE_MS = 1000;

interface Flags {
  quick: boolean;
  only: string[] | undefined;
  baseline: boolean;
}

function parseFlags(argv: string[]): Flags {
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  return {
    quick: argv.includes('--quick') || process.env.BENCH_QUICK === '1',
    only: only ? only.split(',').map((id) => id.trim()) : undefined,
    baseline: !argv.includes('--no-baseline'),
  };
}

interface RunOutcome {
  summary: RunSummary;
  world: WorldReport;
}

async function runOnce(
  bots: Record<BotKind, string>,
  world: Child<WorldHandlers>,
  scenario: Scenario,
  bot: BotKind,
  seedBase: number,
  scratch: string,
): Promise<RunOutcome> {
  const capMs = bot === 'naive' ? scenario.baselineCapMs : scenario.capMs;
  const endpoints = await world.rpc.call('start', {
    seed: seedBase,
    ...(scenario.randomFaults ? { randomFaults: scenario.randomFaults } : {}),
  });
  const cpuProfileDir = process.env.BENCH_CPU_PROF;
  const child = forkChild<BotHandlers>(bots[bot], bot, {
    nodeFlags: BOT_NODE_FLAGS,
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
  });
  try {
    await child.rpc.call(
      'start',
      {
        endpoints,
        databasePath: join(scratch, `${scenario.id}-${bot}.db`),
        logPath: join(resultsDir, 'logs', `${scenario.id}-${bot}.log`),
      },
      60_000,
    );
    await world.rpc.call('waitForPolling', { timeoutMs: 30_000 });
    // Module loading, JIT and first connections are not what a running bot spends per answer.
    await world.rpc.call('ask', { answers: WARM_UP, expectation: expectationOf(bot) });
    await world.rpc.call('waitDone', { capMs: 30_000, settleMs: 0 }, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await child.rpc.call('measureStart', {});
    const started = Date.now();
    await world.rpc.call('ask', {
      answers: planAnswers(scenario, seedBase),
      expectation: expectationOf(bot),
    });
    const done = await world.rpc.call('waitDone', { capMs, settleMs: 0 }, capMs + 30_000);
    const measure = await child.rpc.call('measureStop', {});
    const elapsedMs = done.allComplete ? done.elapsedMs : Date.now() - started;
    // Keep watching a moment: a duplicate sent after the last final must still be counted.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const report = await world.rpc.call('collect', {});
    const collectedAfterMs = Date.now() - started;
    return {
      summary: summarizeRun({
        bot,
        scenario: scenario.id,
        world: report,
        measure,
        elapsedMs,
        collectedAfterMs,
      }),
      world: report,
    };
  } finally {
    // Streamgram shuts down properly when it can; the baseline may be asleep in a flood wait.
    if (bot === 'streamgram') await child.rpc.call('stop', {}, 10_000).catch(() => {});
    await child.end(5_000);
    await world.rpc.call('stop', {}, 30_000);
  }
}

function expectationOf(bot: BotKind) {
  // The baseline sends the model's Markdown as plain text in one message; Streamgram renders it.
  return bot === 'naive' ? ('raw' as const) : ('rendered' as const);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const scenarios = (flags.quick ? QUICK_SCENARIOS : DEFAULT_SCENARIOS).filter(
    (scenario) => flags.only === undefined || flags.only.includes(scenario.id),
  );
  if (scenarios.length === 0) throw new Error(`no scenario matches --only=${flags.only?.join(',')}`);
  mkdirSync(join(resultsDir, 'logs'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'streamgram-bench-'));
  const benchStarted = Date.now();
  const bots: Record<BotKind, string> = {
    streamgram: await bundleBot(BOT_SOURCES.streamgram, join(buildDir, 'streamgram-bot.mjs')),
    naive: await bundleBot(BOT_SOURCES.naive, join(buildDir, 'naive-bot.mjs')),
  };
  const world = forkChild<WorldHandlers>(join(here, 'world/world-process.ts'), 'world');
  const blocks: string[] = [];
  const results: {
    scenario: Scenario;
    streamgram: RunOutcome;
    naive?: RunOutcome;
    checks: TargetCheck[];
  }[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  console.log(
    `Streamgram delivery benchmark (${flags.quick ? 'quick' : 'full'} run), ${scenarios.length} scenarios; ` +
      `${cpus().length} cores, load average ${loadAtStart.toFixed(1)}`,
  );
  const errors: string[] = [];
  try {
    for (const [position, scenario] of scenarios.entries()) {
      const seedBase = (position + 1) * 10_000;
      console.log(`\n… ${scenario.id}: Streamgram`);
      let streamgram: RunOutcome;
      let naive: RunOutcome | undefined;
      try {
        streamgram = await runOnce(bots, world, scenario, 'streamgram', seedBase, scratch);
        if (scenario.baseline && flags.baseline) {
          console.log(`… ${scenario.id}: naive baseline (cap ${scenario.baselineCapMs / 1000} s)`);
          naive = await runOnce(bots, world, scenario, 'naive', seedBase, scratch);
        }
      } catch (error) {
        // One broken scenario (a child that died, a timeout) must not cost the figures of the others.
        const message = error instanceof Error ? error.message : String(error);
        console.error(`${scenario.id} failed: ${message}`);
        errors.push(`${scenario.id}: ${message}`);
        continue;
      }
      const { text, checks } = formatScenario(
        scenario,
        streamgram.summary,
        naive?.summary,
        scenario.baselineCapMs,
      );
      console.log(`\n${text}`);
      blocks.push(text);
      results.push({ scenario, streamgram, ...(naive ? { naive } : {}), checks });
    }
  } finally {
    await world.end(10_000);
    rmSync(scratch, { recursive: true, force: true });
  }

  const failed = results.flatMap((result) =>
    result.checks.filter((check) => !check.pass).map((check) => `${result.scenario.id} ${check.row}`),
  );
  const totalSeconds = ((Date.now() - benchStarted) / 1000).toFixed(0);
  console.log(
    `\nTargets: ${results.reduce((n, r) => n + r.checks.length, 0) - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}. ` +
      `Total ${totalSeconds} s; load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end (other work on the machine skews the figures).`,
  );
  const stamp = new Date(benchStarted).toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(
    {
      startedAt: new Date(benchStarted).toISOString(),
      durationSeconds: Number(totalSeconds),
      quick: flags.quick,
      node: process.version,
      cores: cpus().length,
      loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
      errors,
      results,
      table: blocks.join('\n\n'),
    },
    null,
    2,
  );
  writeFileSync(join(resultsDir, `delivery-${stamp}.json`), json);
  writeFileSync(join(resultsDir, 'delivery-latest.json'), json);
  console.log(`Results: bench/results/delivery-${stamp}.json`);
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
