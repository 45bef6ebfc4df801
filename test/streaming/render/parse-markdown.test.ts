import fc from 'fast-check';
import type { Node } from 'mdast';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, parseMarkdownFully } from '../../../src/streaming/render/parse-markdown.js';
import { markdownAnswer, markdownNoise } from './markdown-arbitrary.js';

const linkTargets = (tree: Node): string[] => {
  const found: string[] = [];
  const walk = (node: Node & { children?: Node[]; url?: string }) => {
    if (node.type === 'link' && node.url) found.push(node.url);
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  return found;
};

describe('parseMarkdown', () => {
  it('turns literal links and addresses into links, in any case', () => {
    const tree = parseMarkdown('See WWW.Example.com, https://a.example/x and ask me@mail.example.');
    expect(linkTargets(tree)).toEqual([
      'http://WWW.Example.com',
      'https://a.example/x',
      'mailto:me@mail.example',
    ]);
  });

  it('parses exactly as the full GFM parse, whichever GFM marks the text has or lacks', () => {
    const nearMisses = [
      'www without a dot, http:/ and https:\\\\ and a lone @ sign',
      'plain words and **bold** and `code_1` only',
      'ftp://e.example and wwwx.example and user at mail.example',
      '- www.a.example\n- x@y.example\n- HTTP://B.EXAMPLE',
      // Each GFM part with its mark, and its look-alikes without it.
      '| a | b |\n| - | :-: |\n| 1 | `2` |\n\na\n-\n\n---',
      '- [ ] open\n- [x] done\n- [link](https://e.example) item',
      'a note[^1] and [^missing]\n\n[^1]: the note',
      '~~gone~~ and ~5 min and ~single~',
    ];
    for (const markdown of nearMisses) expect(parseMarkdown(markdown)).toEqual(parseMarkdownFully(markdown));
    fc.assert(
      fc.property(fc.oneof(markdownAnswer({ withTables: true }), markdownNoise), (markdown) => {
        expect(parseMarkdown(markdown)).toEqual(parseMarkdownFully(markdown));
      }),
      { numRuns: 300 },
    );
  });

  it('parses every text as upstream does after any other text (the compiler is reused, its state is not)', () => {
    // Each sets one of the compiler's per-parse flags (references, hard breaks, setext headings,
    // fenced code, ordered lists' first value, character references, tables) or the parser's
    // (definitions seen, lazy lines).
    const flagged = [
      '[a][b] and [c][] and [d]\n\n[b]: https://b.example\n[c]: /c\n[d]: /d',
      'line with a hard break  \nnext\\\nlast',
      'Title\n=====\n\nSub\n---',
      '```ts title\nconst a = 1;\n```',
      '3. three\n4. four',
      '&amp; &#35; &#x41; &copy;',
      '| a |\n| - |\n| 1 |',
      '![alt](https://e.example/x.png "t") and [l](/u)',
      'a soft\nline break',
      '[b], [c][] and [d] without their definitions (https://e.example)',
    ];
    for (const first of flagged) {
      for (const second of flagged) {
        parseMarkdown(first);
        expect(parseMarkdown(second)).toEqual(parseMarkdownFully(second));
      }
    }
  });
});
