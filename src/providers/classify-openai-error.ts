import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
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

/**
 * Compatible servers (vLLM, Ollama, OpenRouter) often send no `code`; only then is the message read.
 * OpenAI itself says `context_length_exceeded`.
 */
const CONTEXT_TOO_LONG_TEXT =
  /maximum context length|context length|context window|prompt is too long|too many tokens/i;

/** Any error from the openai SDK (or from the HTTP client beneath it) -> one ProviderError. */
export function classifyOpenAIError(error: unknown, context: ClassifyContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const base = { provider: context.provider, model: context.model, cause: error };
  const redact = (text: string) => redactSecrets(text, [context.apiKey]);

  if (error instanceof APIUserAbortError) return new ProviderAbortedError(base);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderInactivityTimeoutError({ ...base, timeoutMs: context.requestTimeoutMs });
  }
  if (error instanceof APIConnectionError) return new ProviderConnectionLostError(base);
  if (error instanceof APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? redact(body.message) : undefined;
    const code = typeof error.code === 'string' ? error.code : undefined;
    const info = { ...base, status: error.status, code: code ?? error.type, detail: message };

    if (code === 'context_length_exceeded') return new ProviderContextTooLongError(info);
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      // OpenAI echoes part of the key in its 401 text: keep none of it.
      return new ProviderAuthenticationError({ ...info, detail: undefined });
    }
    if (error instanceof RateLimitError || code === 'rate_limit_exceeded') {
      return new ProviderRateLimitedError({
        ...info,
        retryAfterSeconds: readRetryAfterSeconds(error.headers),
      });
    }
    // No status: an error object inside the stream, which OpenAI sends for failures after the 200.
    if (error.status === undefined || error.status >= 500) {
      return new ProviderServerError({ ...info, overloaded: error.status === 503 || error.status === 529 });
    }
    if (code === undefined && message !== undefined && CONTEXT_TOO_LONG_TEXT.test(message)) {
      return new ProviderContextTooLongError(info);
    }
    return new ProviderBadRequestError(info);
  }
  if (isConnectionCut(error)) return new ProviderConnectionLostError(base);
  const detail = error instanceof Error ? redact(`${error.name}: ${error.message}`) : undefined;
  return new ProviderError('unexpected failure', { ...base, detail });
}
