import { describe, expect, it } from 'vitest';
import { mapOpenAIFinishReason } from '../../src/providers/map-openai-finish-reason.js';

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['eos', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ] as const)('%s -> %s', (reason, expected) => {
    expect(mapOpenAIFinishReason(reason)).toBe(expected);
  });
});
