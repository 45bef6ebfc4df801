import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPartRenderer,
  type RenderPartsOptions,
  renderTelegramParts,
  type SourceCursor,
  START_CURSOR,
} from '../../../src/streaming/render/index.js';
import { markdownAnswer } from './markdown-arbitrary.js';

const SCALE = Number(process.env.RENDER_PROPERTY_SCALE ?? 1);

/** Feeds growing prefixes like delivery does and checks each frame against a fresh render. */
function streamBoth(markdown: string, step: number, limit: number, reasoning?: string): void {
  const render = createPartRenderer();
  let cursor: SourceCursor = START_CURSOR;
  for (let end = Math.min(step, markdown.length); ; end = Math.min(end + step, markdown.length)) {
    const final = end === markdown.length;
    const source =
      reasoning === undefined
        ? { text: markdown.slice(0, end) }
        : { text: markdown.slice(0, end), reasoning };
    const options: RenderPartsOptions = { final, reasoning: final ? 'collapsed' : 'quote', limit };
    const remembered = render(source, cursor, options);
    const fresh = renderTelegramParts(source, cursor, options);
    expect(remembered, `at ${end} of ${markdown.length}`).toEqual(fresh);
    if (final) break;
    cursor = fresh[fresh.length - 2]?.end ?? cursor;
  }
}

describe('createPartRenderer', () => {
  it('renders every streamed frame exactly like renderTelegramParts', () => {
    fc.assert(
      fc.property(
        markdownAnswer({ withTables: true, maxBlocks: 8 }),
        fc.integer({ min: 20, max: 80 }),
        fc.integer({ min: 80, max: 1500 }),
        (markdown, step, limit) => streamBoth(markdown, step, limit),
      ),
      { numRuns: Math.max(1, Math.round(15 * SCALE)) },
    );
  }, 120_000);

  it('handles reasoning, block syntax typed one character at a time, and link definitions', {
    timeout: 120_000,
  }, () => {
    streamBoth(
      'Intro.\n\n***\n\n*** bold\n\n# \n\n#tag line\n\n> q\n> ***b**\n\ntext',
      1,
      200,
      'Thinking **hard**.',
    );
    streamBoth(
      'See [a][x] and [b][y].\n\nMore text here.\n\n[x]: https://x.example\n\nThen [y]: no.\n\n[y]: https://y.example',
      3,
      120,
    );
  });

  it('cuts blocks it kept without their trees exactly like a fresh render', () => {
    // Kept blocks hold only their rendering; overflowing parts must parse them again (headings
    // moving on with what follows, long paragraphs and lists cut inside, code reopened).
    const paragraph = 'Words that wrap the part **several** times over, with `code` and more words. ';
    streamBoth(
      `# Title\n\n${paragraph.repeat(3)}\n\n## Next\n\n- ${paragraph}\n- ${paragraph}\n\n\`\`\`ts\nconst a = 1;\nconst b = 2;\n\`\`\`\n\n${paragraph.repeat(2)}`,
      9,
      140,
    );
  });

  it('keeps answers apart and starts over when the text changes', () => {
    const render = createPartRenderer({ maxEntries: 2 });
    const options: RenderPartsOptions = { final: false, reasoning: 'quote' };
    const first = 'First answer.\n\n- one\n- two\n\nMore';
    const second = 'Second answer is **different**.\n\nStill going';
    for (const text of [first, second, `${first} text`, `${second} on`, 'First answer, edited.\n\n- one']) {
      expect(render({ text }, START_CURSOR, options)).toEqual(
        renderTelegramParts({ text }, START_CURSOR, options),
      );
    }
  });
});
