import type { ImageInput } from './image-input.js';

/** One message of the conversation as a model sees it. Reasoning is never sent back. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  /** Pictures sent with a user message, shown to the model before its text. */
  images?: readonly ImageInput[];
}

export interface ChatRequest {
  /** The provider's own model id, e.g. `gpt-5` or `claude-sonnet-4-5`. */
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  /**
   * Ask the model to think first, spending up to this many tokens on reasoning (Anthropic's extended
   * thinking). OpenAI-compatible reasoning models reason on their own and ignore it.
   */
  thinkingBudgetTokens?: number;
}

/**
 * Token counts exactly as the provider reported them in its final usage report.
 * A field a provider does not report is `undefined`, never a guess.
 */
export interface Usage {
  /** Every prompt token, including those read from or written to a cache. */
  inputTokens: number;
  /** Every generated token, including reasoning tokens. */
  outputTokens: number;
  /** The part of `inputTokens` read from the prompt cache. */
  cachedInputTokens?: number;
  /** The part of `inputTokens` written to the prompt cache (Anthropic). */
  cacheWriteTokens?: number;
  /** The part of `outputTokens` spent on reasoning. */
  reasoningTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'other';

/** The one normalized event type every provider adapter yields. */
export type StreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  /** `usage` is undefined when the provider sent no usage report. */
  | { type: 'finish'; reason: FinishReason; usage: Usage | undefined };

export interface ModelProvider {
  /** The provider name used in `MODELS`, e.g. `openai`, `anthropic`, `deepseek`. */
  readonly name: string;
  /**
   * Streams one answer. Ends with exactly one `finish` event, or throws a `ProviderError`
   * (an aborted signal throws `ProviderAbortedError`).
   */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}
