import { describe, expect, test } from 'vitest';
import {
  appendNotice,
  reasoningTailCursor,
  sameTelegramText,
  thinkingLine,
} from '../../../src/streaming/delivery/frame-text.js';

describe('appendNotice', () => {
  test('adds an italic line to the last part when it fits', () => {
    const parts = appendNotice(
      [
        { text: 'a', entities: [] },
        { text: 'b', entities: [{ type: 'bold', offset: 0, length: 1 }] },
      ],
      'Note',
      20,
    );
    expect(parts).toEqual([
      { text: 'a', entities: [] },
      {
        text: 'b\n\nNote',
        entities: [
          { type: 'bold', offset: 0, length: 1 },
          { type: 'italic', offset: 3, length: 4 },
        ],
      },
    ]);
  });

  test('becomes a part of its own when the last part is full, or when there is no part', () => {
    expect(appendNotice([{ text: 'x'.repeat(18), entities: [] }], 'Note', 20).at(-1)).toEqual({
      text: 'Note',
      entities: [{ type: 'italic', offset: 0, length: 4 }],
    });
    expect(appendNotice([], 'Note', 20)).toHaveLength(1);
  });

  test('never exceeds the limit and ignores a blank notice', () => {
    expect(appendNotice([], 'y'.repeat(50), 20)[0]?.text).toHaveLength(20);
    expect(appendNotice([{ text: 'a', entities: [] }], '  ', 20)).toEqual([{ text: 'a', entities: [] }]);
  });
});

describe('reasoningTailCursor', () => {
  test('starts at the beginning of a short reasoning', () => {
    expect(reasoningTailCursor('short', 100)).toEqual({ reasoningOffset: 0, textOffset: 0, prefix: '' });
  });

  test('starts near the end of a long one, at a line start when one is close', () => {
    const reasoning = `${'a'.repeat(1000)}\n${'b'.repeat(90)}`;
    expect(reasoningTailCursor(reasoning, 100).reasoningOffset).toBe(1001);
    const noLines = 'c'.repeat(1000);
    expect(reasoningTailCursor(noLines, 100).reasoningOffset).toBe(900);
  });

  test('never starts inside a surrogate pair', () => {
    const reasoning = `${'a'.repeat(99)}${'😀'.repeat(10)}`;
    const offset = reasoningTailCursor(reasoning, 10).reasoningOffset;
    const code = reasoning.charCodeAt(offset);
    expect(code >= 0xdc00 && code <= 0xdfff).toBe(false);
  });
});

test('sameTelegramText compares text and every entity field', () => {
  const base = { text: 'x', entities: [{ type: 'pre' as const, offset: 0, length: 1, language: 'ts' }] };
  expect(
    sameTelegramText(base, { text: 'x', entities: [{ type: 'pre', offset: 0, length: 1, language: 'ts' }] }),
  ).toBe(true);
  expect(
    sameTelegramText(base, { text: 'x', entities: [{ type: 'pre', offset: 0, length: 1, language: 'js' }] }),
  ).toBe(false);
  expect(sameTelegramText(base, { text: 'x', entities: [] })).toBe(false);
  expect(sameTelegramText(undefined, base)).toBe(false);
});

test('thinkingLine counts whole seconds in italics', () => {
  expect(thinkingLine(12_900)).toEqual({
    text: 'Thinking… 12 s',
    entities: [{ type: 'italic', offset: 0, length: 14 }],
  });
});
