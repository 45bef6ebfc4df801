import type { ImageInput } from '../providers/image-input.js';
import type { ChatMessage } from '../providers/types.js';
import type { MessageRecord } from '../storage/messages.js';
import { OLDER_PICTURE, picturesLeftOut } from './history-images.js';

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
      const placeholders = Array.from({ length: picturesLeftOut(message, images) }, () => OLDER_PICTURE);
      appendMessage(history, {
        role: 'user',
        content: [...placeholders, message.content].filter((part) => part !== '').join('\n'),
        ...(shown.length > 0 ? { images: shown } : {}),
      });
    } else if (
      message.status !== 'error' &&
      message.status !== 'streaming' &&
      message.content.trim() !== ''
    ) {
      appendMessage(history, { role: 'assistant', content: message.content });
    }
  }
  return history;
}

/** Appends in place, merging into the last message when it has the same role. */
export function appendMessage(history: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const last = history.at(-1);
  if (last?.role === message.role) {
    last.content = `${last.content}\n\n${message.content}`;
    if (message.images?.length) last.images = [...(last.images ?? []), ...message.images];
  } else history.push({ ...message });
  return history;
}
