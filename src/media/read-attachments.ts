import type { ImageInput } from '../providers/image-input.js';
import type { Attachment } from './attachment.js';
import { classifyDocument } from './classify-document.js';
import { detectImageType } from './detect-image-type.js';
import type { DownloadTelegramFile } from './download-telegram-file.js';
import { MediaError } from './errors.js';
import { extractPdfText } from './extract-pdf-text.js';
import { gifFirstFrame } from './gif-first-frame.js';
import type { TranscribeAudio, Transcript } from './transcribe-audio.js';

/** Fetches and reads every attachment; throws a MediaError the user can be told about. */
export type ReadAttachments = (
  attachments: readonly Attachment[],
  signal: AbortSignal,
) => Promise<{ images: ImageInput[]; text: string; transcripts: Transcript[] }>;

/**
 * Turns attachments into what a model takes: pictures as image input (type from the bytes),
 * documents as text headed by their file name, within `maxDocumentChars`.
 */
export function createAttachmentReader(deps: {
  download: DownloadTelegramFile;
  maxDocumentChars: number;
  /** Absent without TRANSCRIPTION_MODEL (the feature says so before anything is fetched). */
  transcribe?: TranscribeAudio | undefined;
}): ReadAttachments {
  return async (attachments, signal) => {
    const images: ImageInput[] = [];
    const texts: string[] = [];
    const transcripts: Transcript[] = [];
    for (const attachment of attachments) {
      const bytes = await deps.download(attachment.fileId, signal);
      if (bytes.length === 0) throw new MediaError('empty', 'the file is empty');
      if (attachment.kind === 'image') {
        images.push(toImage(bytes));
        continue;
      }
      if (attachment.kind === 'audio') {
        if (deps.transcribe === undefined) throw new MediaError('transcription', 'no transcription model');
        const transcript = await deps.transcribe(bytes, attachment.fileName, signal);
        if (transcript.text === '') throw new MediaError('heard-nothing', 'the transcription heard nothing');
        transcripts.push(transcript);
        texts.push(transcript.text);
        continue;
      }
      const kind = classifyDocument(attachment.fileName, undefined).kind;
      if (kind === 'image') {
        images.push(toImage(bytes));
        continue;
      }
      const text = kind === 'pdf' ? await extractPdfText(bytes) : decodeText(bytes);
      if (text.trim() === '') {
        throw kind === 'pdf'
          ? new MediaError('scanned-pdf', 'the PDF has no text layer (a scan?)')
          : new MediaError('empty', 'the file has only blank space');
      }
      if (text.length > deps.maxDocumentChars) {
        throw new MediaError(
          'too-large',
          `the file has ${text.length} characters of text, over ${deps.maxDocumentChars}`,
        );
      }
      texts.push(`File: ${attachment.fileName}\n"""\n${text}\n"""`);
    }
    return { images, text: texts.join('\n\n'), transcripts };
  };
}

function toImage(bytes: Buffer): ImageInput {
  const mediaType = detectImageType(bytes);
  if (mediaType === undefined)
    throw new MediaError('bad-picture', 'the picture is not a JPEG, PNG, WebP or GIF');
  // An animation goes as its first frame: a still picture every provider takes.
  if (mediaType === 'image/gif') return { mediaType: 'image/png', data: gifFirstFrame(bytes) };
  return { mediaType, data: bytes };
}

function decodeText(bytes: Buffer): string {
  // A NUL byte means binary content, whatever the file name says.
  if (bytes.includes(0)) throw new MediaError('not-text', 'the file is not text');
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}
