import { describe, expect, it } from 'vitest';
import { findModel, modelCallbackData } from '../../../src/telegram/features/model.js';
import { formatCost, layout, renderUsageTable } from '../../../src/telegram/features/usage-table.js';

const totals = (provider: string, model: string, input: number | null, output: number | null) => ({
  provider,
  model,
  requests: 1,
  unreportedRequests: input === null ? 1 : 0,
  inputTokens: input,
  cachedInputTokens: null,
  cacheWriteTokens: null,
  outputTokens: output,
  reasoningTokens: null,
});

describe('usage table', () => {
  it('aligns labels left and numbers right, with thousands separators', () => {
    const { table, costShown, unreported } = renderUsageTable(
      [
        {
          title: 'Today',
          byModel: [totals('openai', 'gpt-5', 1_234_567, 89), totals('openai', 'o3', null, null)],
        },
      ],
      new Map(),
    );
    expect(costShown).toBe(false);
    expect(unreported).toBe(1);
    expect(table).toBe(
      [
        '           input  output',
        'Today',
        'gpt-5  1,234,567      89',
        'o3             ?       ?',
        'total  1,234,567      89',
      ].join('\n'),
    );
  });

  it('names the provider when two providers offer the same model id', () => {
    const { table } = renderUsageTable(
      [{ title: 'All time', byModel: [totals('openai', 'llama', 10, 1), totals('groq', 'llama', 20, 2)] }],
      new Map(),
    );
    expect(table).toContain('openai:llama');
    expect(table).toContain('groq:llama');
  });

  it('formats costs by size and lays out any number of columns', () => {
    expect([0, 0.00042, 0.123, 1234.5].map(formatCost)).toEqual(['$0', '$0.0004', '$0.123', '$1,234.50']);
    expect(layout([['a', '1', '22'], 'heading', ['long label', '333', '4']])).toBe(
      ['a             1  22', 'heading', 'long label  333   4'].join('\n'),
    );
  });
});

describe('model buttons', () => {
  const models = [
    { id: 'openai:gpt-5', provider: 'openai', model: 'gpt-5' },
    { id: 'openrouter:gpt-5', provider: 'openrouter', model: 'gpt-5' },
    { id: 'anthropic:claude-sonnet-4-5', provider: 'anthropic', model: 'claude-sonnet-4-5' },
    {
      id: 'openrouter:some-lab/a-model-with-a-very-long-name-that-overflows:free',
      provider: 'openrouter',
      model: 'some-lab/a-model-with-a-very-long-name-that-overflows:free',
    },
  ];

  it('finds a model by its full id or by a model id only one provider offers', () => {
    expect(findModel(models, 'Anthropic:Claude-Sonnet-4-5')?.id).toBe('anthropic:claude-sonnet-4-5');
    expect(findModel(models, 'claude-sonnet-4-5')?.id).toBe('anthropic:claude-sonnet-4-5');
    expect(findModel(models, 'gpt-5')).toBeUndefined();
    expect(findModel(models, 'openrouter:gpt-5')?.id).toBe('openrouter:gpt-5');
  });

  it('keeps callback data within Telegram’s 64 bytes', () => {
    expect(modelCallbackData(models[0] as (typeof models)[0])).toBe('model:openai:gpt-5');
    const long = modelCallbackData(models[3] as (typeof models)[0]);
    expect(long).toMatch(/^model#[0-9a-f]{24}$/);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
  });
});
