import {
  ProviderAuthenticationError,
  ProviderConnectionLostError,
  ProviderContextTooLongError,
  ProviderError,
  ProviderInactivityTimeoutError,
  ProviderRateLimitedError,
  ProviderServerError,
} from '../providers/errors.js';

/**
 * One short, actionable sentence about why an answer failed, for the user. Never the raw error:
 * provider text can be long, technical, or (in theory) echo a request.
 */
export function describeFailure(
  error: unknown,
  modelId: string,
  context: { withImages?: boolean } = {},
): string {
  if (error instanceof ProviderAuthenticationError) {
    return `The bot could not sign in to ${error.provider}. The bot owner needs to check its API key.`;
  }
  if (error instanceof ProviderRateLimitedError) {
    const wait =
      error.retryAfterSeconds === undefined ? 'in a minute' : `in ${formatWait(error.retryAfterSeconds)}`;
    return `${modelId} is receiving too many requests. Try again ${wait}.`;
  }
  if (error instanceof ProviderServerError) {
    return error.overloaded
      ? `${modelId} is overloaded right now. Try again in a minute, or pick another model with /model.`
      : `${error.provider} had a server error. Try again in a moment.`;
  }
  if (error instanceof ProviderInactivityTimeoutError) return `${modelId} stopped responding. Try again.`;
  if (error instanceof ProviderConnectionLostError)
    return `The connection to ${error.provider} was lost. Try again.`;
  if (error instanceof ProviderContextTooLongError) {
    return `This conversation is too long for ${modelId}. Start a new one with /new.`;
  }
  if (isPictureRefusal(error, context.withImages === true)) {
    return `${modelId} refused the picture. Try another picture, or another model with /model.`;
  }
  if (error instanceof ProviderError) {
    return `${error.provider} refused the request for ${modelId}. Try another model with /model.`;
  }
  return 'Something went wrong on our side. Try again.';
}

/** A 400 on a request with pictures is almost always a picture (format, size, content policy). */
export function isPictureRefusal(error: unknown, withImages: boolean): boolean {
  return (
    withImages &&
    error instanceof ProviderError &&
    error.status === 400 &&
    !(error instanceof ProviderContextTooLongError)
  );
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.ceil(seconds))} s` : `${Math.ceil(seconds / 60)} min`;
}
