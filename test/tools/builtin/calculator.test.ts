import { describe, expect, it } from 'vitest';
import { createCalculatorTool } from '../../../src/tools/builtin/calculator.js';
import { createCurrentTimeTool } from '../../../src/tools/builtin/current-time.js';
import { evaluateArithmetic } from '../../../src/tools/builtin/evaluate-arithmetic.js';

describe('evaluateArithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2^2', -4],
    ['10 % 4', 2],
    ['sqrt(16) + abs(-3)', 7],
    ['2 ** 10', 1024],
    ['.5 * 4', 2],
    ['1e3 / 8', 125],
    ['round(pi * 100)', 314],
  ])('%s = %d', (expression, value) => {
    expect(evaluateArithmetic(expression)).toBe(value);
  });

  it.each([
    ['1 / 0', /division by zero/],
    ['2 +', /ends too early/],
    ['process.exit(1)', /unknown symbol "process"/],
    ['(1 + 2', /expected "\)"/],
    ['1 2', /unexpected "2"/],
    ['constructor', /unknown symbol/],
    ['__proto__', /unknown symbol/],
    ['toString(1)', /unknown symbol/],
    ['('.repeat(200), /nested too deeply/],
    ['10 ^ 400', /not a finite number/],
  ])('refuses %s', (expression, message) => {
    expect(() => evaluateArithmetic(expression)).toThrow(message);
  });
});

describe('calculator tool', () => {
  const signal = new AbortController().signal;
  it('answers with the value, or an error result the model can read', async () => {
    const tool = createCalculatorTool();
    expect(await tool.run({ expression: '0.1 + 0.2' }, signal)).toEqual({ text: '0.3' });
    expect(await tool.run({ expression: '1/0' }, signal)).toEqual({
      text: 'division by zero',
      isError: true,
    });
    expect(await tool.run({}, signal)).toMatchObject({ isError: true });
  });
});

describe('current_time tool', () => {
  it('tells the date and time in the configured time zone', async () => {
    const tool = createCurrentTimeTool({ timeZone: 'Asia/Tokyo', now: () => Date.UTC(2026, 0, 31, 20, 5) });
    const { text } = await tool.run({}, new AbortController().signal);
    expect(text).toContain('Sunday, 1 February 2026');
    expect(text).toContain('05:05');
    expect(text).toContain('2026-01-31T20:05:00.000Z');
  });
});
