import type { Attachment } from '../media/attachment.js';
import { classifyDocument } from '../media/classify-document.js';
import { MediaError } from '../media/errors.js';
import type { ReadAttachments } from '../media/read-attachments.js';
import type { ImageInput } from '../providers/image-input.js';
import type { MessageRecord } from '../storage/messages.js';

/** Stands in for a picture older than the most recent ones sent, or one Telegram no longer serves. */
export const OLDER_PICTURE = '[an earlier picture, not shown again]';

const isPicture = (attachment: Attachment) =>
  attachment.kind === 'image' || classifyDocument(attachment.fileName, undefined).kind === 'image';

/**
 * The pictures of the chain's user messages, fetched again: only the `maxImages` most recent ones,
 * by message id. A picture that cannot be fetched any more is left out, never failing the question.
 */
export async function loadHistoryImages(
  chain: readonly MessageRecord[],
  options: { maxImages: number; readAttachments: ReadAttachments | undefined; signal: AbortSignal },
): Promise<Map<number, ImageInput[]>> {
  const result = new Map<number, ImageInput[]>();
  const reader = options.readAttachments;
  let left = options.maxImages;
  for (let index = chain.length - 1; index >= 0 && left > 0 && reader !== undefined; index--) {
    const message = chain[index];
    if (message?.role !== 'user') continue;
    const pictures = message.attachments.filter(isPicture).slice(-left);
    if (pictures.length === 0) continue;
    left -= pictures.length;
    try {
      result.set(message.id, (await reader(pictures, options.signal)).images);
    } catch (error) {
      if (!(error instanceof MediaError)) throw error;
    }
  }
  return result;
}

/** How many pictures of a stored message are not shown again. */
export function picturesLeftOut(message: MessageRecord, shown: ReadonlyMap<number, ImageInput[]>): number {
  return message.attachments.filter(isPicture).length - (shown.get(message.id)?.length ?? 0);
}
