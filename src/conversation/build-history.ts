import type { ImageInput } from '../providers/image-input.js';
import type { ChatMessage } from '../providers/types.js';
import type { MessageRecord } from '../storage/messages.js';
import { picturePlaceholders } from './history-images.js';

/**
 * The stored chain (oldest first) as the model should see it: answers as the user saw them
 * (interrupted or stopped ones included), failed answers and the questions they left unanswered
 * dropped, reasoning never sent back. Consecutive turns of one role are merged, since some
 * providers insist on alternation.
 */
export function buildHistory(
  chain: readonly MessageRecord[],
  /** Pictures fetched again, by message id (see loadHistoryImages); the rest get a placeholder. */
  images: ReadonlyMap<number, ImageInput[]> = new Map(),
): ChatMessage[] {
  const history: ChatMessage[] = [];
  for (const [index, message] of chain.entries()) {
    if (message.role === 'user') {
      const answer = chain[index + 1];
      if (answer?.role === 'assistant' && answer.status === 'error') continue;
      const shown = images.get(message.id) ?? [];
      const placeholders = picturePlaceholders(message, images);
      appendMessage(history, {
        role: 'user',
        content: [...placeholders, message.content].filter((part) => part !== '').join('\n'),
        ...(shown.length > 0 ? { images: shown } : {}),
      });
    } else if (message.status !== 'error' && message.status !== 'streaming') {
      // Tool rounds go back as they happened (calls, then results), then the text written after them.
      for (const turn of message.toolTurns ?? []) appendMessage(history, turn);
      const last = finalText(message);
      if (last.trim() !== '') appendMessage(history, { role: 'assistant', content: last });
    }
  }
  return history;
}

/** Appends in place, merging into the last message when it has the same role. */
export function appendMessage(history: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const last = history.at(-1);
  // Tool calls and results keep their own messages: their ids pair them up.
  const plain = (m: ChatMessage | undefined) =>
    m !== undefined && m.role !== 'tool' && !(m.role === 'assistant' && m.toolCalls?.length);
  if (last && plain(last) && plain(message) && last.role === message.role) {
    last.content = `${last.content}\n\n${message.content}`;
    if (message.role === 'user' && last.role === 'user' && message.images?.length)
      last.images = [...(last.images ?? []), ...message.images];
  } else history.push({ ...message });
  return history;
}

/** The text after the answer's last tool round: `content` holds every round's text, in order. */
function finalText(message: MessageRecord): string {
  let rest = message.content;
  for (const turn of message.toolTurns ?? []) {
    if (turn.role !== 'assistant' || turn.content === '') continue;
    const at = rest.indexOf(turn.content);
    if (at >= 0) rest = rest.slice(at + turn.content.length);
  }
  return message.toolTurns?.length ? rest.trimStart() : rest;
}
