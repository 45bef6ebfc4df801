import { LIMIT_MODEL_TITLE, type LimitModel } from '../lib/limit-model.js';
import type { Scenario } from '../scenarios.js';
import type { BotKind, RunSummary } from './summarize.js';
import { checkTargets, fmtSeconds, type RowKey, type TargetCheck } from './targets.js';

const ms = (value: number | undefined) => (value === undefined ? '-' : `${value}`);
const pair = (a: number | undefined, b: number | undefined) => `${ms(a)} / ${ms(b)}`;
/** p50 of those that got there / p95 over all answers (`never`: the p95 answer did not get there). */
const latency = (p50: number | undefined, p95All: number | null) => `${ms(p50)} / ${p95All ?? 'never'}`;

interface Row {
  key: RowKey | 'other';
  label: string;
  value(summary: RunSummary): string;
}

const ROWS: Row[] = [
  {
    key: 'answers',
    label: 'answers exact / wrong / missing',
    value: (s) => `${s.exact} / ${s.wrong} / ${s.missing}`,
  },
  { key: 'other', label: 'not finished at the end', value: (s) => `${s.unfinished}` },
  { key: 'duplicates', label: 'duplicate messages', value: (s) => `${s.duplicateMessages}` },
  {
    key: 'other',
    label: 'model request after question p50 / p95 ms',
    value: (s) => pair(s.modelRequest.p50, s.modelRequest.p95),
  },
  {
    key: 'firstVisible',
    label: 'first text after first token p50 / p95 ms',
    value: (s) => latency(s.firstVisible.p50, s.firstVisibleP95All),
  },
  {
    key: 'other',
    label: '  global budget needs (all first texts)',
    value: (s) => fmtSeconds(s.firstVisibleAllowedMs),
  },
  {
    key: 'finalText',
    label: 'final text after last token p50 / p95 ms',
    value: (s) => latency(s.finalText.p50, s.finalTextP95All),
  },
  {
    key: 'other',
    label: '  p95 private / group ms',
    value: (s) => pair(s.finalTextPrivateP95, s.finalTextGroupP95),
  },
  {
    key: 'other',
    label: '  global budget needs (all finals)',
    value: (s) => fmtSeconds(s.finalTextAllowedMs),
  },
  { key: 'other', label: 'visible updates per answer', value: (s) => ms(s.updatesPerAnswer) },
  {
    key: 'updatesPerSecond',
    label: 'visible updates/s per answer (streaming)',
    value: (s) => ms(s.updatesPerSecondStreaming),
  },
  {
    key: 'other',
    label: 'bot-wide sends+edits+drafts, max in 1 s',
    value: (s) => `${s.maxContentCallsPerSecond}`,
  },
  { key: 'tooManyRequests', label: '429s received', value: (s) => `${s.tooManyRequests}` },
  {
    key: 'other',
    label: '  bot-wide / private / group (/ injected)',
    value: ({ tooManyByKind: k }) =>
      `${k.global} / ${k.privateChat} / ${k.groupChat}${k.injected > 0 ? ` / ${k.injected}` : ''}`,
  },
  { key: 'other', label: 'Bot API calls', value: (s) => `${s.calls}` },
  { key: 'cpu', label: 'bot CPU ms per 1,000 tokens', value: (s) => ms(s.cpuMsPer1kTokens) },
  { key: 'other', label: '  tokens streamed / bot CPU ms', value: (s) => `${s.tokens} / ${s.cpuMs}` },
  {
    key: 'other',
    label: '  CPU ms main thread / other threads; in kernel',
    value: ({ threads: t, cpuSystemMs }) => `${t ? `${t.mainMs} / ${t.otherMs}` : '-'}; ${cpuSystemMs}`,
  },
  {
    key: 'other',
    label: '  GC young / full: count, pause ms',
    value: ({ gc: g }) => `${g.youngCount}, ${g.youngMs} / ${g.fullCount}, ${g.fullMs}`,
  },
  { key: 'rss', label: 'bot peak RSS MB (sampled)', value: (s) => `${s.peakRssMb}` },
  { key: 'other', label: '  peak heap used MB', value: (s) => `${s.peakHeapUsedMb}` },
  {
    key: 'other',
    label: '  at peak RSS: heap total / external / buffers',
    value: ({ atPeakRss: m }) => `${m.heapTotalMb} / ${m.externalMb} / ${m.arrayBuffersMb}`,
  },
  {
    key: 'other',
    label: 'CPU of one core % bot / world',
    value: (s) => `${s.botCpuPercent} / ${s.worldCpuPercent}`,
  },
  {
    key: 'other',
    label: 'event-loop delay p99 ms bot / world',
    value: (s) => pair(s.botLoopDelayP99Ms, s.worldLoopDelayP99Ms),
  },
  { key: 'other', label: 'wall time s', value: (s) => (s.elapsedMs / 1000).toFixed(1) },
];

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

const BOT_TITLE: Record<BotKind, string> = { streamgram: 'Streamgram', grammy: 'grammY', naive: 'naive' };

/**
 * One block per scenario and limit model: Streamgram, the baselines beside it (each with the cap it
 * was stopped at), and each target with MET or NOT MET.
 */
export function formatScenario(
  scenario: Scenario,
  limits: LimitModel,
  runs: Partial<Record<BotKind, RunSummary>>,
): { text: string; checks: TargetCheck[] } {
  const streamgram = runs.streamgram;
  const checks = streamgram ? checkTargets(scenario.targets, streamgram, runs.grammy) : [];
  const shown = (['streamgram', 'grammy', 'naive'] as const).flatMap((bot) => {
    const summary = runs[bot];
    if (summary === undefined) return [];
    const cap = bot === 'streamgram' ? undefined : scenario.baselines[bot];
    return [
      { title: cap === undefined ? BOT_TITLE[bot] : `${BOT_TITLE[bot]} (cap ${cap / 1000} s)`, summary },
    ];
  });
  const header = ['', ...shown.map((bot) => bot.title), 'target'];
  const lines = ROWS.map((row) => {
    const targetCells = checks
      .filter((check) => check.row === row.key)
      .map((check) => `${check.target} ${check.pass ? 'MET' : 'NOT MET'}`);
    return [row.label, ...shown.map((bot) => row.value(bot.summary)), targetCells.join('; ')];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => (line[column] ?? '').length)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, column) => pad(cell, widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const text = [
    `## ${scenario.id} [${limits}]: ${scenario.title}; first token after ${scenario.firstTokenDelayMs} ms`,
    `   limits: ${LIMIT_MODEL_TITLE[limits]}`,
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...lines.map(render),
    ...shown
      .filter((bot) => bot.summary.problems.length > 0)
      .map((bot) => `${bot.title} problems: ${bot.summary.problems.join('; ')}`),
  ].join('\n');
  return { text, checks };
}
