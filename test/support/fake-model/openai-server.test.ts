import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeOpenAIServer, type FakeModelServer, parseSse } from './index.js';

let server: FakeModelServer;

beforeEach(async () => {
  server = await createFakeOpenAIServer({ apiKey: 'sk-test-key' });
});

afterEach(async () => {
  await server.close();
});

function post(body: unknown, headers: Record<string, string> = { authorization: 'Bearer sk-test-key' }) {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const streaming = {
  model: 'gpt-test',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  stream: true,
  stream_options: { include_usage: true },
  max_completion_tokens: 100,
};

function chunks(body: string): Record<string, unknown>[] {
  const events = parseSse(body);
  expect(events.at(-1)?.data).toBe('[DONE]');
  return events.slice(0, -1).map((event) => JSON.parse(event.data));
}

describe('fake OpenAI server: streams', () => {
  it('streams a role chunk, content deltas, a finish chunk, the usage chunk and [DONE]', async () => {
    server.enqueue({
      text: 'Hello world',
      tokenChars: 4,
      usage: { inputTokens: 20, outputTokens: 3, cachedInputTokens: 8, reasoningTokens: 1 },
    });
    const response = await post(streaming);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const all = chunks(await response.text());

    for (const chunk of all) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-test' });
      expect(String(chunk.id)).toMatch(/^chatcmpl-/);
      expect(typeof chunk.created).toBe('number');
    }
    const choices = all.map(
      (c) => (c.choices as { delta: Record<string, unknown>; finish_reason: unknown }[])[0],
    );
    expect(choices[0]).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    });
    expect(choices.slice(1, 4).map((c) => c?.delta.content)).toEqual(['Hell', 'o wo', 'rld']);
    expect(choices[4]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    // Every chunk before the last carries usage: null; the last has empty choices and the report.
    expect(all.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(all.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 3,
        total_tokens: 23,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 1 },
      },
    });
    expect(await server.requests[0]?.settled).toBe('completed');
  });

  it('streams reasoning_content before the content, with content null meanwhile', async () => {
    server.enqueue({ reasoning: 'Think', text: 'Yes', tokenChars: 10 });
    const all = chunks(await (await post(streaming)).text());
    const deltas = all.flatMap((c) =>
      (c.choices as { delta: Record<string, unknown> }[]).map((ch) => ch.delta),
    );
    expect(deltas[0]).toEqual({ role: 'assistant', content: null, reasoning_content: '' });
    expect(deltas[1]).toEqual({ content: null, reasoning_content: 'Think' });
    expect(deltas[2]).toEqual({ content: 'Yes', reasoning_content: null });
  });

  it('sends no usage chunk without include_usage, and none for usage "none"', async () => {
    server.enqueue({ text: 'a' }, { text: 'b', usage: 'none' });
    const withoutOption = chunks(await (await post({ ...streaming, stream_options: undefined })).text());
    expect(withoutOption.every((c) => !('usage' in c))).toBe(true);
    const noUsage = chunks(await (await post(streaming)).text());
    expect(noUsage.every((c) => c.usage === null)).toBe(true);
    expect(noUsage.at(-1)?.choices).toHaveLength(1);
  });

  it('reports only the three totals when usageDetails is false', async () => {
    server.enqueue({ text: 'a', usage: { inputTokens: 5, outputTokens: 1 }, usageDetails: false });
    const last = chunks(await (await post(streaming)).text()).at(-1);
    expect(last?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 });
  });

  it('derives plausible usage when the scenario gives none', async () => {
    server.enqueue({ text: 'Twelve chars' });
    const usage = chunks(await (await post(streaming)).text()).at(-1)?.usage as Record<string, number>;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBe(3);
  });

  it('sends an error object mid-stream and ends the response', async () => {
    server.enqueue({ text: 'Hello world', tokenChars: 2, errorEvent: { at: 4, kind: 'server' } });
    const events = parseSse(await (await post(streaming)).text());
    const last = JSON.parse(events.at(-1)?.data ?? '{}');
    expect(last).toEqual({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    // The role chunk and two 2-character tokens went out before it.
    expect(events).toHaveLength(4);
    expect(await server.requests[0]?.settled).toBe('error-event');
  });

  it('answers a non-streaming request with a chat.completion', async () => {
    server.enqueue({ text: 'Hi there', usage: { inputTokens: 3, outputTokens: 2 } });
    const completion = await (await post({ ...streaming, stream: false })).json();
    expect(completion).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });
});

describe('fake OpenAI server: errors', () => {
  it('rejects a wrong key with 401 invalid_api_key, and accepts either header style', async () => {
    const wrong = await post(streaming, { authorization: 'Bearer sk-wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    expect((await post(streaming, { 'x-api-key': 'sk-test-key' })).status).toBe(200);
    expect((await post(streaming)).status).toBe(200);
    expect(server.requests.map((r) => [r.authStyle, r.authorized])).toEqual([
      ['bearer', false],
      ['x-api-key', true],
      ['bearer', true],
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('[redacted]');
  });

  it('words each scripted error as OpenAI does', async () => {
    server.enqueue(
      { error: { kind: 'rate-limit', retryAfterSeconds: 7 } },
      { error: { kind: 'server' } },
      { error: { kind: 'overloaded' } },
      { error: { kind: 'context-too-long', promptTokens: 130_000, maxTokens: 128_000 } },
      { error: { kind: 'model-not-found' } },
    );
    const rateLimited = await post(streaming);
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.headers.get('retry-after')).toBe('7');
    expect(await rateLimited.json()).toMatchObject({
      error: { code: 'rate_limit_exceeded', type: 'requests' },
    });

    const serverError = await post(streaming);
    expect(serverError.status).toBe(500);
    expect(await serverError.json()).toMatchObject({ error: { type: 'server_error', code: null } });

    expect((await post(streaming)).status).toBe(503);

    const tooLong = await post(streaming);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({
      error: {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });

    const notFound = await post(streaming);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      error: {
        code: 'model_not_found',
        message: 'The model `gpt-test` does not exist or you do not have access to it.',
      },
    });
    expect(server.requests.map((r) => r.outcome)).toEqual(Array(5).fill('error-status'));
  });

  it('rejects a request without messages, and unknown paths', async () => {
    const invalid = await post({ model: 'gpt-test' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const unknown = await fetch(`${server.baseURL}/completions`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'Invalid URL (POST /v1/completions)' } });
  });
});
