import type { ReadAttachments } from '../media/read-attachments.js';
import type { Transcript } from '../media/transcribe-audio.js';
import type { ImageInput } from '../providers/image-input.js';
import type { UserMessage } from '../providers/types.js';
import type { MessageRecord } from '../storage/messages.js';
import type { ChatActivity } from '../telegram/chat-activity.js';
import type { Question } from './answer-question.js';
import { isPicture, loadHistoryImages } from './history-images.js';

/**
 * The user turn the model gets: the question's text, after the text of any documents or voice
 * messages, with its pictures. Fetching happens here, in the chat's turn, so a photo and the text
 * after it keep their order.
 */
export async function readQuestion(
  question: Question,
  readAttachments: ReadAttachments | undefined,
  signal: AbortSignal,
): Promise<{ message: UserMessage; transcripts: Transcript[] }> {
  const attachments = question.attachments ?? [];
  if (attachments.length === 0 || readAttachments === undefined) {
    return { message: { role: 'user', content: question.text }, transcripts: [] };
  }
  const { images, text, transcripts } = await readAttachments(attachments, signal);
  const content = [text, question.text].filter((part) => part.trim() !== '').join('\n\n');
  return { message: { role: 'user', content, ...(images.length > 0 ? { images } : {}) }, transcripts };
}

/**
 * The question's turn and the history's pictures, read while "typing…" shows: downloading,
 * transcribing and reading files can take seconds before the answer's delivery starts.
 */
export async function readTurn(
  question: Question,
  chain: readonly MessageRecord[],
  options: {
    readAttachments: ReadAttachments | undefined;
    /** Most pictures in one request: the question's own first, then the history's newest. */
    maxImages: number;
    chatActivity: ChatActivity | undefined;
    signal: AbortSignal;
  },
): Promise<{
  read: { message: UserMessage; transcripts: Transcript[] };
  pictures: Map<number, ImageInput[]>;
}> {
  // Only when there is something to fetch: a plain text question starts no timer at all.
  const fetches =
    (question.attachments?.length ?? 0) > 0 || chain.some((message) => message.attachments.some(isPicture));
  const endActivity = fetches
    ? options.chatActivity?.show({ id: question.chat.id, threadId: question.threadId })
    : undefined;
  try {
    const read = await readQuestion(question, options.readAttachments, options.signal);
    const pictures = await loadHistoryImages(chain, {
      maxImages: Math.max(0, options.maxImages - (read.message.images?.length ?? 0)),
      readAttachments: options.readAttachments,
      signal: options.signal,
    });
    return { read, pictures };
  } finally {
    endActivity?.();
  }
}

/** What the user sees first in an answer to a voice message: what was heard, quoted and short. */
export function quoteTranscripts(transcripts: readonly Transcript[]): string {
  if (transcripts.length === 0) return '';
  const heard = transcripts.map((transcript) => transcript.text).join(' ');
  const short = heard.length > 300 ? `${heard.slice(0, 300).trimEnd()}…` : heard;
  return `> 🎤 ${short.replace(/\s*\n\s*/g, ' ')}\n\n`;
}
