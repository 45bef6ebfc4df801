import { MediaError } from './errors.js';

/** The text of every page; a damaged file is a MediaError, a scanned one gives ''. */
export async function extractPdfText(bytes: Uint8Array): Promise<string> {
  // pdf.js loads on the first PDF: a bot nobody sends one to does not carry it.
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(pdf, { mergePages: true });
    return text.trim();
  } catch (error) {
    throw new MediaError('bad-pdf', 'the PDF could not be read', { cause: error });
  }
}
