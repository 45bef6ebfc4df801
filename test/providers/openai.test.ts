import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ProviderAbortedError,
  ProviderAuthenticationError,
  ProviderBadRequestError,
  ProviderConnectionLostError,
  ProviderContextTooLongError,
  ProviderError,
  ProviderInactivityTimeoutError,
  ProviderRateLimitedError,
  ProviderServerError,
} from '../../src/providers/errors.js';
import { createOpenAIProvider, type OpenAIProviderOptions } from '../../src/providers/openai.js';
import type { ChatRequest } from '../../src/providers/types.js';
import { createFakeOpenAIServer, type FakeModelServer } from '../support/fake-model/index.js';
import { collect } from './collect-stream.js';

const API_KEY = 'sk-test-0123456789abcdef';

let server: FakeModelServer;

beforeEach(async () => {
  server = await createFakeOpenAIServer({ apiKey: API_KEY });
});

afterEach(async () => {
  await server.close();
});

function provider(overrides: Partial<OpenAIProviderOptions> = {}) {
  return createOpenAIProvider({
    name: 'openai',
    apiKey: API_KEY,
    baseURL: server.baseURL,
    inactivityTimeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  });
}

const request: ChatRequest = {
  model: 'gpt-test',
  system: 'Be brief.',
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'How are you?' },
  ],
  maxOutputTokens: 300,
};

function run(overrides: Partial<OpenAIProviderOptions> = {}, signal = new AbortController().signal) {
  return collect((emit) => provider(overrides).stream(request, signal, emit));
}

describe('OpenAI provider: streaming', () => {
  it('streams text deltas, then one finish with the usage that came after finish_reason', async () => {
    server.enqueue({
      text: 'Fine, thanks. And you?',
      usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 64, reasoningTokens: 0 },
    });
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Fine, thanks. And you?');
    expect(result.events.filter((e) => e.type === 'text-delta').length).toBeGreaterThan(1);
    expect(result.events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 120, outputTokens: 9, cachedInputTokens: 64, reasoningTokens: 0 },
    });
    expect(result.events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('sends the system prompt first, the history, max_completion_tokens and include_usage', async () => {
    await run();
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({
      model: 'gpt-test',
      system: 'Be brief.',
      maxTokens: 300,
      stream: true,
      streamOptions: { include_usage: true },
      authStyle: 'bearer',
      authorized: true,
    });
    expect(recorded?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(recorded?.body).toMatchObject({ max_completion_tokens: 300 });
  });

  it('can send max_tokens instead, for compatible servers that know only that', async () => {
    await run({ maxTokensField: 'max_tokens' });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.max_tokens).toBe(300);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('turns reasoning_content into reasoning deltas and skips null content', async () => {
    server.enqueue({
      reasoning: 'The user greets me.',
      text: 'Hello!',
      usage: { inputTokens: 10, outputTokens: 12, cachedInputTokens: 0, reasoningTokens: 5 },
    });
    const result = await run({ name: 'deepseek' });
    expect(result.reasoning).toBe('The user greets me.');
    expect(result.text).toBe('Hello!');
    const firstText = result.events.findIndex((e) => e.type === 'text-delta');
    expect(result.events.slice(0, firstText).every((e) => e.type === 'reasoning-delta')).toBe(true);
    expect(result.events.every((e) => e.type !== 'text-delta' || e.text.length > 0)).toBe(true);
    expect(result.finish?.usage).toEqual({
      inputTokens: 10,
      outputTokens: 12,
      cachedInputTokens: 0,
      reasoningTokens: 5,
    });
  });

  it('reports usage undefined for a server that sends no usage', async () => {
    server.enqueue({ text: 'No usage here.', usage: 'none' });
    const result = await run({ name: 'ollama' });
    expect(result.error).toBeUndefined();
    expect(result.finish).toEqual({ type: 'finish', reason: 'stop', usage: undefined });
  });

  it('leaves out the breakdowns a server does not report', async () => {
    server.enqueue({ text: 'Hi', usage: { inputTokens: 7, outputTokens: 2 }, usageDetails: false });
    expect((await run()).finish?.usage).toEqual({ inputTokens: 7, outputTokens: 2 });
  });

  it('maps finish reasons', async () => {
    server.enqueue({ text: 'Cut', finishReason: 'length' }, { text: 'x', finishReason: 'something_new' });
    expect((await run()).finish?.reason).toBe('length');
    expect((await run()).finish?.reason).toBe('other');
  });
});

describe('OpenAI provider: errors', () => {
  it('401 -> ProviderAuthenticationError, without the key in the message', async () => {
    const result = await run({ apiKey: 'sk-wrong-key-9876543210' });
    expect(result.error).toBeInstanceOf(ProviderAuthenticationError);
    const error = result.error as ProviderAuthenticationError;
    expect(error).toMatchObject({
      status: 401,
      provider: 'openai',
      model: 'gpt-test',
      kind: 'authentication',
    });
    expect(error.message).not.toContain('sk-wrong');
    expect(error.message).not.toContain(API_KEY);
  });

  it('429 -> ProviderRateLimitedError with retry-after', async () => {
    server.enqueue({ error: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    const error = (await run()).error as ProviderRateLimitedError;
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7, code: 'rate_limit_exceeded' });
  });

  it('500 -> ProviderServerError, 503 -> overloaded', async () => {
    server.enqueue({ error: { kind: 'server' } }, { error: { kind: 'overloaded' } });
    const first = (await run()).error;
    expect(first).toBeInstanceOf(ProviderServerError);
    expect(first).toMatchObject({ status: 500, overloaded: false });
    expect((await run()).error).toMatchObject({ status: 503, overloaded: true });
  });

  it('an error object mid-stream -> ProviderServerError without status, after the text so far', async () => {
    server.enqueue({ text: 'Hello there, friend', tokenChars: 3, errorEvent: { at: 6, kind: 'server' } });
    const result = await run();
    expect(result.text).toBe('Hello ');
    expect(result.finish).toBeUndefined();
    expect(result.error).toBeInstanceOf(ProviderServerError);
    expect(result.error).toMatchObject({ status: undefined, code: 'server_error' });
  });

  it('context_length_exceeded -> ProviderContextTooLongError', async () => {
    server.enqueue({ error: { kind: 'context-too-long' } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderContextTooLongError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('a compatible server wording it without a code -> ProviderContextTooLongError', async () => {
    server.enqueue({
      error: {
        kind: 'status',
        status: 400,
        // vLLM's shape: a numeric `code`, the meaning only in the text.
        body: {
          error: {
            message:
              "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
            type: 'BadRequestError',
            param: null,
            code: 400,
          },
        },
      },
    });
    expect((await run({ name: 'vllm' })).error).toBeInstanceOf(ProviderContextTooLongError);
  });

  it('unknown model (404) -> ProviderBadRequestError', async () => {
    server.enqueue({ error: { kind: 'model-not-found' } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderBadRequestError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('a connection cut mid-stream -> ProviderConnectionLostError', async () => {
    server.enqueue({ text: 'Hello there, friend', tokenChars: 2, disconnectAt: 6 });
    const result = await run();
    expect(result.text).toBe('Hello ');
    expect(result.error).toBeInstanceOf(ProviderConnectionLostError);
    expect(await server.requests[0]?.settled).toBe('disconnected');
  });

  it('a cut between finish_reason and the usage report throws rather than finishing without usage', async () => {
    server.enqueue({ text: 'All the text', disconnectAt: 'before-usage' });
    const result = await run();
    expect(result.text).toBe('All the text');
    expect(result.finish).toBeUndefined();
    expect(result.error).toBeInstanceOf(ProviderConnectionLostError);
  });

  it('an unreachable server -> ProviderConnectionLostError', async () => {
    const baseURL = server.baseURL;
    await server.close();
    const result = await run({ baseURL });
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

describe('OpenAI provider: abort and inactivity', () => {
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
    expect(result.events.length).toBeLessThanOrEqual(4);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('an abort while waiting for the next chunk throws ProviderAbortedError', async () => {
    server.enqueue({ text: 'Hello there', tokenChars: 1, stallAt: 3 });
    const controller = new AbortController();
    const pending = collect((emit) => provider().stream(request, controller.signal, emit));
    await server.waitForRequest(0);
    while ((server.requests[0]?.charsSent ?? 0) < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const result = await pending;
    expect(result.error).toBeInstanceOf(ProviderAbortedError);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('an already aborted signal throws ProviderAbortedError without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run({}, controller.signal);
    expect(result.error).toBeInstanceOf(ProviderAbortedError);
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
    expect(result.error).toMatchObject({ timeoutMs: 300, kind: 'inactivity-timeout' });
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });

  it('slow but steady chunks do not trip the inactivity timeout', async () => {
    // 20 chunks 100 ms apart: the whole stream lasts far longer than the 600 ms timeout.
    server.enqueue({ text: 'abcdefghijklmnopqrst', tokenChars: 1, tokensPerSecond: 10 });
    const result = await run({ inactivityTimeoutMs: 600 });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('abcdefghijklmnopqrst');
  });

  it('every failure is a ProviderError', async () => {
    server.enqueue({ error: { kind: 'status', status: 418, body: { error: { message: 'teapot' } } } });
    const error = (await run()).error;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 418, kind: 'bad-request' });
  });
});
