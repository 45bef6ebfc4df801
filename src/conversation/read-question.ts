import type { ReadAttachments } from '../media/read-attachments.js';
import type { ChatMessage } from '../providers/types.js';
import type { Question } from './answer-question.js';

/**
 * The user turn the model gets: the question's text, after the text of any documents, with its
 * pictures. Fetching happens here, in the chat's turn, so a photo and the text after it keep their order.
 */
export async function readQuestion(
  question: Question,
  readAttachments: ReadAttachments | undefined,
  signal: AbortSignal,
): Promise<ChatMessage> {
  const attachments = question.attachments ?? [];
  if (attachments.length === 0 || readAttachments === undefined)
    return { role: 'user', content: question.text };
  const { images, text } = await readAttachments(attachments, signal);
  const content = [text, question.text].filter((part) => part.trim() !== '').join('\n\n');
  return { role: 'user', content, ...(images.length > 0 ? { images } : {}) };
}
