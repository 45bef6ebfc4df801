import type { MediaError } from './errors.js';

/** One line for the user: what went wrong with their file and what to do. */
export function describeMediaFailure(error: MediaError): string {
  switch (error.kind) {
    case 'get-file':
    case 'download':
    case 'cut':
      return '⚠️ I couldn’t download your file from Telegram. Please send it again.';
    case 'too-large':
      return '📦 That file is too large for me. Send a smaller one (or the part that matters).';
    case 'empty':
      return '📭 That file is empty. Send it again with something in it.';
    case 'transcription':
      return '🎤 I couldn’t transcribe that voice message right now. Try again in a moment, or type it.';
    case 'heard-nothing':
      return '🎤 I couldn’t hear any words in that. Try again a little closer to the microphone, or type it.';
    case 'scanned-pdf':
      return '📄 That PDF has no text I can read (it looks scanned). Send a PDF with text, or photos of the pages.';
    case 'bad-pdf':
      return '📄 I couldn’t open that PDF: it seems damaged. Send it again, or paste the text.';
    case 'bad-picture':
      return '🖼 I couldn’t read that picture: it seems damaged or is not a JPEG, PNG, WebP or GIF.';
    case 'not-text':
      return '📄 I couldn’t read that file as text.';
  }
}
