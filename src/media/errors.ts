/**
 * Why a file from Telegram could not be used:
 * - `get-file`: Telegram refused `getFile` (unknown or expired file, or an API failure).
 * - `download`: the download answered an error status or the connection failed.
 * - `cut`: the download ended before all announced bytes arrived.
 * - `too-large`: over Telegram's 20 MB download limit or our own limit.
 * - `empty`: the file has no bytes.
 * - `unsupported`: a type we cannot read (an archive, a program, a corrupt image).
 * - `transcription`: the speech-to-text endpoint failed or heard nothing.
 */
export type MediaFailureKind =
  | 'get-file'
  | 'download'
  | 'cut'
  | 'too-large'
  | 'empty'
  | 'unsupported'
  | 'transcription';

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
