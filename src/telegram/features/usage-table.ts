import type { ModelPrice } from '../../config.js';
import { estimateCost } from '../../conversation/estimate-cost.js';
import { madeOnFirstUse } from '../../made-on-first-use.js';
import type { ModelTotals } from '../../storage/usage.js';

export interface UsageSection {
  title: string;
  byModel: readonly ModelTotals[];
}

export interface UsageTable {
  /** Monospace text for a `pre` entity. */
  table: string;
  /** Requests without a usage report, over all sections' models (the widest section). */
  unreported: number;
  /** True when some cost was estimated. */
  costShown: boolean;
}

const LABEL_WIDTH = 18;
// For /usage only.
const integer = madeOnFirstUse(() => new Intl.NumberFormat('en-US'));
const cents = madeOnFirstUse(
  () => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
);

export function formatTokens(value: number | null): string {
  return value === null ? '?' : integer().format(value);
}

export function formatCost(dollars: number): string {
  if (dollars === 0) return '$0';
  if (dollars < 0.01) return `$${dollars.toFixed(4)}`;
  if (dollars < 1) return `$${dollars.toFixed(3)}`;
  return `$${cents().format(dollars)}`;
}

type Row = [label: string, input: string, output: string, cost: string];

/**
 * Token totals per model as a compact table: input (cached and cache-written input on their own
 * lines), output (reasoning on its own line), and the estimated cost where the model has a price.
 */
export function renderUsageTable(
  sections: readonly UsageSection[],
  prices: ReadonlyMap<string, ModelPrice>,
): UsageTable {
  const costShown = sections.some((section) =>
    section.byModel.some((totals) => prices.has(`${totals.provider}:${totals.model}`)),
  );
  const lines: (Row | string)[] = [['', 'input', 'output', costShown ? 'cost' : '']];
  let unreported = 0;
  for (const [index, section] of sections.entries()) {
    if (index > 0) lines.push('');
    lines.push(section.title);
    if (section.byModel.length === 0) {
      lines.push('  no usage');
      continue;
    }
    unreported = Math.max(
      unreported,
      section.byModel.reduce((sum, totals) => sum + totals.unreportedRequests, 0),
    );
    const ambiguous = new Set(
      section.byModel
        .map((totals) => totals.model)
        .filter((model, index, all) => all.indexOf(model) !== index),
    );
    const costs: (number | undefined)[] = [];
    for (const totals of section.byModel) {
      const price = prices.get(`${totals.provider}:${totals.model}`);
      const cost = price ? estimateCost(totals, price) : undefined;
      costs.push(cost);
      const label = ambiguous.has(totals.model) ? `${totals.provider}:${totals.model}` : totals.model;
      lines.push([
        label,
        formatTokens(totals.inputTokens),
        formatTokens(totals.outputTokens),
        cost === undefined ? (costShown ? '—' : '') : formatCost(cost),
      ]);
      if (totals.cachedInputTokens) lines.push(['  cached', formatTokens(totals.cachedInputTokens), '', '']);
      if (totals.cacheWriteTokens)
        lines.push(['  cache write', formatTokens(totals.cacheWriteTokens), '', '']);
      if (totals.reasoningTokens) lines.push(['  reasoning', '', formatTokens(totals.reasoningTokens), '']);
    }
    if (section.byModel.length > 1) {
      const allPriced = costs.every((cost) => cost !== undefined);
      lines.push([
        'total',
        formatTokens(sumKnown(section.byModel.map((totals) => totals.inputTokens))),
        formatTokens(sumKnown(section.byModel.map((totals) => totals.outputTokens))),
        allPriced
          ? formatCost(costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0))
          : costShown
            ? '—'
            : '',
      ]);
    }
  }
  return { table: layout(lines), unreported, costShown };
}

function sumKnown(values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : known.reduce((sum, value) => sum + value, 0);
}

function truncate(label: string, width: number): string {
  return label.length <= width ? label : `${label.slice(0, width - 1)}…`;
}

/** Label left-aligned, the other columns right-aligned, two spaces apart; trailing spaces trimmed. */
export function layout(lines: readonly (readonly string[] | string)[], labelWidth = LABEL_WIDTH): string {
  const rows = lines
    .filter((line): line is readonly string[] => typeof line !== 'string')
    .map((row) => row.map((cell, column) => (column === 0 ? truncate(cell, labelWidth) : cell)));
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  let next = 0;
  return lines
    .map((line) => {
      if (typeof line === 'string') return line;
      const row = rows[next++] ?? [];
      return row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd();
    })
    .join('\n');
}
