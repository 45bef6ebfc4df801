import type { LimitModel } from '../lib/limit-model.js';
import type { BotKind, RunSummary } from './summarize.js';

export interface OverviewRow {
  scenario: string;
  limits: LimitModel;
  runs: Partial<Record<BotKind, RunSummary>>;
}

const ORDER: readonly BotKind[] = ['streamgram', 'grammy', 'naive'];

function cells(s: RunSummary): string[] {
  const k = s.tooManyByKind;
  const seconds = (ms: number | null) =>
    ms === null ? 'never' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
  return [
    `${s.exact}/${s.answers}`,
    seconds(s.firstVisibleP95All),
    seconds(s.finalTextP95All),
    `${s.tooManyRequests} (${k.global}/${k.privateChat}/${k.groupChat})`,
    s.cpuMsPer1kTokens === undefined ? '-' : `${s.cpuMsPer1kTokens}`,
    `${s.peakRssMb}`,
  ];
}

/**
 * The figures the README's benchmark table shows, one line per scenario, model and bot, so the
 * whole run reads at a glance (the per-scenario tables carry everything else).
 */
export function formatOverview(rows: readonly OverviewRow[]): string {
  const header = [
    'scenario',
    'model',
    'bot',
    'exact',
    'first p95',
    'final p95',
    '429s (bot-wide/private/group)',
    'CPU ms/1k tok',
    'peak RSS MB',
  ];
  const lines = rows.flatMap((row) =>
    ORDER.flatMap((bot) => {
      const summary = row.runs[bot];
      return summary === undefined ? [] : [[row.scenario, row.limits, bot, ...cells(summary)]];
    }),
  );
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => (line[column] ?? '').length)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return ['## Overview', render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join(
    '\n',
  );
}
