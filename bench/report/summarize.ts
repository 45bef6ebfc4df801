import type { BotMeasure } from '../bots/bot-api.js';
import { budgetLatencies } from '../lib/budget-bound.js';
import type { LimitModel } from '../lib/limit-model.js';
import { mean, percentile } from '../lib/percentile.js';
import type { AnswerRecord, TooManyByKind, WorldReport } from '../world/world-api.js';

/** Streamgram, the best-practice grammY bot (throttler + auto-retry + latest-wins edits), the naive bot. */
export type BotKind = 'streamgram' | 'grammy' | 'naive';

/** The global budget the budget floor is computed with: Telegram's ~30 messages per second. */
export const GLOBAL_PER_SECOND = 30;

export interface Quantiles {
  p50?: number;
  p95?: number;
  max?: number;
}

export interface RunSummary {
  bot: BotKind;
  scenario: string;
  limits: LimitModel;
  answers: number;
  exact: number;
  wrong: number;
  missing: number;
  /** Answers whose final text was not showing when the run ended (the cap). */
  unfinished: number;
  duplicatedAnswers: number;
  duplicateMessages: number;
  /** Question → the bot's model request, ms: how fast the bot takes a burst of questions in. */
  modelRequest: Quantiles;
  /** Model first token → first visible text, ms (answers that showed text). */
  firstVisible: Quantiles;
  /** p95 over every answer, one that showed nothing counting as endless; null when that is the p95. */
  firstVisibleP95All: number | null;
  /** What the global budget needs to show every answer's first text, given the first tokens' times. */
  firstVisibleAllowedMs: number;
  /** Model last token → complete final text, ms (finished answers only). */
  finalText: Quantiles;
  /** p95 over every answer, an unfinished one counting as endless; null when that is the p95. */
  finalTextP95All: number | null;
  finalTextPrivateP95?: number;
  finalTextGroupP95?: number;
  /** What the global budget needs to deliver every final, given the last tokens' times. */
  finalTextAllowedMs: number;
  updatesPerAnswer?: number;
  /** Visible updates per second of streaming (first to last token), averaged over answers. */
  updatesPerSecondStreaming?: number;
  maxContentCallsPerSecond: number;
  tooManyRequests: number;
  tooManyByKind: TooManyByKind;
  calls: number;
  tokens: number;
  cpuMs: number;
  /** Bot CPU share of one core over the measured window. */
  botCpuPercent: number;
  cpuMsPer1kTokens?: number;
  threads?: BotMeasure['threads'];
  /** Of `cpuMs`, the time in the kernel (system calls: sockets, timers). */
  cpuSystemMs: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  atPeakRss: BotMeasure['atPeakRss'];
  gc: BotMeasure['gc'];
  maxRssMb: number;
  cpuMsPerSecond: number[];
  botLoopDelayP99Ms: number;
  worldLoopDelayP99Ms: number;
  /** World CPU share of one core over the run, to tell a saturated emulator from a slow bot. */
  worldCpuPercent: number;
  elapsedMs: number;
  problems: string[];
}

const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value));

function quantiles(values: (number | undefined)[]): Quantiles {
  const result: Quantiles = {};
  const p50 = round(percentile(values, 50));
  const p95 = round(percentile(values, 95));
  const max = round(percentile(values, 100));
  if (p50 !== undefined) result.p50 = p50;
  if (p95 !== undefined) result.p95 = p95;
  if (max !== undefined) result.max = max;
  return result;
}

function allowedMs(times: (number | undefined)[]): number {
  const known = times.filter((time): time is number => time !== undefined);
  return Math.round(Math.max(0, ...budgetLatencies(known, GLOBAL_PER_SECOND)));
}

const minus = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a - b;

/** Nearest-rank p95 where a missing value counts as worse than any: null when it lands on one. */
function p95All(values: (number | undefined)[]): number | null {
  const value = percentile(
    values.map((v) => v ?? Number.POSITIVE_INFINITY),
    95,
  );
  return value === undefined || value === Number.POSITIVE_INFINITY ? null : Math.round(value);
}

export function summarizeRun(input: {
  bot: BotKind;
  scenario: string;
  limits: LimitModel;
  world: WorldReport;
  measure: BotMeasure;
  elapsedMs: number;
  /** From the questions to collection (the window of `world.worldCpuMs`). */
  collectedAfterMs: number;
}): RunSummary {
  const { world, measure } = input;
  const answers = world.answers;
  const count = (predicate: (answer: AnswerRecord) => boolean) => answers.filter(predicate).length;
  const finalOf = (answer: AnswerRecord) => minus(answer.completeAt, answer.lastTokenAt);
  const tokens = answers.reduce((sum, answer) => sum + answer.tokensSent, 0);
  const cpuMs = measure.cpuUserMs + measure.cpuSystemMs;
  const problems = [
    ...new Set(
      answers.filter((answer) => answer.problem !== undefined).map((answer) => answer.problem as string),
    ),
  ].slice(0, 5);

  const summary: RunSummary = {
    bot: input.bot,
    scenario: input.scenario,
    limits: input.limits,
    answers: answers.length,
    exact: count((answer) => answer.outcome === 'exact'),
    wrong: count((answer) => answer.outcome === 'wrong'),
    missing: count((answer) => answer.outcome === 'missing'),
    unfinished: count((answer) => answer.completeAt === undefined),
    duplicatedAnswers: count((answer) => answer.duplicates > 0),
    duplicateMessages: answers.reduce((sum, answer) => sum + answer.duplicates, 0),
    modelRequest: quantiles(answers.map((answer) => minus(answer.requestAt, world.askedAt))),
    firstVisible: quantiles(answers.map((answer) => minus(answer.firstVisibleAt, answer.firstTokenAt))),
    firstVisibleP95All: p95All(answers.map((answer) => minus(answer.firstVisibleAt, answer.firstTokenAt))),
    firstVisibleAllowedMs: allowedMs(answers.map((answer) => answer.firstTokenAt)),
    finalText: quantiles(answers.map(finalOf)),
    finalTextP95All: p95All(answers.map(finalOf)),
    finalTextAllowedMs: allowedMs(answers.map((answer) => answer.lastTokenAt)),
    maxContentCallsPerSecond: world.calls.maxContentCallsPerSecond,
    tooManyRequests: world.calls.tooManyRequests,
    tooManyByKind: world.calls.tooManyByKind,
    calls: world.calls.total,
    tokens,
    cpuMs,
    botCpuPercent: Math.round((cpuMs / Math.max(1, measure.wallMs)) * 100),
    ...(measure.threads ? { threads: measure.threads } : {}),
    cpuSystemMs: measure.cpuSystemMs,
    peakRssMb: measure.peakRssMb,
    peakHeapUsedMb: measure.peakHeapUsedMb,
    atPeakRss: measure.atPeakRss,
    gc: measure.gc,
    maxRssMb: measure.maxRssMb,
    cpuMsPerSecond: measure.cpuMsPerSecond,
    botLoopDelayP99Ms: measure.eventLoopDelayP99Ms,
    worldLoopDelayP99Ms: world.worldLoopDelayP99Ms,
    worldCpuPercent: Math.round((world.worldCpuMs / Math.max(1, input.collectedAfterMs)) * 100),
    elapsedMs: input.elapsedMs,
    problems,
  };
  const privateP95 = round(percentile(answers.filter((a) => a.chatType === 'private').map(finalOf), 95));
  const groupP95 = round(percentile(answers.filter((a) => a.chatType === 'group').map(finalOf), 95));
  if (privateP95 !== undefined) summary.finalTextPrivateP95 = privateP95;
  if (groupP95 !== undefined) summary.finalTextGroupP95 = groupP95;
  const updates = mean(answers.map((answer) => answer.updates));
  if (updates !== undefined) summary.updatesPerAnswer = Math.round(updates * 10) / 10;
  const rate = mean(
    answers.map((answer) => {
      const span = minus(answer.lastTokenAt, answer.firstTokenAt);
      return span === undefined || span <= 0 ? undefined : answer.updatesWhileStreaming / (span / 1000);
    }),
  );
  if (rate !== undefined) summary.updatesPerSecondStreaming = Math.round(rate * 100) / 100;
  if (tokens > 0) summary.cpuMsPer1kTokens = Math.round((cpuMs / tokens) * 1000);
  return summary;
}
