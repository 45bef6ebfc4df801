import type { ChatMessage } from '../providers/types.js';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from './estimate-tokens.js';

export interface TrimmedHistory {
  messages: ChatMessage[];
  /** Messages left out from the oldest end. */
  dropped: number;
  /** Estimated tokens of the messages kept. */
  tokens: number;
}

/**
 * Keeps the newest turns (a user message and the answer after it) that fit in `budgetTokens`, so a
 * question is never sent without its answer or an answer without its question. The result always
 * starts with a user message, as providers require.
 */
export function trimHistory(
  history: readonly ChatMessage[],
  budgetTokens: number,
  /** Estimated prompt tokens of one picture (see estimateImageTokens). */
  tokensPerImage = 0,
): TrimmedHistory {
  const turns: { messages: ChatMessage[]; tokens: number }[] = [];
  for (const message of history) {
    if (message.role === 'user') turns.push({ messages: [message], tokens: 0 });
    else if (turns.length > 0) turns.at(-1)?.messages.push(message);
    // else: an answer whose question is older than the stored chain; it is dropped.
  }
  for (const turn of turns) {
    turn.tokens = turn.messages.reduce(
      (sum, message) =>
        sum +
        estimateTokens(message.content) +
        (message.images?.length ?? 0) * tokensPerImage +
        MESSAGE_OVERHEAD_TOKENS,
      0,
    );
  }

  let tokens = 0;
  let first = turns.length;
  while (first > 0) {
    const turn = turns[first - 1];
    if (turn === undefined || tokens + turn.tokens > budgetTokens) break;
    tokens += turn.tokens;
    first -= 1;
  }
  const kept = turns.slice(first).flatMap((turn) => turn.messages);
  return { messages: kept, dropped: history.length - kept.length, tokens };
}
