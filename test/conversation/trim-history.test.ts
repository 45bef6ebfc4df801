import { describe, expect, it } from 'vitest';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../../src/conversation/estimate-tokens.js';
import { trimHistory } from '../../src/conversation/trim-history.js';
import type { ChatMessage } from '../../src/providers/types.js';

const turn = (n: number, size = 400): ChatMessage[] => [
  { role: 'user', content: `question ${n} ${'q'.repeat(size)}` },
  { role: 'assistant', content: `answer ${n} ${'a'.repeat(size)}` },
];
const cost = (messages: ChatMessage[]) =>
  messages.reduce((sum, message) => sum + estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS, 0);

describe('trimHistory', () => {
  it('keeps everything that fits', () => {
    const history = [...turn(1), ...turn(2)];
    expect(trimHistory(history, 10_000)).toEqual({ messages: history, dropped: 0, tokens: cost(history) });
  });

  it('drops whole turns from the oldest end, never a question without its answer', () => {
    const history = [...turn(1), ...turn(2), ...turn(3)];
    const budget = cost(turn(3)) + cost(turn(2)) + 10;
    const trimmed = trimHistory(history, budget);
    expect(trimmed.messages).toEqual([...turn(2), ...turn(3)]);
    expect(trimmed.dropped).toBe(2);
    // One token short of the last two turns: only the newest one stays, whole.
    expect(trimHistory(history, cost([...turn(2), ...turn(3)]) - 1).messages).toEqual(turn(3));
  });

  it('sends no history when even the newest turn does not fit', () => {
    expect(trimHistory(turn(1, 4000), 50)).toEqual({ messages: [], dropped: 2, tokens: 0 });
  });

  it('starts with a user message even when the stored chain began with an answer', () => {
    const history: ChatMessage[] = [{ role: 'assistant', content: 'orphan' }, ...turn(1)];
    expect(trimHistory(history, 10_000).messages).toEqual(turn(1));
  });

  it('keeps a question whose answer is missing (stopped before any text) as its own turn', () => {
    const history: ChatMessage[] = [...turn(1), { role: 'user', content: 'unanswered' }];
    expect(trimHistory(history, 10_000).messages).toEqual(history);
  });
});

describe('trimHistory with tool rounds', () => {
  const toolTurn = (n: number, resultSize: number): ChatMessage[] => [
    { role: 'user', content: `question ${n}` },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: `c${n}`, name: 'search', arguments: { q: `${n}` } }],
    },
    { role: 'tool', toolCallId: `c${n}`, name: 'search', content: 'r'.repeat(resultSize) },
    { role: 'assistant', content: `answer ${n}` },
  ];

  it('empties old tool results before dropping whole turns, and keeps the newest turn intact', () => {
    const history = [...toolTurn(1, 4000), ...toolTurn(2, 4000)];
    const trimmed = trimHistory(history, 1500);
    expect(trimmed.dropped).toBe(0);
    expect(trimmed.messages).toHaveLength(8);
    expect(trimmed.messages[2]).toMatchObject({
      role: 'tool',
      content: expect.stringMatching(/left out to save room/),
    });
    expect(trimmed.messages[6]).toMatchObject({ role: 'tool', content: 'r'.repeat(4000) });
    // A call and its result always stay together: the pairs the providers require are never broken.
    expect(trimmed.messages[1]).toMatchObject({ toolCalls: [{ id: 'c1' }] });
  });

  it('still drops whole turns when emptying the results is not enough', () => {
    const history = [...toolTurn(1, 4000), ...toolTurn(2, 4000)];
    const newest = trimHistory(toolTurn(2, 4000), 1_000_000).tokens;
    const trimmed = trimHistory(history, newest + 5);
    expect(trimmed.messages).toEqual(toolTurn(2, 4000));
    expect(trimmed.dropped).toBe(4);
  });
});

describe('estimateTokens', () => {
  it('counts about four ASCII characters per token and more for other scripts', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd'.repeat(10))).toBe(10);
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('привет')).toBe(3);
  });
});
