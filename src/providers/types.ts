import type { ImageInput } from './image-input.js';

/**
 * One message of the conversation as a model sees it, in a provider-neutral shape; each adapter maps
 * it to its own wire format (map-openai-messages.ts, map-anthropic-messages.ts). Reasoning text is never
 * sent back, except Anthropic thinking blocks that precede a tool call, which the API requires verbatim.
 */
export type ChatMessage = UserMessage | AssistantMessage | ToolResultMessage;

export interface UserMessage {
  role: 'user';
  content: string;
  /** Pictures sent with a user message, shown to the model before its text. */
  images?: readonly ImageInput[];
}

export interface AssistantMessage {
  role: 'assistant';
  /** The text the model wrote in this turn (may be empty when it only called tools). */
  content: string;
  /** Tool calls the model made at the end of this turn; their results follow as `tool` messages. */
  toolCalls?: readonly ToolCall[];
  /** Signed thinking blocks (Anthropic) that preceded the tool calls, sent back as the API requires. */
  thinking?: readonly ThinkingBlock[];
}

/** The result of one tool call, answering the `ToolCall` with the same id. */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  /** The tool's name, for providers that want it next to the result. */
  name: string;
  content: string;
  /** The call failed (bad arguments, tool error, timeout): the text explains why, for the model. */
  isError?: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The parsed arguments; `{}` when the model's JSON was malformed (see `ToolCallEvent.error`). */
  arguments: Record<string, unknown>;
}

export interface ThinkingBlock {
  text: string;
  signature: string;
}

/** A tool the model may call, described with a JSON Schema for its arguments. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** A JSON Schema object (`{ type: 'object', properties, required }`). */
  inputSchema: Record<string, unknown>;
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
  /** Tools the model may call this round; none (or empty) means a text-only answer. */
  tools?: readonly ToolDefinition[];
  /**
   * `none`: the tools are described (history with tool calls needs them, for Anthropic) but the model
   * must answer in text. Default: the model decides.
   */
  toolChoice?: 'auto' | 'none';
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
  /** The model started a tool call; its arguments stream as `tool-call-delta` fragments. */
  | { type: 'tool-call-start'; id: string; name: string }
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  /**
   * A complete tool call, with its parsed arguments. `error` says why the arguments could not be
   * parsed (malformed JSON): the call must then be answered with an error result, not run.
   */
  | { type: 'tool-call'; call: ToolCall; error?: string }
  /** A signed thinking block ended (Anthropic): keep it to send back with the tool calls. */
  | { type: 'thinking-block'; block: ThinkingBlock }
  /** `usage` is undefined when the provider sent no usage report. */
  | { type: 'finish'; reason: FinishReason; usage: Usage | undefined };

export interface ModelProvider {
  /** The provider name used in `MODELS`, e.g. `openai`, `anthropic`, `deepseek`. */
  readonly name: string;
  /**
   * Streams one answer, handing each event to `onEvent` as it arrives; resolves after exactly one
   * `finish` event, or rejects with a `ProviderError` (an aborted signal: `ProviderAbortedError`).
   * What `onEvent` throws stops the stream and rejects with that error as it was. A callback rather
   * than an async iterator: an async generator's promises per token were several per cent of the
   * bot's CPU at 100 answers (measured in the delivery benchmark).
   */
  stream(request: ChatRequest, signal: AbortSignal, onEvent: (event: StreamEvent) => void): Promise<void>;
}
