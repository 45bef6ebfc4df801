import { describe, expect, it } from 'vitest';
import { plainTextParts, renderMarkdown } from '../../../src/streaming/render/index.js';
import { describeEntities, entityText, expectValid } from './support.js';

const final = { final: true };

describe('renderMarkdown: blocks', () => {
  it('turns headings into bold lines and separates paragraphs by one blank line', () => {
    const out = renderMarkdown('# Title\n\nFirst paragraph\nsecond line.\n\n\n\nAnother one.', final);
    expect(out.text).toBe('Title\n\nFirst paragraph\nsecond line.\n\nAnother one.');
    expect(describeEntities(out)).toEqual(['bold:Title']);
  });

  it('renders bullet, numbered, nested and task lists', () => {
    const out = renderMarkdown(
      '- one\n- two\n  - nested **bold**\n    1. deep\n\n3. three\n4. four\n\n- [ ] todo\n- [x] done',
      final,
    );
    expect(out.text).toBe(
      '• one\n• two\n  • nested bold\n    1. deep\n\n3. three\n4. four\n\n☐ todo\n☑ done',
    );
    expect(describeEntities(out)).toEqual(['bold:bold']);
  });

  it('numbers ordered lists from their start and keeps a task box after the number', () => {
    expect(renderMarkdown('7. seven\n8. eight\n9. [x] nine', final).text).toBe(
      '7. seven\n8. eight\n9. ☑ nine',
    );
  });

  it('puts code in a pre entity with its language, only when the language is a plain token', () => {
    const out = renderMarkdown(
      '```ts\nconst a = 1;\n```\n\n```weird lang!\nx\n```\n\n```{.py}\ny\n```',
      final,
    );
    expect(out.text).toBe('const a = 1;\n\nx\n\ny');
    expect(out.entities).toEqual([
      { type: 'pre', offset: 0, length: 12, language: 'ts' },
      { type: 'pre', offset: 14, length: 1, language: 'weird' },
      { type: 'pre', offset: 17, length: 1 },
    ]);
  });

  it('keeps indentation inside code and renders indented code blocks', () => {
    const out = renderMarkdown('Text:\n\n    def f():\n        return 1\n', final);
    expect(out.text).toBe('Text:\n\ndef f():\n    return 1');
    expect(describeEntities(out)).toEqual(['pre:def f():\n    return 1']);
  });

  it('places code inside a list item on its own lines, not indented', () => {
    const out = renderMarkdown('1. Run:\n   ```sh\n   npm test\n   ```\n2. Done', final);
    expect(out.text).toBe('1. Run:\nnpm test\n2. Done');
    expect(out.entities).toEqual([{ type: 'pre', offset: 8, length: 8, language: 'sh' }]);
  });

  it('shows a block quote as one blockquote entity, nested quotes folded into it', () => {
    const out = renderMarkdown('> outer **b**\n>\n> > inner\n\nafter', final);
    expect(out.text).toBe('outer b\n\ninner\n\nafter');
    expect(describeEntities(out)).toEqual(['blockquote:outer b\n\ninner', 'bold:b']);
    expectValid(out);
  });

  it('nests bold inside italic inside a list inside a quote legally', () => {
    const out = renderMarkdown('> - *italic **bold** end*\n> - second', final);
    expect(out.text).toBe('• italic bold end\n• second');
    expect(describeEntities(out)).toEqual([
      'blockquote:• italic bold end\n• second',
      'italic:italic bold end',
      'bold:bold',
    ]);
    expectValid(out);
  });

  it('lays tables out as an aligned monospace block, wide characters counted twice', () => {
    const out = renderMarkdown(
      '| Name | Qty | Note |\n|:-----|----:|:----:|\n| **Tea** | 2 | hot |\n| 茶 | 10 | 🍵 |',
      final,
    );
    expect(out.text).toBe(
      ['Name │ Qty │ Note', '─────┼─────┼─────', 'Tea  │   2 │ hot', '茶   │  10 │  🍵'].join('\n'),
    );
    expect(out.entities).toEqual([{ type: 'pre', offset: 0, length: out.text.length }]);
  });

  it('draws a thematic break as a dash line', () => {
    expect(renderMarkdown('above\n\n---\n\nbelow', final).text).toBe('above\n\n———\n\nbelow');
  });

  it('keeps HTML as literal text, turning <br> into a line break', () => {
    const out = renderMarkdown('<div class="x">\nraw *html*\n</div>\n\nline<br>next and <b>bold</b>', final);
    expect(out.text).toBe('<div class="x">\nraw *html*\n</div>\n\nline\nnext and <b>bold</b>');
    expect(out.entities).toEqual([]);
  });

  it('renders images as their alt text linked to the image, or the bare address', () => {
    const out = renderMarkdown(
      '![a cat](https://img.example/cat.png) and ![](https://img.example/x.png)',
      final,
    );
    expect(out.text).toBe('a cat and https://img.example/x.png');
    expect(out.entities).toEqual([
      { type: 'text_link', offset: 0, length: 5, url: 'https://img.example/cat.png' },
    ]);
  });

  it('renders ||spoilers|| and leaves lone or spaced bars alone', () => {
    const out = renderMarkdown('The end: ||he wins|| and a || b, also `||x||`.', final);
    expect(out.text).toBe('The end: he wins and a || b, also ||x||.');
    expect(describeEntities(out)).toEqual(['spoiler:he wins', 'code:||x||']);
  });

  it('falls back to the raw text when Markdown renders to nothing but has text', () => {
    expect(renderMarkdown('[ref]: https://example.com', final).text).toBe('[ref]: https://example.com');
    expect(renderMarkdown('  \n\n ', final).text).toBe('');
  });

  it('trims the text', () => {
    expect(renderMarkdown('\n\n  hello  \n\n', final).text).toBe('hello');
  });
});

describe('renderMarkdown: inline', () => {
  it('maps emphasis, strong, strikethrough and code; a single tilde is not strikethrough', () => {
    const out = renderMarkdown('*i* _i2_ **b** __b2__ ~~s~~ ~5 min~ `c`', final);
    expect(out.text).toBe('i i2 b b2 s ~5 min~ c');
    expect(describeEntities(out)).toEqual([
      'italic:i',
      'italic:i2',
      'bold:b',
      'bold:b2',
      'strikethrough:s',
      'code:c',
    ]);
  });

  it('links only http, https, tg and mailto addresses; others stay plain text', () => {
    const out = renderMarkdown(
      '[web](https://a.example/x?q=1) [tg](tg://resolve?domain=x) [mail](mailto:a@b.example) ' +
        '[js](javascript:alert(1)) [rel](/docs) [anchor](#top) [ftp](ftp://x.example)',
      final,
    );
    expect(out.text).toBe('web tg mail js rel anchor ftp');
    expect(out.entities).toEqual([
      { type: 'text_link', offset: 0, length: 3, url: 'https://a.example/x?q=1' },
      { type: 'text_link', offset: 4, length: 2, url: 'tg://resolve?domain=x' },
      { type: 'text_link', offset: 7, length: 4, url: 'mailto:a@b.example' },
    ]);
  });

  it('leaves autolinks whose text is the address as plain text for Telegram to link', () => {
    const out = renderMarkdown(
      'See https://example.com/a, <https://example.com/b>, www.example.com and me@example.com.',
      final,
    );
    expect(out.text).toBe(
      'See https://example.com/a, https://example.com/b, www.example.com and me@example.com.',
    );
    expect(out.entities).toEqual([]);
  });

  it('resolves reference links and shows an empty link as its address', () => {
    const out = renderMarkdown('[docs][d] and [](https://e.example)\n\n[d]: https://docs.example', final);
    expect(out.text).toBe('docs and https://e.example');
    expect(out.entities).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://docs.example' },
      { type: 'text_link', offset: 9, length: 17, url: 'https://e.example' },
    ]);
  });

  it('keeps code out of other entities: bold splits around it, a link drops it', () => {
    const out = renderMarkdown('**run `npm test` now** and [`api`](https://api.example)', final);
    expect(out.text).toBe('run npm test now and api');
    expect(describeEntities(out)).toEqual(['bold:run', 'code:npm test', 'bold:now', 'text_link:api']);
    expectValid(out);
  });

  it('turns hard breaks into newlines', () => {
    expect(renderMarkdown('one  \ntwo\\\nthree', final).text).toBe('one\ntwo\nthree');
  });

  it('counts offsets in UTF-16 units across emoji, ZWJ sequences, astral letters and RTL text', () => {
    const markdown =
      '👨‍👩‍👧 family **bold 🎉** then 𝒳 *מילה בעברית* and `كود` plus [🔗 link](https://e.example) ~~x̱y~~';
    const out = renderMarkdown(markdown, final);
    expect(out.text).toBe('👨‍👩‍👧 family bold 🎉 then 𝒳 מילה בעברית and كود plus 🔗 link x̱y');
    expect(out.entities.map((entity) => [entity.type, entityText(out, entity)])).toEqual([
      ['bold', 'bold 🎉'],
      ['italic', 'מילה בעברית'],
      ['code', 'كود'],
      ['text_link', '🔗 link'],
      ['strikethrough', 'x̱y'],
    ]);
    // 👨‍👩‍👧 is 8 UTF-16 units: the bold entity must start after it and " family ".
    expect(out.entities[0]!.offset).toBe('👨‍👩‍👧 family '.length);
    expect(out.entities[0]!.length).toBe(7);
    expectValid(out);
  });

  it('never emits empty or whitespace-only entities', () => {
    const out = renderMarkdown('** ** and * x* and [ ](https://e.example) and ` `', final);
    expectValid(out);
  });
});

describe('renderMarkdown: the 100-entity budget', () => {
  it('merges neighbouring entities of one kind first', () => {
    const markdown = Array.from({ length: 150 }, (_, i) => `**w${i}**`).join(' ');
    const out = renderMarkdown(markdown, final);
    expect(out.entities.length).toBeLessThanOrEqual(100);
    expect(describeEntities(out)).toEqual([
      `bold:${Array.from({ length: 150 }, (_, i) => `w${i}`).join(' ')}`,
    ]);
  });

  it('drops italic and inline code before bold, and keeps the earliest of each kind', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `- **b${i}** *i${i}* \`c${i}\``).join('\n');
    const out = renderMarkdown(lines, final);
    expectValid(out);
    expect(out.entities).toHaveLength(100);
    const count = (type: string): number => out.entities.filter((entity) => entity.type === type).length;
    expect(count('bold')).toBe(60);
    expect(count('italic')).toBe(0);
    expect(count('code')).toBe(40);
    expect(entityText(out, out.entities.find((entity) => entity.type === 'code')!)).toBe('c0');
  });
});

describe('renderMarkdown: final versus streaming', () => {
  it('shows exactly what was written when final, and tidies unfinished markers while streaming', () => {
    expect(renderMarkdown('Hello **wor', final).text).toBe('Hello **wor');
    expect(renderMarkdown('Hello **wor', { final: false })).toEqual({
      text: 'Hello wor',
      entities: [{ type: 'bold', offset: 6, length: 3 }],
    });
  });

  it('closes an unfinished code span and nested emphasis while streaming', () => {
    const out = renderMarkdown('Use **the `npm t', { final: false });
    expect(out.text).toBe('Use the npm t');
    expect(describeEntities(out)).toEqual(['bold:the', 'code:npm t']);
  });

  it('shows an unfinished link as its text only while streaming', () => {
    for (const markdown of ['See [the doc', 'See [the docs]', 'See [the docs](https://exa', '![pic](http']) {
      const out = renderMarkdown(markdown, { final: false });
      expect(out.text, markdown).not.toMatch(/[[\]()]/);
      expect(out.entities).toEqual([]);
    }
  });

  it('keeps an unclosed fence as code until it closes', () => {
    const out = renderMarkdown('Look:\n\n```python\nprint(1)\nif x:', { final: false });
    expect(out.text).toBe('Look:\n\nprint(1)\nif x:');
    expect(out.entities).toEqual([{ type: 'pre', offset: 7, length: 14, language: 'python' }]);
  });

  it('waits for the content of a line that only holds block markers', () => {
    for (const [markdown, text] of [
      ['Intro\n-', 'Intro'],
      ['Intro\n\n> ', 'Intro'],
      ['Intro\n\n```pyth', 'Intro'],
      ['Intro\n\n| a |\n|--', 'Intro\n\n| a |'],
      ['Intro\n\n1.', 'Intro'],
    ] as const) {
      expect(renderMarkdown(markdown, { final: false }).text, markdown).toBe(text);
    }
  });

  it('does not flash raw markers at the end while a rich answer streams in', { timeout: 120_000 }, () => {
    const sample = [
      '## Setup',
      '',
      'First, install the **dependencies** with `npm install`, then read the [guide](https://g.example/start).',
      'Use *italic* for ~~old~~ notes and ||spoilers|| sparingly.',
      '',
      '1. Create a file:',
      '   ```ts',
      '   export const x = 1;',
      '   ```',
      '2. Run **`npm test`** and check the output.',
      '',
      '> **Note:** quotes work too, with [links](https://e.example).',
      '',
      '| Option | Default |',
      '|:-------|--------:|',
      '| `limit` | 4096 |',
      '',
      'Visit <https://example.com> or www.example.org. Done!',
    ].join('\n');
    const raw = /\*\*|__|~~|\]\(|\|\||(^|[^`])`(?!`)|\[(?![ x]\])/;
    for (let end = 1; end <= sample.length; end++) {
      const out = renderMarkdown(sample.slice(0, end), { final: false });
      expect(out.text.slice(-30), JSON.stringify(sample.slice(0, end).slice(-30))).not.toMatch(raw);
    }
    expect(renderMarkdown('Use *italic* for ~~old~', { final: false })).toEqual({
      text: 'Use italic for old',
      entities: [
        { type: 'italic', offset: 4, length: 6 },
        { type: 'strikethrough', offset: 15, length: 3 },
      ],
    });
  });

  it('leaves intraword and spaced markers alone while streaming', () => {
    expect(renderMarkdown('2 * 3 = 6 and snake_case_name', { final: false }).text).toBe(
      '2 * 3 = 6 and snake_case_name',
    );
  });
});

describe('plainTextParts', () => {
  it('cuts long plain text at paragraphs, lines or words without entities', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${'word '.repeat(40)}`).join('\n\n');
    const parts = plainTextParts(text, 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(1000);
      expect(part.entities).toEqual([]);
    }
    expect(
      parts
        .map((part) => part.text)
        .join('')
        .replace(/\s+/g, ''),
    ).toBe(text.replace(/\s+/g, ''));
    expect(plainTextParts('  short  ')).toEqual([{ text: 'short', entities: [] }]);
    expect(plainTextParts('   ')).toEqual([]);
  });
});
