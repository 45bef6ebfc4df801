/**
 * What one fake-model response does, in protocol-neutral terms. Each fake server translates it into
 * its own API's wire format, so the same scenario can drive the OpenAI and the Anthropic adapter.
 */
export interface FakeScenario {
  /** The answer text. Default: a short greeting. An empty string streams no text. */
  text?: string;
  /** Reasoning streamed before the text (OpenAI-compatible: `reasoning_content`; Anthropic: a thinking block). */
  reasoning?: string;
  /**
   * Tool calls streamed after the text, each with its arguments as raw JSON text (malformed on purpose
   * if you like), in fragments of `argumentChars` characters. The finish reason defaults to the
   * protocol's tool stop (`tool_calls` / `tool_use`).
   */
  toolCalls?: FakeToolCall[];
  /** Characters per streamed token. Default 4. */
  tokenChars?: number;
  /** Pace of the token stream. Default: no pacing, every token at once. */
  tokensPerSecond?: number;
  /** Delay before the response headers (or the error status), to exercise the SDK's request timeout. */
  responseDelayMs?: number;
  /** Delay between the response headers (and the protocol's opening event) and the first token. Default 0. */
  firstTokenDelayMs?: number;
  /**
   * Token counts in `Usage` terms: `inputTokens` includes cached and cache-written tokens, `outputTokens`
   * includes reasoning tokens; each server derives its own wire numbers from these. `'none'` sends no
   * usage report. Default: derived from the prompt and answer lengths.
   */
  usage?: FakeUsage | 'none';
  /**
   * OpenAI only: send `prompt_tokens_details` / `completion_tokens_details` with the usage. Default true
   * (as OpenAI does); false imitates compatible servers that report only the three totals.
   */
  usageDetails?: boolean;
  /**
   * Anthropic only: how many `message_delta` events carry the running output total. Default 1, as a
   * plain answer gets; more imitates streams with server tools, where every delta is cumulative.
   */
  messageDeltaCount?: number;
  /** The protocol's own finish value (`stop`, `length`, `end_turn`, `max_tokens`...). Default: a normal stop. */
  finishReason?: string;
  /** Reply with an HTTP error instead of a stream. */
  error?: FakeHttpError;
  /** Send an error event in the stream at `at`, then end the response. */
  errorEvent?: FakeStreamError;
  /** Destroy the socket at this point (the client sees the connection cut mid-body). */
  disconnectAt?: StreamPoint;
  /** Stop sending at this point, keeping the connection open until the client leaves or the server closes. */
  stallAt?: StreamPoint;
}

/**
 * A point in a stream: after at least N characters of content (reasoning + text) were sent — 0 is right
 * after the opening event; more than the content length is after the content, before the finish —, or
 * `'before-usage'`: after the finish reason, before the usage report.
 */
export type StreamPoint = number | 'before-usage';

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** An HTTP error before any streaming, worded as each real API words it. */
export type FakeHttpError =
  | { kind: 'authentication' }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server' }
  /** Anthropic: 529 `overloaded_error`; OpenAI: 503. */
  | { kind: 'overloaded' }
  | { kind: 'context-too-long'; promptTokens?: number; maxTokens?: number }
  | { kind: 'model-not-found' }
  /** Any status with a body of your own (sent as JSON). */
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> };

export interface FakeStreamError {
  at: StreamPoint;
  /** Default `overloaded` (Anthropic `overloaded_error`; OpenAI `server_error`). */
  kind?: 'overloaded' | 'server' | 'rate-limit';
  message?: string;
}

export const DEFAULT_SCENARIO: FakeScenario = { text: 'Hello! This is the fake model speaking.' };

export interface FakeToken {
  kind: 'reasoning' | 'text';
  text: string;
}

/** Splits text into tokens of `size` characters without cutting a surrogate pair in two. */
export function splitIntoTokens(
  kind: FakeToken['kind'],
  text: string,
  size: number,
  into: FakeToken[],
): void {
  const step = Math.max(1, Math.floor(size));
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + step);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    into.push({ kind, text: text.slice(start, end) });
    start = end;
  }
}

/** A rough prompt size in tokens, so default usage looks plausible. */
export function estimatePromptTokens(system: string | undefined, messages: readonly unknown[]): number {
  let chars = system?.length ?? 0;
  for (const message of messages) chars += contentText(message).length;
  return Math.ceil(chars / 4) + 4 * messages.length + (system ? 4 : 0);
}

/** The text of a message's `content`, whether a string or an array of `{ text }` blocks. */
export function contentText(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

/** The usage a scenario reports, or undefined for `'none'`. */
export function resolveUsage(
  scenario: FakeScenario,
  promptTokens: number,
  tokens: readonly FakeToken[],
): FakeUsage | undefined {
  if (scenario.usage === 'none') return undefined;
  if (scenario.usage) return scenario.usage;
  let reasoningChars = 0;
  let textChars = 0;
  for (const token of tokens) {
    if (token.kind === 'reasoning') reasoningChars += token.text.length;
    else textChars += token.text.length;
  }
  const reasoningTokens = Math.ceil(reasoningChars / 4);
  const usage: FakeUsage = {
    inputTokens: promptTokens,
    outputTokens: reasoningTokens + Math.max(1, Math.ceil(textChars / 4)),
  };
  if (reasoningChars > 0) usage.reasoningTokens = reasoningTokens;
  return usage;
}

export interface FakeToolCall {
  /** Default: a generated `call_…` / `toolu_…` id. */
  id?: string;
  name: string;
  /** The arguments JSON exactly as the model writes it. */
  arguments: string;
  /** Characters per argument fragment. Default 3 (cuts strings, escapes and emoji apart). */
  argumentChars?: number;
}

/** The argument JSON cut into fragments of `size` UTF-16 units, surrogate pairs kept whole. */
export function splitArguments(call: FakeToolCall): string[] {
  const tokens: FakeToken[] = [];
  splitIntoTokens('text', call.arguments, call.argumentChars ?? 3, tokens);
  return tokens.map((token) => token.text);
}
