import { describe, expect, it } from 'vitest';
import { createToolRecord, createToolStatus } from '../../src/conversation/tool-status.js';
import type { Tool } from '../../src/tools/types.js';

const calculator: Tool = {
  source: 'builtin',
  displayArgument: 'expression',
  definition: { name: 'calculator', description: 'Arithmetic.', inputSchema: {} },
  run: async () => ({ text: '42' }),
};
const tools = new Map([['calculator', calculator]]);
const call = (id: string, name: string, args: Record<string, unknown> = {}) => ({
  id,
  name,
  arguments: args,
});

describe('tool lines', () => {
  it('shows the running round, then its durations', () => {
    const status = createToolStatus(tools);
    expect(status.started(call('a', 'calculator', { note: 'x', expression: '6 * 7' }))).toBe(
      '🔧 calculator · "6 * 7" …',
    );
    expect(status.finished(call('a', 'calculator', { expression: '6 * 7' }), 230, false)).toBe(
      '🔧 calculator · "6 * 7" ✓ 0.2 s',
    );
  });

  it('records every call of every round, marks unfinished ones and caps the list', () => {
    const record = createToolRecord(tools);
    expect(record.text()).toBe('');
    record.started(call('a', 'calculator', { expression: '1+1' }));
    record.finished(call('a', 'calculator', { expression: '1+1' }), 100, false);
    record.started(call('b', 'web__search', { query: `a ${'long '.repeat(20)}query` }));
    record.finished(call('b', 'web__search', {}), 1500, true);
    record.started(call('c', 'web__hang'));
    expect(record.text()).toBe(
      [
        '🔧 calculator · "1+1" ✓ 0.1 s',
        '🔧 web__search · "a long long long long long long long lo…" ✗ 1.5 s',
        '🔧 web__hang ⏹',
      ].join('\n'),
    );
    for (let index = 0; index < 30; index++) record.started(call(`x${index}`, 'clock'));
    const lines = record.text().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe('… and 13 more calls');
  });
});
