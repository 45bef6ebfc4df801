import type { Attachment } from '../media/attachment.js';
import { classifyDocument } from '../media/classify-document.js';
import { MediaError } from '../media/errors.js';
import type { ReadAttachments } from '../media/read-attachments.js';
import type { ImageInput } from '../providers/image-input.js';
import type { MessageRecord, MessageRepository } from '../storage/messages.js';

/** Stands in for a picture older than the most recent ones sent, or one Telegram no longer serves. */
export const OLDER_PICTURE = '[an earlier picture, not shown again]';
/** Stands in for a picture sent in a request a provider refused (see markRefusedPictures). */
export const REFUSED_PICTURE = '[an earlier picture the model could not take, left out]';

export const isPicture = (attachment: Attachment) =>
  attachment.kind === 'image' || classifyDocument(attachment.fileName, undefined).kind === 'image';

const sendable = (attachment: Attachment) => isPicture(attachment) && attachment.refused !== true;

/**
 * The pictures of the chain's user messages, fetched again: only the `maxImages` most recent ones,
 * by message id. A picture that cannot be fetched any more is left out, never failing the question;
 * so is one a provider refused before.
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
    const pictures = message.attachments.filter(sendable).slice(-left);
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

/** The placeholders standing in for a stored message's pictures that are not sent again. */
export function picturePlaceholders(
  message: MessageRecord,
  shown: ReadonlyMap<number, ImageInput[]>,
): string[] {
  const pictures = message.attachments.filter(isPicture);
  const refused = pictures.filter((attachment) => attachment.refused === true).length;
  const older = pictures.length - refused - (shown.get(message.id)?.length ?? 0);
  return [
    ...Array.from({ length: refused }, () => REFUSED_PICTURE),
    ...Array.from({ length: Math.max(0, older) }, () => OLDER_PICTURE),
  ];
}

/**
 * Marks every picture of these user messages refused (they went with a request a provider refused
 * with a 400), so later turns send a placeholder instead of failing the same way again.
 */
export async function markPicturesRefused(
  messages: Pick<MessageRepository, 'get' | 'updateAttachments'>,
  messageIds: readonly number[],
): Promise<void> {
  for (const id of messageIds) {
    const marked = markRefusedPictures((await messages.get(id))?.attachments ?? []);
    if (marked !== undefined) await messages.updateAttachments(id, marked);
  }
}

/** The attachments with every picture marked refused; undefined when there is none to mark. */
function markRefusedPictures(attachments: readonly Attachment[]): Attachment[] | undefined {
  if (!attachments.some(sendable)) return undefined;
  return attachments.map((attachment) =>
    sendable(attachment) ? { ...attachment, refused: true as const } : attachment,
  );
}
