import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import { classifyAnthropicError } from './classify-anthropic-error.js';
import { withConsumerErrors } from './consumer-error.js';
import { type ClassifyContext, ProviderConnectionLostError } from './errors.js';
import { mapAnthropicMessages, mapAnthropicTools } from './map-anthropic-messages.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { type AnthropicUsageTotals, mapAnthropicUsage } from './map-anthropic-usage.js';
import { createNodeHttpFetch } from './node-http-fetch.js';
import { completeToolCall } from './parse-tool-arguments.js';
import {
  DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './provider-defaults.js';
import { createStreamGuard } from './stream-guard.js';
import { toolTurnsAsText } from './tool-turns-as-text.js';
import type { ChatRequest, ModelProvider, StreamEvent } from './types.js';

export interface AnthropicProviderOptions {
  /** The provider name used in `MODELS`, usually `anthropic`. */
  name: string;
  apiKey: string;
  /** Default `https://api.anthropic.com` (the SDK appends `/v1/messages`). */
  baseURL?: string;
  /** Longest silence between stream events before the request is aborted with an inactivity error. */
  inactivityTimeoutMs: number;
  /** SDK timeout for the response headers, per attempt. Default 60 s. */
  requestTimeoutMs?: number;
  /** SDK retries before streaming starts. Default 2. */
  maxRetries?: number;
  /** `max_tokens` for requests without `maxOutputTokens` (Anthropic requires one). Default 8192. */
  defaultMaxOutputTokens?: number;
  /**
   * How the key is sent. The SDK (v1) sends `Authorization: Bearer`; some Anthropic-compatible
   * gateways accept only the older `x-api-key` header. Default `bearer`.
   */
  authHeader?: 'bearer' | 'x-api-key';
}

/**
 * A ModelProvider for the Anthropic messages protocol.
 *
 * It reads the raw event stream (`messages.create({ stream: true })`) rather than `messages.stream()`:
 * the helper rebuilds a whole message snapshot on every delta (work a CPU benchmark pays per token)
 * and re-wraps transport errors as plain `AnthropicError`s; the raw stream yields each event once and
 * keeps the SDK's error classes. The usage rules the helper follows are applied here instead: counters
 * are running totals (overwrite, never add), cache reads and writes are kept apart.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? 'https://api.anthropic.com',
    timeout: requestTimeoutMs,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: createNodeHttpFetch(),
    // Default headers come after the SDK's auth headers: a null removes its Bearer header.
    ...(options.authHeader === 'x-api-key'
      ? { defaultHeaders: { 'x-api-key': options.apiKey, authorization: null } }
      : {}),
  });
  const defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS;

  return {
    name: options.name,
    stream: (request, signal, onEvent) =>
      withConsumerErrors(onEvent, (emit) =>
        streamMessage(client, request, signal, emit, {
          inactivityTimeoutMs: options.inactivityTimeoutMs,
          defaultMaxOutputTokens,
          classify: {
            provider: options.name,
            model: request.model,
            apiKey: options.apiKey,
            requestTimeoutMs,
          },
        }),
      ),
  };
}

async function streamMessage(
  client: Anthropic,
  request: ChatRequest,
  signal: AbortSignal,
  emit: (event: StreamEvent) => void,
  settings: { inactivityTimeoutMs: number; defaultMaxOutputTokens: number; classify: ClassifyContext },
): Promise<void> {
  const context = { provider: settings.classify.provider, model: request.model };
  const guard = createStreamGuard({ signal, inactivityTimeoutMs: settings.inactivityTimeoutMs, context });
  try {
    const totals: AnthropicUsageTotals = {
      inputTokens: undefined,
      outputTokens: undefined,
      cacheReadTokens: undefined,
      cacheCreationTokens: undefined,
      thinkingTokens: undefined,
    };
    let stopReason: string | null = null;
    let stopped = false;
    // Open blocks by index: tool_use input arrives as partial_json, thinking ends with its signature.
    const blocks = new Map<
      number,
      | { kind: 'tool'; id: string; name: string; json: string }
      | { kind: 'thinking'; text: string; signature: string }
    >();
    try {
      const interrupted = guard.interruption();
      if (interrupted) throw interrupted;
      const stream = await client.messages.create(toRequestBody(request, settings.defaultMaxOutputTokens), {
        signal: guard.signal,
      });
      guard.startInactivityTimer();
      for await (const event of stream) {
        // An abort can end the SDK's loop silently or leave parsed events behind: check every event.
        if (guard.isStopped()) break;
        guard.chunkArrived();
        switch (event.type) {
          case 'content_block_start': {
            const block = event.content_block;
            if (block.type === 'tool_use') {
              blocks.set(event.index, { kind: 'tool', id: block.id, name: block.name, json: '' });
              emit({ type: 'tool-call-start', id: block.id, name: block.name });
            } else if (block.type === 'thinking') {
              blocks.set(event.index, { kind: 'thinking', text: '', signature: '' });
            }
            break;
          }
          case 'content_block_delta': {
            const delta = event.delta;
            const open = blocks.get(event.index);
            if (delta.type === 'text_delta') {
              if (delta.text) emit({ type: 'text-delta', text: delta.text });
            } else if (delta.type === 'thinking_delta') {
              if (open?.kind === 'thinking') open.text += delta.thinking;
              if (delta.thinking) emit({ type: 'reasoning-delta', text: delta.thinking });
            } else if (delta.type === 'signature_delta') {
              if (open?.kind === 'thinking') open.signature += delta.signature;
            } else if (delta.type === 'input_json_delta' && open?.kind === 'tool') {
              open.json += delta.partial_json;
              if (delta.partial_json) {
                emit({ type: 'tool-call-delta', id: open.id, argumentsDelta: delta.partial_json });
              }
            }
            break;
          }
          case 'content_block_stop': {
            const open = blocks.get(event.index);
            blocks.delete(event.index);
            if (open?.kind === 'tool') emit(completeToolCall(open.id, open.name, open.json));
            else if (open?.kind === 'thinking' && open.signature !== '') {
              emit({ type: 'thinking-block', block: { text: open.text, signature: open.signature } });
            }
            break;
          }
          case 'message_start': {
            const usage = event.message.usage;
            if (usage) {
              totals.inputTokens = usage.input_tokens;
              totals.outputTokens = usage.output_tokens;
              totals.cacheReadTokens = usage.cache_read_input_tokens;
              totals.cacheCreationTokens = usage.cache_creation_input_tokens;
            }
            break;
          }
          case 'message_delta': {
            if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
            const usage = event.usage;
            // Cumulative totals: overwrite what is present, never add.
            if (usage) {
              totals.outputTokens = usage.output_tokens;
              if (usage.input_tokens != null) totals.inputTokens = usage.input_tokens;
              if (usage.cache_read_input_tokens != null)
                totals.cacheReadTokens = usage.cache_read_input_tokens;
              if (usage.cache_creation_input_tokens != null) {
                totals.cacheCreationTokens = usage.cache_creation_input_tokens;
              }
              if (usage.output_tokens_details != null) {
                totals.thinkingTokens = usage.output_tokens_details.thinking_tokens;
              }
            }
            break;
          }
          case 'message_stop':
            stopped = true;
            break;
        }
        guard.waitingAgain();
      }
    } catch (error) {
      throw guard.interruption() ?? classifyAnthropicError(error, settings.classify);
    }
    const interrupted = guard.interruption();
    if (interrupted) throw interrupted;
    if (!stopped) {
      throw new ProviderConnectionLostError({ ...context, detail: 'the stream ended before message_stop' });
    }
    emit({ type: 'finish', reason: mapAnthropicStopReason(stopReason), usage: mapAnthropicUsage(totals) });
  } finally {
    guard.dispose();
  }
}

function toRequestBody(request: ChatRequest, defaultMaxOutputTokens: number): MessageCreateParamsStreaming {
  const body: MessageCreateParamsStreaming = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? defaultMaxOutputTokens,
    // Tool blocks without tool definitions are refused: then earlier calls go as text.
    messages: mapAnthropicMessages(
      request.tools && request.tools.length > 0 ? request.messages : toolTurnsAsText(request.messages),
    ),
    stream: true,
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = mapAnthropicTools(request.tools);
    if (request.toolChoice === 'none') body.tool_choice = { type: 'none' };
  }
  if (request.system) body.system = request.system;
  if (request.thinkingBudgetTokens !== undefined) {
    body.thinking = { type: 'enabled', budget_tokens: request.thinkingBudgetTokens };
    // Thinking counts toward max_tokens, which must leave room for the answer itself.
    body.max_tokens = Math.max(body.max_tokens, request.thinkingBudgetTokens + 1024);
  }
  return body;
}
