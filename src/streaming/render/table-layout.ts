import type { AlignType } from 'mdast';
import { displayWidth } from './display-width.js';

function pad(cell: string, width: number, align: AlignType | undefined): string {
  const gap = Math.max(0, width - displayWidth(cell));
  if (align === 'right') return ' '.repeat(gap) + cell;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + cell + ' '.repeat(gap - left);
  }
  return cell + ' '.repeat(gap);
}

/**
 * Lays a table out as monospace lines: padded columns, `│` between them, a `─┼─` rule under the
 * header. Returns one string per line so callers can find where each row starts.
 */
export function layoutTable(rows: string[][], align: readonly (AlignType | undefined)[]): string[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths: number[] = [];
  for (let column = 0; column < columns; column++) {
    widths.push(Math.max(1, ...rows.map((row) => displayWidth(row[column] ?? ''))));
  }
  const line = (row: string[]): string =>
    widths
      .map((width, column) => pad(row[column] ?? '', width, align[column] ?? undefined))
      .join(' │ ')
      .trimEnd();
  const lines = rows.map(line);
  if (lines.length > 0) lines.splice(1, 0, widths.map((width) => '─'.repeat(width)).join('─┼─'));
  return lines;
}
