import type { ImageInput } from '../providers/image-input.js';
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
  /** Estimated prompt tokens of a picture (see estimateImageTokens); a number for every picture alike. */
  tokensPerImage: number | ImageTokens = 0,
): TrimmedHistory {
  const imageTokens: ImageTokens = typeof tokensPerImage === 'number' ? () => tokensPerImage : tokensPerImage;
  const turns: { messages: ChatMessage[]; tokens: number }[] = [];
  for (const message of history) {
    if (message.role === 'user') turns.push({ messages: [message], tokens: 0 });
    else if (turns.length > 0) turns.at(-1)?.messages.push(message);
    // else: an answer whose question is older than the stored chain; it is dropped.
  }
  for (const turn of turns) {
    turn.tokens = turnTokens(turn.messages, imageTokens);
  }

  shrinkOldToolResults(turns, budgetTokens, imageTokens);

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

const TRIMMED_RESULT = '[an older tool result, left out to save room]';

type ImageTokens = (image: ImageInput) => number;

function turnTokens(messages: readonly ChatMessage[], imageTokens: ImageTokens): number {
  return messages.reduce((sum, message) => {
    const calls = message.role === 'assistant' ? JSON.stringify(message.toolCalls ?? []) : '';
    const images = message.role === 'user' ? (message.images ?? []) : [];
    const pictures = images.reduce((total, image) => total + imageTokens(image), 0);
    return (
      sum +
      estimateTokens(message.content) +
      pictures +
      (calls === '[]' ? 0 : estimateTokens(calls)) +
      MESSAGE_OVERHEAD_TOKENS
    );
  }, 0);
}

/**
 * Old tool results are usually the bulkiest and least needed part of the history: while the turns
 * do not fit, empty them, oldest turn first, before whole turns are dropped. The newest turn keeps its.
 */
function shrinkOldToolResults(
  turns: { messages: ChatMessage[]; tokens: number }[],
  budgetTokens: number,
  imageTokens: ImageTokens,
): void {
  let total = turns.reduce((sum, turn) => sum + turn.tokens, 0);
  for (const turn of turns.slice(0, -1)) {
    if (total <= budgetTokens) return;
    if (!turn.messages.some((message) => message.role === 'tool' && message.content !== TRIMMED_RESULT))
      continue;
    turn.messages = turn.messages.map((message) =>
      message.role === 'tool' ? { ...message, content: TRIMMED_RESULT } : message,
    );
    const before = turn.tokens;
    turn.tokens = turnTokens(turn.messages, imageTokens);
    total -= before - turn.tokens;
  }
}
