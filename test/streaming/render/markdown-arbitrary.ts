import fc from 'fast-check';

/** Words as models write them, including emoji, ZWJ sequences, CJK, RTL and markdown-ish bits. */
const word = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom('the', 'answer', 'is', 'streaming', 'Telegram', 'parts', 'code', 'a', 'of'),
  },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z]{1,12}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '🎉',
      '👨‍👩‍👧',
      '𝒳',
      '茶道',
      'שלום',
      'مرحبا',
      'e.g.',
      "don't",
      '2 * 3',
      'snake_case',
      'C#',
      '1.5',
    ),
  },
);

const words = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(word, { minLength: min, maxLength: max }).map((list) => list.join(' '));

const inlineSegment = fc.oneof(
  { weight: 8, arbitrary: words(1, 8) },
  { weight: 2, arbitrary: words(1, 4).map((text) => `**${text}**`) },
  { weight: 2, arbitrary: words(1, 4).map((text) => `*${text}*`) },
  { weight: 1, arbitrary: words(1, 3).map((text) => `~~${text}~~`) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z_.()]{1,16}$/).map((text) => `\`${text}\``) },
  {
    weight: 2,
    arbitrary: fc.tuple(words(1, 4), fc.nat(99)).map(([text, n]) => `[${text}](https://e.example/${n})`),
  },
  { weight: 1, arbitrary: words(1, 3).map((text) => `**bold *and ${text}* inside**`) },
);

const inline = (max: number): fc.Arbitrary<string> =>
  fc.array(inlineSegment, { minLength: 1, maxLength: max }).map((list) => list.join(' '));

const paragraph = fc.array(inline(6), { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n'));

const heading = fc
  .tuple(fc.integer({ min: 1, max: 3 }), inline(3))
  .map(([depth, text]) => `${'#'.repeat(depth)} ${text}`);

const codeLine = fc.stringMatching(/^[ a-zA-Z0-9_=(){};.,*`[\]<>#-]{0,40}$/);
const code = fc
  .tuple(fc.constantFrom('ts', 'python', '', 'c++'), fc.array(codeLine, { minLength: 1, maxLength: 30 }))
  .map(([language, lines]) => `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``);

const listItem = fc.oneof(
  { weight: 5, arbitrary: inline(4) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(inline(3), fc.array(inline(2), { minLength: 1, maxLength: 3 }))
      .map(([text, nested]) => `${text}\n${nested.map((item) => `  - ${item}`).join('\n')}`),
  },
);

const list = fc
  .tuple(
    fc.constantFrom('bullet', 'ordered', 'task'),
    fc.integer({ min: 1, max: 5 }),
    fc.array(listItem, { minLength: 1, maxLength: 8 }),
  )
  .map(([kind, start, items]) =>
    items
      .map((item, index) => {
        const marker =
          kind === 'ordered'
            ? `${start + index}. `
            : kind === 'task'
              ? `- [${index % 2 ? 'x' : ' '}] `
              : '- ';
        return marker + item.split('\n').join(`\n${' '.repeat(kind === 'ordered' ? marker.length - 2 : 0)}`);
      })
      .join('\n'),
  );

const quote = fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((paragraphs) =>
  paragraphs
    .map((p) =>
      p
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n'),
    )
    .join('\n>\n'),
);

const table = fc
  .tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 12 }))
  .chain(([columns, rows]) =>
    fc.array(fc.array(words(1, 3), { minLength: columns, maxLength: columns }), {
      minLength: rows + 1,
      maxLength: rows + 1,
    }),
  )
  .map((rows) => {
    const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
    return [line(rows[0]!), line(rows[0]!.map(() => '---')), ...rows.slice(1).map(line)].join('\n');
  });

const block = (withTables: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: paragraph },
    { weight: 1, arbitrary: heading },
    { weight: 2, arbitrary: code },
    { weight: 2, arbitrary: list },
    { weight: 1, arbitrary: quote },
    { weight: withTables ? 1 : 0, arbitrary: table },
    { weight: 1, arbitrary: fc.constant('---') },
  );

/** A Markdown answer of realistic blocks; tables repeat their header when split, so they are optional. */
export function markdownAnswer(options: { withTables: boolean; maxBlocks?: number }): fc.Arbitrary<string> {
  return fc
    .array(block(options.withTables), { minLength: 1, maxLength: options.maxBlocks ?? 12 })
    .map((blocks) => blocks.join('\n\n'));
}

/** Raw strings dense in Markdown syntax: for robustness, not for meaning. */
export const markdownNoise = fc
  .array(
    fc.constantFrom(
      '*',
      '**',
      '_',
      '`',
      '```',
      '~~',
      '[',
      ']',
      '(',
      ')',
      '>',
      '- ',
      '1. ',
      '#',
      '|',
      '\n',
      '\n\n',
      ' ',
      'word',
      'x',
      '🎉',
      '\\',
      '<',
      '&amp;',
      '||',
      'https://e.example',
      '    ',
      '---',
      '[x]: https://d.example',
    ),
    { maxLength: 120 },
  )
  .map((tokens) => tokens.join(''));
