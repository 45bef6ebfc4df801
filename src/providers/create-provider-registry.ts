import type { Config } from '../config.js';
import { createAnthropicProvider } from './anthropic.js';
import { createOpenAIProvider } from './openai.js';
import type { ModelProvider } from './types.js';

/** One adapter per configured provider, keyed by the name used in `MODELS`. */
export function createProviderRegistry(
  config: Pick<Config, 'providers' | 'provider'>,
): Map<string, ModelProvider> {
  const registry = new Map<string, ModelProvider>();
  for (const provider of config.providers) {
    const common = {
      name: provider.name,
      // Keyless local servers (Ollama, vLLM) still need a value: the SDKs refuse to start without one.
      apiKey: provider.apiKey ?? 'none',
      ...(provider.baseURL === undefined ? {} : { baseURL: provider.baseURL }),
      inactivityTimeoutMs: config.provider.idleTimeoutMs,
      requestTimeoutMs: config.provider.requestTimeoutMs,
      maxRetries: config.provider.maxRetries,
    };
    registry.set(
      provider.name,
      provider.protocol === 'anthropic'
        ? createAnthropicProvider({ ...common, defaultMaxOutputTokens: config.provider.maxOutputTokens })
        : createOpenAIProvider({
            ...common,
            // OpenAI's reasoning models require the newer field; compatible servers mostly know only max_tokens.
            maxTokensField: provider.name === 'openai' ? 'max_completion_tokens' : 'max_tokens',
          }),
    );
  }
  return registry;
}
