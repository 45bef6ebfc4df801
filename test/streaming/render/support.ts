import { expect } from 'vitest';
import {
  type AnswerSource,
  type RenderedPart,
  type RenderPartsOptions,
  renderTelegramParts,
  START_CURSOR,
  telegramTextProblems,
} from '../../../src/streaming/render/index.js';
import type { TelegramEntity, TelegramText } from '../../../src/streaming/telegram-text.js';

export function entityText(text: TelegramText, entity: TelegramEntity): string {
  return text.text.slice(entity.offset, entity.offset + entity.length);
}

/** `type:text` for every entity, in order: compact to assert on. */
export function describeEntities(text: TelegramText): string[] {
  return text.entities.map((entity) => `${entity.type}:${entityText(text, entity)}`);
}

export function expectValid(text: TelegramText, limit?: number): void {
  expect(telegramTextProblems(text, limit), JSON.stringify(text).slice(0, 2000)).toEqual([]);
}

export function renderAll(source: AnswerSource, options: RenderPartsOptions): RenderedPart[] {
  return renderTelegramParts(source, START_CURSOR, options);
}

const shape = (parts: readonly TelegramText[]): unknown =>
  parts.map(({ text, entities }) => ({ text, entities }));

/**
 * Rendering from a part's end cursor yields exactly the parts after it: checked for every part,
 * or for `maxChecks` cursors spread evenly (property tests with many tiny parts).
 */
export function expectContinuations(
  source: AnswerSource,
  parts: RenderedPart[],
  options: RenderPartsOptions,
  maxChecks = Number.POSITIVE_INFINITY,
): void {
  const cursors = parts.length - 1;
  const step = Math.max(1, Math.ceil(cursors / maxChecks));
  for (let index = 0; index < cursors; index += step) {
    const again = renderTelegramParts(source, parts[index]!.end, options);
    expect(shape(again), `continuing after part ${index}`).toEqual(shape(parts.slice(index + 1)));
  }
}

/** Text without whitespace and list markers: what must survive splitting, no more and no less. */
export function essence(text: string): string {
  return text.replace(/^[ \t]*(?:(?:\d+\.|[•☐☑])[ \t]+)+/gm, '').replace(/\s+/g, '');
}
