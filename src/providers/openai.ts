import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { classifyOpenAIError } from './classify-openai-error.js';
import { withConsumerErrors } from './consumer-error.js';
import { type ClassifyContext, ProviderConnectionLostError } from './errors.js';
import { mapOpenAIMessages, mapOpenAITools } from './map-openai-messages.js';
import { createNodeHttpFetch } from './node-http-fetch.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT_MS } from './provider-defaults.js';
import { createOpenAIChunkReader } from './read-openai-chunks.js';
import { createStreamGuard } from './stream-guard.js';
import { toolTurnsAsText } from './tool-turns-as-text.js';
import type { ChatRequest, ModelProvider, StreamEvent } from './types.js';

export interface OpenAIProviderOptions {
  /** The provider name used in `MODELS` (`openai`, `deepseek`, `ollama`...). */
  name: string;
  /** Keyless local servers (Ollama, vLLM) may pass an empty string. */
  apiKey: string;
  /** The endpoint, ending in `/v1` for most. Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Longest silence between stream chunks before the request is aborted with an inactivity error. */
  inactivityTimeoutMs: number;
  /** SDK timeout for the response headers, per attempt. Default 60 s. */
  requestTimeoutMs?: number;
  /** SDK retries before streaming starts. Default 2. */
  maxRetries?: number;
  /**
   * The field that carries `maxOutputTokens`. OpenAI's reasoning models accept only
   * `max_completion_tokens`; some compatible servers know only `max_tokens`. Default `max_completion_tokens`.
   */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
}

/**
 * A ModelProvider for the OpenAI chat-completions protocol, used for every OpenAI-compatible endpoint
 * with its own base URL and key.
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const client = new OpenAI({
    // The SDK refuses an empty key; keyless servers ignore the header.
    apiKey: options.apiKey || 'no-key',
    baseURL: options.baseURL ?? 'https://api.openai.com/v1',
    // Explicit nulls keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from leaking to compatible endpoints.
    organization: null,
    project: null,
    timeout: requestTimeoutMs,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: createNodeHttpFetch(),
  });
  const maxTokensField = options.maxTokensField ?? 'max_completion_tokens';

  return {
    name: options.name,
    stream: (request, signal, onEvent) =>
      withConsumerErrors(onEvent, (emit) =>
        streamChatCompletion(client, request, signal, emit, {
          inactivityTimeoutMs: options.inactivityTimeoutMs,
          maxTokensField,
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

async function streamChatCompletion(
  client: OpenAI,
  request: ChatRequest,
  signal: AbortSignal,
  emit: (event: StreamEvent) => void,
  settings: {
    inactivityTimeoutMs: number;
    maxTokensField: 'max_completion_tokens' | 'max_tokens';
    classify: ClassifyContext;
  },
): Promise<void> {
  const context = { provider: settings.classify.provider, model: request.model };
  const guard = createStreamGuard({ signal, inactivityTimeoutMs: settings.inactivityTimeoutMs, context });
  const reader = createOpenAIChunkReader();
  try {
    try {
      const interrupted = guard.interruption();
      if (interrupted) throw interrupted;
      const stream = await client.chat.completions.create(toRequestBody(request, settings.maxTokensField), {
        signal: guard.signal,
      });
      guard.startInactivityTimer();
      for await (const chunk of stream) {
        // An abort can end the SDK's loop silently or leave parsed chunks behind: check every chunk.
        if (guard.isStopped()) break;
        guard.chunkArrived();
        for (const event of reader.read(chunk)) emit(event);
        guard.waitingAgain();
      }
    } catch (error) {
      throw guard.interruption() ?? classifyOpenAIError(error, settings.classify);
    }
    const interrupted = guard.interruption();
    if (interrupted) throw interrupted;
    if (reader.wasCut()) {
      throw new ProviderConnectionLostError({
        ...context,
        detail: 'the stream ended without a finish reason',
      });
    }
    for (const event of reader.end()) emit(event);
  } finally {
    guard.dispose();
  }
}

function toRequestBody(
  request: ChatRequest,
  maxTokensField: 'max_completion_tokens' | 'max_tokens',
): ChatCompletionCreateParamsStreaming {
  const body: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    // `tool` messages without `tools` are refused by some compatible servers: send them as text.
    messages: mapOpenAIMessages(
      request.system,
      request.tools && request.tools.length > 0 ? request.messages : toolTurnsAsText(request.messages),
    ),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = mapOpenAITools(request.tools);
    if (request.toolChoice === 'none') body.tool_choice = 'none';
  }
  if (request.maxOutputTokens !== undefined) body[maxTokensField] = request.maxOutputTokens;
  return body;
}
