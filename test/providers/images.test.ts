import { afterEach, describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { ProviderError } from '../../src/providers/errors.js';
import type { ImageInput } from '../../src/providers/image-input.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import type { ChatRequest } from '../../src/providers/types.js';
import {
  createFakeAnthropicServer,
  createFakeOpenAIServer,
  type FakeModelServer,
  recordedImages,
} from '../support/fake-model/index.js';
import { collect } from './collect-stream.js';

const KEY = 'sk-test-0123456789abcdef';
let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const png: ImageInput = { mediaType: 'image/png', data: encodeSolidPng(16, 8, [1, 2, 3]) };
const request = (images: ImageInput[], content = 'What is it?'): ChatRequest => ({
  model: 'm',
  messages: [{ role: 'user', content, images }],
  maxOutputTokens: 100,
});
const common = (baseURL: string) => ({ apiKey: KEY, baseURL, inactivityTimeoutMs: 5_000, maxRetries: 0 });

describe('pictures through the real SDKs', () => {
  it('OpenAI: an image_url part with a base64 data URL, before the text', async () => {
    server = await createFakeOpenAIServer({ apiKey: KEY });
    const provider = createOpenAIProvider({ name: 'openai', ...common(server.baseURL) });
    const result = await collect((emit) =>
      provider.stream(request([png]), new AbortController().signal, emit),
    );
    expect(result.error).toBeUndefined();
    const sent = server.requests[0]?.messages.at(-1);
    expect(((sent?.content ?? []) as { type: string }[]).map((part) => part.type)).toEqual([
      'image_url',
      'text',
    ]);
    expect(recordedImages(sent)).toEqual([{ mediaType: 'image/png', bytes: png.data }]);
  });

  it('Anthropic: an image block with a base64 source; no empty text block without a caption', async () => {
    server = await createFakeAnthropicServer({ apiKey: KEY });
    const provider = createAnthropicProvider({ name: 'anthropic', ...common(server.baseURL) });
    const result = await collect((emit) =>
      provider.stream(request([png], ''), new AbortController().signal, emit),
    );
    expect(result.error).toBeUndefined();
    const sent = server.requests[0]?.messages.at(-1);
    expect(((sent?.content ?? []) as { type: string }[]).map((part) => part.type)).toEqual(['image']);
    expect(recordedImages(sent)).toEqual([{ mediaType: 'image/png', bytes: png.data }]);
  });

  it('the fake servers refuse a malformed picture as the APIs do', async () => {
    server = await createFakeAnthropicServer({ apiKey: KEY });
    const provider = createAnthropicProvider({ name: 'anthropic', ...common(server.baseURL) });
    const empty: ImageInput = { mediaType: 'image/png', data: Buffer.alloc(0) };
    const result = await collect((emit) =>
      provider.stream(request([empty]), new AbortController().signal, emit),
    );
    expect(result.error).toBeInstanceOf(ProviderError);
    expect((result.error as ProviderError).status).toBe(400);
  });
});
