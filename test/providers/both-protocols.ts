import { afterEach } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import type { ModelProvider } from '../../src/providers/types.js';
import {
  createFakeAnthropicServer,
  createFakeOpenAIServer,
  type FakeModelServer,
} from '../support/fake-model/index.js';

const KEY = 'sk-test-both-0123456789';

export type Protocol = 'openai' | 'anthropic';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic'];

/**
 * Each adapter against its fake server, for tests that hold both to the same behaviour. Servers
 * started here are closed after each test of the file that calls this.
 */
export function useBothProtocols(): (
  name: Protocol,
) => Promise<{ provider: ModelProvider; server: FakeModelServer }> {
  const servers: FakeModelServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (name) => {
    const create = name === 'openai' ? createFakeOpenAIServer : createFakeAnthropicServer;
    const server = await create({ apiKey: KEY });
    servers.push(server);
    const options = { name, apiKey: KEY, baseURL: server.baseURL, inactivityTimeoutMs: 5_000, maxRetries: 0 };
    const provider = name === 'openai' ? createOpenAIProvider(options) : createAnthropicProvider(options);
    return { provider, server };
  };
}
