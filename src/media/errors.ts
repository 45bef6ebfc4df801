/**
 * Why a file from Telegram could not be used:
 * - `get-file`: Telegram refused `getFile` (unknown or expired file, or an API failure).
 * - `download`: the download answered an error status or the connection failed.
 * - `cut`: the download ended before all announced bytes arrived.
 * - `too-large`: over Telegram's 20 MB download limit or our own limit.
 * - `empty`: the file has no bytes.
 * - `bad-picture`: not a JPEG, PNG, WebP or GIF after all, or a damaged one.
 * - `bad-pdf`: a PDF that cannot be opened; `scanned-pdf`: one without a text layer.
 * - `not-text`: a file named like text whose bytes are not.
 * - `transcription`: the speech-to-text endpoint failed (or none is configured).
 * - `heard-nothing`: the transcription came back empty.
 */
export type MediaFailureKind =
  | 'get-file'
  | 'download'
  | 'cut'
  | 'too-large'
  | 'empty'
  | 'bad-picture'
  | 'bad-pdf'
  | 'scanned-pdf'
  | 'not-text'
  | 'transcription'
  | 'heard-nothing';

/** A file that could not be fetched or read; the message never holds the bot token or a file URL. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly kind: MediaFailureKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
