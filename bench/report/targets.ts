import type { TargetSet } from '../scenarios.js';
import type { RunSummary } from './summarize.js';

/** One target of issue 3, judged on Streamgram's figures. */
export interface TargetCheck {
  /** The row of the table it belongs to. */
  row: RowKey;
  target: string;
  pass: boolean;
}

export type RowKey =
  | 'answers'
  | 'duplicates'
  | 'firstVisible'
  | 'finalText'
  | 'updatesPerSecond'
  | 'tooManyRequests'
  | 'cpu'
  | 'rss';

/** The best peer's CPU cost in the issue's own measurements (110–150 ms per 1,000 tokens). */
export const PEER_CPU_MS_PER_1K_TOKENS = 150;
export const RSS_LIMIT_MB = 250;

export function checkTargets(set: TargetSet, s: RunSummary): TargetCheck[] {
  const exact = s.exact === s.answers && s.unfinished === 0;
  const noDuplicates = s.duplicateMessages === 0;
  switch (set) {
    case 'single-private':
      return [
        { row: 'answers', target: 'exact', pass: exact },
        { row: 'firstVisible', target: 'p95 <= 50 ms', pass: (s.firstVisible.p95 ?? Infinity) <= 50 },
        { row: 'finalText', target: 'p95 <= 1100 ms', pass: (s.finalText.p95 ?? Infinity) <= 1100 },
        {
          row: 'updatesPerSecond',
          target: 'about 1/s',
          pass: s.updatesPerSecondStreaming !== undefined && Math.abs(s.updatesPerSecondStreaming - 1) <= 0.3,
        },
      ];
    case 'delivery':
    case 'concurrent':
    case 'concurrent-500': {
      const checks: TargetCheck[] = [
        { row: 'answers', target: 'all exact', pass: exact },
        { row: 'duplicates', target: '0', pass: noDuplicates },
        {
          row: 'firstVisible',
          target: `p95 <= ${fmtSeconds(s.firstVisibleAllowedMs + 1000)}`,
          pass: (s.firstVisible.p95 ?? Infinity) <= s.firstVisibleAllowedMs + 1000,
        },
        {
          row: 'finalText',
          target: `p95 <= ${fmtSeconds(s.finalTextAllowedMs + 1000)}`,
          pass: (s.finalText.p95 ?? Infinity) <= s.finalTextAllowedMs + 1000,
        },
        { row: 'tooManyRequests', target: '0', pass: s.tooManyRequests === 0 },
      ];
      if (set !== 'delivery') {
        checks.push({
          row: 'cpu',
          target: `<= ${PEER_CPU_MS_PER_1K_TOKENS}`,
          pass: (s.cpuMsPer1kTokens ?? Infinity) <= PEER_CPU_MS_PER_1K_TOKENS,
        });
      }
      if (set === 'concurrent-500') {
        checks.push({ row: 'rss', target: `< ${RSS_LIMIT_MB} MB`, pass: s.peakRssMb < RSS_LIMIT_MB });
      }
      return checks;
    }
    case 'faults':
      return [
        { row: 'answers', target: 'all exact', pass: exact },
        { row: 'duplicates', target: '0', pass: noDuplicates },
      ];
    case 'none':
      return [];
  }
}

export function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
