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

describe('estimateTokens', () => {
  it('counts about four ASCII characters per token and more for other scripts', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd'.repeat(10))).toBe(10);
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('привет')).toBe(3);
  });
});
