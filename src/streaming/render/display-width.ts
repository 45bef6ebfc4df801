import { madeOnFirstUse } from '../../made-on-first-use.js';

// Most answers never need a grapheme boundary.
const segmenter = madeOnFirstUse(() => new Intl.Segmenter(undefined, { granularity: 'grapheme' }));
const graphemes = (value: string) => segmenter().segment(value);

// Ranges that monospace fonts draw two cells wide (East Asian Wide/Fullwidth and common emoji blocks).
const WIDE_RANGES: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;

function isWide(codePoint: number): boolean {
  for (const [low, high] of WIDE_RANGES) {
    if (codePoint >= low && codePoint <= high) return true;
  }
  return false;
}

/** Approximate cells a string takes in a monospace font: wide CJK and emoji count 2, marks 0. */
export function displayWidth(value: string): number {
  // Printable ASCII: one cell per character.
  if (/^[\x20-\x7e]*$/.test(value)) return value.length;
  let width = 0;
  for (const { segment } of graphemes(value)) {
    if (ZERO_WIDTH.test(segment)) continue;
    const first = segment.codePointAt(0) ?? 0;
    width += isWide(first) || EMOJI_PRESENTATION.test(segment) ? 2 : 1;
  }
  return width;
}

/** Offsets (UTF-16) where a grapheme starts, so cuts never split an emoji, ZWJ sequence or pair. */
export function isGraphemeBoundary(value: string, index: number): boolean {
  if (index <= 0 || index >= value.length) return true;
  const code = value.charCodeAt(index);
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  // Between two ASCII characters there is always a boundary (CR LF aside).
  const before = value.charCodeAt(index - 1);
  if (code < 0x80 && before < 0x80) return !(before === 0x0d && code === 0x0a);
  const from = Math.max(0, index - 32);
  const to = Math.min(value.length, index + 32);
  for (const { index: start } of graphemes(value.slice(from, to))) {
    if (start + from === index) return true;
    if (start + from > index) return false;
  }
  return false;
}
