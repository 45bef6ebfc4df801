import type { ReadAttachments } from '../media/read-attachments.js';
import type { Transcript } from '../media/transcribe-audio.js';
import type { UserMessage } from '../providers/types.js';
import type { Question } from './answer-question.js';

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

/** What the user sees first in an answer to a voice message: what was heard, quoted and short. */
export function quoteTranscripts(transcripts: readonly Transcript[]): string {
  if (transcripts.length === 0) return '';
  const heard = transcripts.map((transcript) => transcript.text).join(' ');
  const short = heard.length > 300 ? `${heard.slice(0, 300).trimEnd()}…` : heard;
  return `> 🎤 ${short.replace(/\s*\n\s*/g, ' ')}\n\n`;
}
