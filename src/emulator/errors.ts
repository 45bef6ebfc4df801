/**
 * A Bot API failure, answered to the client exactly as Telegram does:
 * `{"ok":false,"error_code":status,"description":...,"parameters":{...}}` with the same HTTP status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters: { retry_after?: number; migrate_to_chat_id?: number } = {},
  ) {
    super(`${status}: ${description}`);
  }
}

/** A test drove the emulator in a way no real user could (unknown chat, missing draft, ...). */
export class EmulatorUsageError extends Error {
  override readonly name = 'EmulatorUsageError';
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

export const cantParseEntities = (why: string): ApiError =>
  new ApiError(400, `Bad Request: can't parse entities: ${why}`);

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });

export const chatNotFound = (): ApiError => badRequest('chat not found');

export const botBlocked = (): ApiError => new ApiError(403, 'Forbidden: bot was blocked by the user');

export const notModified = (): ApiError =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

/** Telegram's exact wording for the errors streaming code reacts to, in one place. */
export const DESCRIPTIONS = {
  unauthorized: 'Unauthorized',
  notFound: 'Not Found',
  chatNotFound: 'Bad Request: chat not found',
  blocked: 'Forbidden: bot was blocked by the user',
  tooLong: 'Bad Request: message is too long',
  empty: 'Bad Request: message text is empty',
  editNotFound: 'Bad Request: message to edit not found',
  cantEdit: "Bad Request: message can't be edited",
  deleteNotFound: 'Bad Request: message to delete not found',
  draftPeerInvalid: 'Bad Request: TEXTDRAFT_PEER_INVALID',
  draftIdInvalid: 'Bad Request: draft_id must be non-zero',
  getUpdatesConflictWebhook:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  getUpdatesConflictOther:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  queryTooOld: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
} as const;
