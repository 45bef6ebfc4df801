/**
 * Typed provider failures. Adapters translate every SDK error into one of these once, so callers
 * branch on the class (or `kind`) and never on an SDK or on message text. Messages never contain
 * API keys: provider text is passed through `redactSecrets` before it becomes `detail`.
 */

export type ProviderErrorKind =
  | 'authentication'
  | 'rate-limited'
  | 'server'
  | 'connection-lost'
  | 'inactivity-timeout'
  | 'aborted'
  | 'context-too-long'
  | 'bad-request'
  | 'unknown';

export interface ProviderErrorOptions {
  /** The provider name from `MODELS`, e.g. `openai`, `deepseek`. */
  provider: string;
  model: string;
  /** HTTP status, when the failure was an HTTP response (an error event inside a stream has none). */
  status?: number | undefined;
  /** The provider's own error code or type (`context_length_exceeded`, `overloaded_error`), for logs. */
  code?: string | undefined;
  /** The provider's explanation, already redacted. */
  detail?: string | undefined;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind = 'unknown';
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;

  constructor(summary: string, options: ProviderErrorOptions) {
    const status = options.status === undefined ? '' : ` (HTTP ${options.status})`;
    const detail = options.detail ? `: ${options.detail}` : '';
    super(`${options.provider} ${options.model}: ${summary}${status}${detail}`, { cause: options.cause });
    this.name = new.target.name;
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.code = options.code;
    this.detail = options.detail;
  }
}

/** 401/403: the key is wrong, revoked, or not allowed to use this model. */
export class ProviderAuthenticationError extends ProviderError {
  override readonly kind = 'authentication';
  constructor(options: ProviderErrorOptions) {
    super('authentication failed', options);
  }
}

/** 429, or a rate-limit error event. `retryAfterSeconds` comes from `retry-after(-ms)` when sent. */
export class ProviderRateLimitedError extends ProviderError {
  override readonly kind = 'rate-limited';
  readonly retryAfterSeconds: number | undefined;
  constructor(options: ProviderErrorOptions & { retryAfterSeconds?: number | undefined }) {
    const after =
      options.retryAfterSeconds === undefined ? '' : `, retry after ${options.retryAfterSeconds} s`;
    super(`rate limited${after}`, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * 5xx, or an error event inside a stream (then `status` is undefined). `overloaded` marks Anthropic's
 * 529 / `overloaded_error` and 503: transient, worth trying again shortly.
 */
export class ProviderServerError extends ProviderError {
  override readonly kind = 'server';
  readonly overloaded: boolean;
  constructor(options: ProviderErrorOptions & { overloaded: boolean }) {
    super(options.overloaded ? 'provider overloaded' : 'provider server error', options);
    this.overloaded = options.overloaded;
  }
}

/** The connection failed or was cut (mid-stream, or the stream ended without its closing event). */
export class ProviderConnectionLostError extends ProviderError {
  override readonly kind = 'connection-lost';
  constructor(options: ProviderErrorOptions) {
    super('connection lost', options);
  }
}

/** Nothing arrived for `timeoutMs`: between stream chunks, or while waiting for the response headers. */
export class ProviderInactivityTimeoutError extends ProviderError {
  override readonly kind = 'inactivity-timeout';
  readonly timeoutMs: number;
  constructor(options: ProviderErrorOptions & { timeoutMs: number }) {
    super(`no data for ${options.timeoutMs} ms`, options);
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's AbortSignal fired. Never a normal finish: the answer is incomplete. */
export class ProviderAbortedError extends ProviderError {
  override readonly kind = 'aborted';
  constructor(options: ProviderErrorOptions) {
    super('request aborted', options);
  }
}

/** The prompt (history + system) does not fit the model's context window. */
export class ProviderContextTooLongError extends ProviderError {
  override readonly kind = 'context-too-long';
  constructor(options: ProviderErrorOptions) {
    super('prompt too long for the model', options);
  }
}

/** Any other rejected request: unknown model (404), invalid parameters (400, 422). */
export class ProviderBadRequestError extends ProviderError {
  override readonly kind = 'bad-request';
  constructor(options: ProviderErrorOptions) {
    super('request rejected', options);
  }
}

/** What an adapter's error classifier needs besides the error. */
export interface ClassifyContext {
  provider: string;
  model: string;
  /** Redacted from any provider text. */
  apiKey: string;
  /** The SDK's header timeout, reported when it fires. */
  requestTimeoutMs: number;
}

const KEY_LIKE = /\b(?:sk|key|api)[-_][A-Za-z0-9_\-*.]{8,}/g;

/** Removes the given secrets and anything that looks like an API key from provider text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let safe = text;
  for (const secret of secrets) {
    if (secret.length >= 4) safe = safe.split(secret).join('[redacted]');
  }
  return safe.replace(KEY_LIKE, '[redacted]');
}
