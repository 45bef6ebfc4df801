import { describe, expect, it } from 'vitest';
import { capEntities, normalizeEntities, telegramTextProblems } from '../../../src/streaming/render/index.js';
import type { TelegramEntity } from '../../../src/streaming/telegram-text.js';

describe('normalizeEntities', () => {
  it('trims entities to their text and drops empty or whitespace-only ones', () => {
    const text = ' bold  and \n';
    const entities: TelegramEntity[] = [
      { type: 'bold', offset: 0, length: 7 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'underline', offset: 3, length: 0 },
      { type: 'strikethrough', offset: 10, length: 5 },
    ];
    expect(normalizeEntities(text, entities)).toEqual([{ type: 'bold', offset: 1, length: 4 }]);
  });

  it('splits bold around code, drops code inside a link and anything inside code', () => {
    const text = 'run npm test now; link code';
    const entities: TelegramEntity[] = [
      { type: 'bold', offset: 0, length: 16 },
      { type: 'code', offset: 4, length: 8 },
      { type: 'italic', offset: 4, length: 3 },
      { type: 'text_link', offset: 18, length: 9, url: 'https://e.example' },
      { type: 'code', offset: 23, length: 4 },
    ];
    expect(normalizeEntities(text, entities)).toEqual([
      { type: 'bold', offset: 0, length: 3 },
      { type: 'code', offset: 4, length: 8 },
      { type: 'bold', offset: 13, length: 3 },
      { type: 'text_link', offset: 18, length: 9, url: 'https://e.example' },
    ]);
  });

  it('drops nested quotes, same-type nesting and crossing entities', () => {
    const text = 'quoted text here';
    const entities: TelegramEntity[] = [
      { type: 'blockquote', offset: 0, length: 16 },
      { type: 'expandable_blockquote', offset: 7, length: 4 },
      { type: 'bold', offset: 0, length: 11 },
      { type: 'bold', offset: 7, length: 4 },
      { type: 'italic', offset: 5, length: 8 },
    ];
    const result = normalizeEntities(text, entities);
    expect(result).toEqual([
      { type: 'blockquote', offset: 0, length: 16 },
      { type: 'bold', offset: 0, length: 11 },
    ]);
    expect(telegramTextProblems({ text, entities: result })).toEqual([]);
  });

  it('keeps the indentation inside code', () => {
    expect(normalizeEntities('  x = 1', [{ type: 'pre', offset: 0, length: 7 }])).toEqual([
      { type: 'pre', offset: 0, length: 7 },
    ]);
  });
});

describe('capEntities', () => {
  it('leaves 100 or fewer entities alone', () => {
    const entities: TelegramEntity[] = Array.from({ length: 100 }, (_, i) => ({
      type: 'italic',
      offset: i * 2,
      length: 1,
    }));
    expect(capEntities('x '.repeat(100), entities)).toBe(entities);
  });

  it('merges same-kind neighbours split only by whitespace, and links only with the same address', () => {
    const text = 'a b c d';
    const links: TelegramEntity[] = [
      { type: 'text_link', offset: 0, length: 1, url: 'https://one.example' },
      { type: 'text_link', offset: 2, length: 1, url: 'https://one.example' },
      { type: 'text_link', offset: 4, length: 1, url: 'https://two.example' },
      { type: 'bold', offset: 6, length: 1 },
    ];
    expect(capEntities(text, links, 3)).toEqual([
      { type: 'text_link', offset: 0, length: 3, url: 'https://one.example' },
      { type: 'text_link', offset: 4, length: 1, url: 'https://two.example' },
      { type: 'bold', offset: 6, length: 1 },
    ]);
  });

  it('drops italic, then strikethrough, underline, code, bold: latest first', () => {
    const text = 'w,'.repeat(200);
    const kinds: TelegramEntity['type'][] = ['italic', 'code', 'bold', 'pre'];
    const entities: TelegramEntity[] = Array.from({ length: 120 }, (_, i) => ({
      type: kinds[i % 4]! as 'italic',
      offset: i * 2,
      length: 1,
    }));
    const capped = capEntities(text, entities);
    expect(capped).toHaveLength(100);
    const count = (type: string): number => capped.filter((entity) => entity.type === type).length;
    expect([count('italic'), count('code'), count('bold'), count('pre')]).toEqual([10, 30, 30, 30]);
    expect(capped.filter((entity) => entity.type === 'italic').map((entity) => entity.offset)).toEqual(
      Array.from({ length: 10 }, (_, i) => i * 8),
    );
  });
});
