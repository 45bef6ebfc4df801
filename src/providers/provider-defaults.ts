/** Defaults shared by the adapters, resolved here only. */

/** SDK timeout per attempt for the response headers; the stream itself is watched by the inactivity timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** SDK retries of connection errors, 408, 409, 429 and 5xx before streaming starts (the SDKs' own default). */
export const DEFAULT_MAX_RETRIES = 2;

/** Anthropic requires `max_tokens`; used when a request sets none. */
export const DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS = 8_192;
