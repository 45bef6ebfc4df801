import type { Config } from '../config.js';
import type { ModelProvider } from './types.js';

/**
 * One adapter per configured provider, keyed by the name used in `MODELS`. Each SDK is loaded only
 * when a configured provider speaks its protocol: loading the Anthropic SDK costs a bot that never
 * calls it about 30 MB of memory (measured), the OpenAI one about 10 MB.
 */
export async function createProviderRegistry(
  config: Pick<Config, 'providers' | 'provider'>,
): Promise<Map<string, ModelProvider>> {
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
        ? (await import('./anthropic.js')).createAnthropicProvider({
            ...common,
            defaultMaxOutputTokens: config.provider.maxOutputTokens,
          })
        : (await import('./openai.js')).createOpenAIProvider({
            ...common,
            // OpenAI's reasoning models require the newer field; compatible servers mostly know only max_tokens.
            maxTokensField: provider.name === 'openai' ? 'max_completion_tokens' : 'max_tokens',
          }),
    );
  }
  return registry;
}
