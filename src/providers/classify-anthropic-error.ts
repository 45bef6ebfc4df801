import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { isConnectionCut } from './connection-cut.js';
import {
  type ClassifyContext,
  ProviderAbortedError,
  ProviderAuthenticationError,
  ProviderBadRequestError,
  ProviderConnectionLostError,
  ProviderContextTooLongError,
  ProviderError,
  ProviderInactivityTimeoutError,
  ProviderRateLimitedError,
  ProviderServerError,
  redactSecrets,
} from './errors.js';
import { readRetryAfterSeconds } from './retry-after.js';

/** Anthropic has no code for it: an `invalid_request_error` worded "prompt is too long: N tokens > M maximum". */
const PROMPT_TOO_LONG_TEXT = /prompt is too long/i;

/** Any error from the Anthropic SDK (or from the HTTP client beneath it) -> one ProviderError. */
export function classifyAnthropicError(error: unknown, context: ClassifyContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const base = { provider: context.provider, model: context.model, cause: error };
  const redact = (text: string) => redactSecrets(text, [context.apiKey]);

  if (error instanceof APIUserAbortError) return new ProviderAbortedError(base);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderInactivityTimeoutError({ ...base, timeoutMs: context.requestTimeoutMs });
  }
  if (error instanceof APIConnectionError) return new ProviderConnectionLostError(base);
  if (error instanceof APIError) {
    const type = error.type ?? undefined;
    const message = error.apiMessage === null ? undefined : redact(error.apiMessage);
    const info = { ...base, status: error.status, code: type, detail: message };

    if (
      error instanceof AuthenticationError ||
      error instanceof PermissionDeniedError ||
      type === 'authentication_error' ||
      type === 'permission_error'
    ) {
      return new ProviderAuthenticationError(info);
    }
    if (error instanceof RateLimitError || type === 'rate_limit_error') {
      return new ProviderRateLimitedError({
        ...info,
        retryAfterSeconds: readRetryAfterSeconds(error.headers),
      });
    }
    if (error instanceof OverloadedError || type === 'overloaded_error') {
      return new ProviderServerError({ ...info, overloaded: true });
    }
    if (type === 'invalid_request_error' && message !== undefined && PROMPT_TOO_LONG_TEXT.test(message)) {
      return new ProviderContextTooLongError(info);
    }
    // No status: an `event: error` inside the stream (after the 200).
    if (error.status === undefined || error.status >= 500 || type === 'api_error') {
      return new ProviderServerError({ ...info, overloaded: error.status === 503 });
    }
    return new ProviderBadRequestError(info);
  }
  // `messages.stream()` re-wraps undici's TypeError('terminated') as a plain AnthropicError.
  if (isConnectionCut(error) || (error instanceof AnthropicError && isConnectionCut(error.cause))) {
    return new ProviderConnectionLostError(base);
  }
  const detail = error instanceof Error ? redact(`${error.name}: ${error.message}`) : undefined;
  return new ProviderError('unexpected failure', { ...base, detail });
}
