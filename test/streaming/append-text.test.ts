import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { appendText } from '../../src/streaming/append-text.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes still used by texts built token by token with `append`, after a full collection. */
function heapOfTexts(append: (text: string, delta: string) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const texts: string[] = [];
  for (let answer = 0; answer < 500; answer++) {
    let text = '';
    // Deltas come from JSON.parse, as the SDK's do: fresh strings, not constants V8 could share.
    for (let token = 0; token < 400; token++)
      text = append(text, JSON.parse(`"t${token % 10}a${answer % 7}"`));
    texts.push(text);
  }
  gc();
  const used = process.memoryUsage().heapUsed - before;
  expect(texts).toHaveLength(500);
  return used;
}

describe('appendText', () => {
  it('is concatenation, whatever the sizes of the pieces', () => {
    const pieces = ['', 'a', 'bc', 'x'.repeat(255), '', 'é', 'y'.repeat(1000), '\n', 'z'.repeat(3)];
    let text = '';
    let expected = '';
    for (let round = 0; round < 20; round++) {
      for (const piece of pieces) {
        text = appendText(text, piece);
        expected += piece;
        expect(text).toBe(expected);
      }
    }
  });

  it('keeps a text grown token by token at a fraction of the memory of a plain rope', () => {
    // 500 answers of 1,600 characters: about 0.8 MB as flat strings, several MB as ropes.
    const flat = heapOfTexts(appendText);
    const rope = heapOfTexts((text, delta) => text + delta);
    expect(flat).toBeLessThan(rope / 2);
  });
});
