import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdownFully } from '../../../src/streaming/render/parse-markdown.js';
import { parsePlainMarkdown } from '../../../src/streaming/render/parse-plain-markdown.js';
import { markdownAnswer, markdownNoise } from './markdown-arbitrary.js';

/** Pieces of plain answers and of everything that could make a line or a delimiter mean more. */
const piece = fc.constantFrom(
  'word',
  'Stream',
  'a',
  ' ',
  ' ',
  '.',
  ', ',
  '(',
  ')',
  '!',
  '?',
  ':',
  '"',
  "'",
  '-',
  '#',
  '2024',
  '1.',
  '**',
  '*',
  '***',
  '_',
  '__',
  'snake_case',
  '`',
  '``',
  '`code_1`',
  '**bold**',
  '🎉',
  '𝒳',
  '茶道',
  '\u00a0',
  '\u3000',
  '—',
  '>',
  '=',
  '+',
  '$',
);
const inline = fc.array(piece, { minLength: 0, maxLength: 12 }).map((pieces) => pieces.join(''));
const lineStart = fc.constantFrom(
  '',
  '',
  '',
  '- ',
  '## ',
  '# ',
  '1. ',
  '* ',
  '> ',
  '  ',
  '    ',
  '---',
  '===',
);
const line = fc.tuple(lineStart, inline).map(([start, text]) => start + text);
const nearPlain = fc.tuple(fc.array(line, { minLength: 1, maxLength: 8 }), fc.nat()).map(([lines, cut]) => {
  const doc = lines.join('\n');
  // Streaming frames end anywhere: cut at any point, including mid-delimiter.
  return doc.slice(0, 1 + (cut % doc.length));
});

const plainWords = fc
  .array(
    fc.constantFrom(
      'The',
      'stream',
      'edits',
      'a',
      'draft.',
      'now,',
      '**bold**',
      '`code_1`',
      '(aside)',
      '🎉',
      '茶道',
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((words) => words.join(' '));

/** Answers shaped like a model's: a heading, paragraphs and lists with bold and code. */
const plainAnswer = fc
  .array(
    fc.oneof(
      fc.array(plainWords, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
      fc
        .array(plainWords, { minLength: 1, maxLength: 4 })
        .map((items) => items.map((item) => `- ${item}`).join('\n')),
      plainWords.map((text) => `## ${text}`),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((blocks) => blocks.join('\n\n'));
const plainFrame = fc.tuple(plainAnswer, fc.nat()).map(([doc, cut]) => doc.slice(0, 1 + (cut % doc.length)));

function expectSameAsMicromark(markdown: string): boolean {
  const plain = parsePlainMarkdown(markdown);
  if (plain) expect(plain).toEqual(parseMarkdownFully(markdown));
  return plain !== undefined;
}

describe('parsePlainMarkdown', () => {
  it('parses headings, paragraphs and tight lists with strong and code exactly as micromark does', () => {
    const answer =
      '## Answer 12\n\nThe **budget** holds `edit_3` while a stream **waits**.\nA second line, 🎉 and 茶道.\n\n' +
      '- one **item**\n- two `code_4` items\n\nEnd of **the `x` answer** here.';
    for (let end = 1; end <= answer.length; end++) expectSameAsMicromark(answer.slice(0, end));
    expect(parsePlainMarkdown(answer)).toBeDefined();
    for (const text of [
      'a **b** c **d',
      '**a **b** c**',
      'snake_case and 2 * 3',
      'x **`c`** y',
      'text  ',
      '- a\n# h',
      'a\n- b\n\nc',
      '- a\n\n- b\n- c',
      '- a\n- b\n\n',
    ]) {
      expect(expectSameAsMicromark(text), text).toBe(true);
    }
  });

  it('leaves to micromark whatever could mean more than it handles', () => {
    const others = [
      '_em_',
      '*em*',
      'a**b**c',
      'a  \nb',
      '- a\nlazy',
      '1. x',
      '> quote',
      '```ts',
      '    code',
      'Title\n===',
      '[link](https://e.example)',
      'see www.e.example',
      'a\\*',
      '&amp;',
      '``a``',
      '`a`` b`',
      '- ',
      '~~x~~',
      'a | b',
      'an _opener',
    ];
    for (const text of others) expect(parsePlainMarkdown(text), text).toBeUndefined();
  });

  it('agrees with micromark on random text wherever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.oneof(nearPlain, plainFrame, markdownAnswer({ withTables: true }), markdownNoise),
        (markdown) => {
          if (expectSameAsMicromark(markdown)) answered++;
        },
      ),
      { numRuns: 3000 },
    );
    // Enough of the texts are answered for the comparison to mean something.
    expect(answered).toBeGreaterThan(300);
  });

  it('answers for most frames of answers written plainly (else it saves nothing)', () => {
    let answered = 0;
    fc.assert(
      fc.property(plainFrame, (markdown) => {
        if (expectSameAsMicromark(markdown)) answered++;
      }),
      { numRuns: 500 },
    );
    expect(answered).toBeGreaterThan(250);
  });
});
