import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicProviderOptions, createAnthropicProvider } from '../../src/providers/anthropic.js';
import {
  ProviderAbortedError,
  ProviderAuthenticationError,
  ProviderBadRequestError,
  ProviderConnectionLostError,
  ProviderContextTooLongError,
  ProviderInactivityTimeoutError,
  ProviderRateLimitedError,
  ProviderServerError,
} from '../../src/providers/errors.js';
import type { ChatRequest } from '../../src/providers/types.js';
import { createFakeAnthropicServer, type FakeModelServer } from '../support/fake-model/index.js';
import { collect } from './collect-stream.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';

let server: FakeModelServer;

beforeEach(async () => {
  server = await createFakeAnthropicServer({ apiKey: API_KEY });
});

afterEach(async () => {
  await server.close();
});

function provider(overrides: Partial<AnthropicProviderOptions> = {}) {
  return createAnthropicProvider({
    name: 'anthropic',
    apiKey: API_KEY,
    baseURL: server.baseURL,
    inactivityTimeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  });
}

const request: ChatRequest = {
  model: 'claude-test',
  system: 'Be brief.',
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'How are you?' },
  ],
};

function run(
  overrides: Partial<AnthropicProviderOptions> = {},
  signal = new AbortController().signal,
  chat: ChatRequest = request,
) {
  return collect((emit) => provider(overrides).stream(chat, signal, emit));
}

describe('Anthropic provider: streaming', () => {
  it('streams text deltas, then one finish with the usage', async () => {
    server.enqueue({ text: 'Fine, thanks. And you?', usage: { inputTokens: 40, outputTokens: 9 } });
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Fine, thanks. And you?');
    expect(result.events.filter((e) => e.type === 'text-delta').length).toBeGreaterThan(1);
    expect(result.events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 40, outputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0 },
    });
    expect(result.events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('sends the system prompt in `system`, the history, and the default max_tokens', async () => {
    await run({ defaultMaxOutputTokens: 1234 });
    await run({}, undefined, { ...request, maxOutputTokens: 99 });
    const [first, second] = server.requests;
    expect(first).toMatchObject({ model: 'claude-test', system: 'Be brief.', maxTokens: 1234, stream: true });
    // @anthropic-ai/sdk v1 sends the key as a bearer token.
    expect(first?.authStyle).toBe('bearer');
    expect(first?.authorized).toBe(true);
    expect(first?.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(second?.maxTokens).toBe(99);
  });

  it('can send the key as x-api-key instead, for gateways that want it', async () => {
    server.enqueue({ text: 'Hi' });
    const result = await run({ authHeader: 'x-api-key' });
    expect(result.error).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ authStyle: 'x-api-key', authorized: true });
    expect(server.requests[0]?.headers).not.toHaveProperty('authorization');
  });

  it('turns a thinking block into reasoning deltas before the text', async () => {
    server.enqueue({
      reasoning: 'The user greets me.',
      text: 'Hello!',
      usage: { inputTokens: 10, outputTokens: 30, reasoningTokens: 20 },
    });
    const result = await run();
    expect(result.reasoning).toBe('The user greets me.');
    expect(result.text).toBe('Hello!');
    const firstText = result.events.findIndex((e) => e.type === 'text-delta');
    // Before the text: the reasoning, then the signed block kept for tool-call turns.
    expect(
      result.events
        .slice(0, firstText)
        .every((e) => e.type === 'reasoning-delta' || e.type === 'thinking-block'),
    ).toBe(true);
    expect(result.finish?.usage).toMatchObject({ outputTokens: 30, reasoningTokens: 20 });
  });

  it('adds cache reads and writes to the input tokens and keeps them apart', async () => {
    // On the wire: input_tokens 10, cache_read_input_tokens 60, cache_creation_input_tokens 30.
    server.enqueue({
      text: 'Cached.',
      usage: { inputTokens: 100, outputTokens: 5, cachedInputTokens: 60, cacheWriteTokens: 30 },
    });
    expect((await run()).finish?.usage).toEqual({
      inputTokens: 100,
      outputTokens: 5,
      cachedInputTokens: 60,
      cacheWriteTokens: 30,
    });
  });

  it('overwrites running output totals instead of adding them', async () => {
    // message_start says 1, then message_delta says 10, 20, 30: the answer is 30, not 61.
    server.enqueue({
      text: 'Several deltas.',
      usage: { inputTokens: 5, outputTokens: 30 },
      messageDeltaCount: 3,
    });
    expect((await run()).finish?.usage).toMatchObject({ inputTokens: 5, outputTokens: 30 });
  });

  it('maps stop reasons', async () => {
    server.enqueue({ text: 'Cut', finishReason: 'max_tokens' }, { text: 'x', finishReason: 'pause_turn' });
    expect((await run()).finish?.reason).toBe('length');
    expect((await run()).finish?.reason).toBe('other');
  });

  it('reports usage undefined when the stream carries none', async () => {
    server.enqueue({ text: 'A proxy without usage.', usage: 'none' });
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(result.finish).toEqual({ type: 'finish', reason: 'stop', usage: undefined });
  });
});

describe('Anthropic provider: errors', () => {
  it('401 -> ProviderAuthenticationError, without the key in the message', async () => {
    const result = await run({ apiKey: 'sk-ant-wrong-9876543210' });
    expect(result.error).toBeInstanceOf(ProviderAuthenticationError);
    expect(result.error).toMatchObject({ status: 401, code: 'authentication_error', provider: 'anthropic' });
    expect((result.error as Error).message).not.toContain('sk-ant-wrong');
  });

  it('429 -> ProviderRateLimitedError with retry-after', async () => {
    server.enqueue({ error: { kind: 'rate-limit', retryAfterSeconds: 12 } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 12, code: 'rate_limit_error' });
  });

  it('500 -> ProviderServerError, 529 -> overloaded', async () => {
    server.enqueue({ error: { kind: 'server' } }, { error: { kind: 'overloaded' } });
    const first = (await run()).error;
    expect(first).toBeInstanceOf(ProviderServerError);
    expect(first).toMatchObject({ status: 500, overloaded: false, code: 'api_error' });
    const second = (await run()).error;
    expect(second).toBeInstanceOf(ProviderServerError);
    expect(second).toMatchObject({
      status: 529,
      overloaded: true,
      code: 'overloaded_error',
      detail: 'Overloaded',
    });
  });

  it('an overloaded_error event mid-stream -> overloaded ProviderServerError without status', async () => {
    server.enqueue({ text: 'Hello there, friend', tokenChars: 3, errorEvent: { at: 6 } });
    const result = await run();
    expect(result.text).toBe('Hello ');
    expect(result.finish).toBeUndefined();
    expect(result.error).toBeInstanceOf(ProviderServerError);
    expect(result.error).toMatchObject({ status: undefined, overloaded: true, code: 'overloaded_error' });
  });

  it('"prompt is too long" -> ProviderContextTooLongError', async () => {
    server.enqueue({ error: { kind: 'context-too-long' } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderContextTooLongError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request_error' });
  });

  it('unknown model (404) -> ProviderBadRequestError', async () => {
    server.enqueue({ error: { kind: 'model-not-found' } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderBadRequestError);
    expect(error).toMatchObject({ status: 404, detail: 'model: claude-test' });
  });

  it('a connection cut mid-stream -> ProviderConnectionLostError', async () => {
    server.enqueue({ text: 'Hello there, friend', tokenChars: 2, disconnectAt: 6 });
    const result = await run();
    expect(result.text).toBe('Hello ');
    expect(result.error).toBeInstanceOf(ProviderConnectionLostError);
    expect(await server.requests[0]?.settled).toBe('disconnected');
  });

  it('a cut before message_delta throws rather than finishing with partial usage', async () => {
    server.enqueue({ text: 'All the text', disconnectAt: 'before-usage' });
    const result = await run();
    expect(result.text).toBe('All the text');
    expect(result.finish).toBeUndefined();
    expect(result.error).toBeInstanceOf(ProviderConnectionLostError);
  });

  it('retries a 500 before streaming when maxRetries allows', async () => {
    server.enqueue({ error: { kind: 'server' } }, { text: 'Second time lucky.' });
    const result = await run({ maxRetries: 1 });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Second time lucky.');
    expect(server.requests.map((r) => r.outcome)).toEqual(['error-status', 'completed']);
  });
});

describe('Anthropic provider: abort and inactivity', () => {
  it('an abort mid-stream throws ProviderAbortedError and aborts the HTTP request', async () => {
    server.enqueue({ text: 'word '.repeat(200), tokenChars: 5, tokensPerSecond: 50 });
    const controller = new AbortController();
    const result = await collect(
      (emit) => provider().stream(request, controller.signal, emit),
      (_event, index) => {
        if (index === 2) controller.abort();
      },
    );
    expect(result.error).toBeInstanceOf(ProviderAbortedError);
    expect(result.finish).toBeUndefined();
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('an already aborted signal throws ProviderAbortedError without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await run({}, controller.signal)).error).toBeInstanceOf(ProviderAbortedError);
    expect(server.requests).toHaveLength(0);
  });

  it('no response headers within requestTimeoutMs -> ProviderInactivityTimeoutError', async () => {
    server.enqueue({ text: 'Too late', responseDelayMs: 10_000 });
    const result = await run({ requestTimeoutMs: 200 });
    expect(result.error).toBeInstanceOf(ProviderInactivityTimeoutError);
    expect(result.error).toMatchObject({ timeoutMs: 200 });
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('a stall -> ProviderInactivityTimeoutError after the inactivity timeout, and the request is closed', async () => {
    server.enqueue({ text: 'Hello there', tokenChars: 1, stallAt: 5 });
    const result = await run({ inactivityTimeoutMs: 300 });
    expect(result.text).toBe('Hello');
    expect(result.error).toBeInstanceOf(ProviderInactivityTimeoutError);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('a stall right after message_start also times out', async () => {
    server.enqueue({ text: 'Hello there', stallAt: 0 });
    const result = await run({ inactivityTimeoutMs: 300 });
    expect(result.events).toHaveLength(0);
    expect(result.error).toBeInstanceOf(ProviderInactivityTimeoutError);
  });
});
