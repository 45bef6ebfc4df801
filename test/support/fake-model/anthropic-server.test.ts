import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeAnthropicServer, type FakeModelServer, parseSse } from './index.js';

let server: FakeModelServer;

beforeEach(async () => {
  server = await createFakeAnthropicServer({ apiKey: 'sk-ant-test' });
});

afterEach(async () => {
  await server.close();
});

function post(body: unknown, headers: Record<string, string> = { 'x-api-key': 'sk-ant-test' }) {
  return fetch(`${server.baseURL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

const streaming = {
  model: 'claude-test',
  max_tokens: 256,
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Hi' }],
  stream: true,
};

async function events(response: Response) {
  const parsed = parseSse(await response.text());
  for (const event of parsed) expect(JSON.parse(event.data).type).toBe(event.event);
  return parsed.map((event) => ({ type: event.event, data: JSON.parse(event.data) }));
}

describe('fake Anthropic server: streams', () => {
  it('streams the events in the real order with input usage first and output totals last', async () => {
    server.enqueue({
      text: 'Hello world',
      tokenChars: 6,
      usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 60, cacheWriteTokens: 30 },
    });
    const response = await post(streaming);
    expect(response.status).toBe(200);
    const all = await events(response);
    expect(all.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(all[0]?.data.message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [],
      stop_reason: null,
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 60,
        cache_creation_input_tokens: 30,
        output_tokens: 1,
      },
    });
    expect(all[1]?.data).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    expect(all.slice(3, 5).map((e) => e.data.delta)).toEqual([
      { type: 'text_delta', text: 'Hello ' },
      { type: 'text_delta', text: 'world' },
    ]);
    expect(all[6]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 7 },
    });
    expect(await server.requests[0]?.settled).toBe('completed');
  });

  it('streams a thinking block with a signature before the text block', async () => {
    server.enqueue({ reasoning: 'Hmm', text: 'Yes', tokenChars: 10 });
    const all = await events(await post(streaming));
    expect(all.map((e) => [e.type, e.data.index, e.data.delta?.type ?? e.data.content_block?.type])).toEqual([
      ['message_start', undefined, undefined],
      ['content_block_start', 0, 'thinking'],
      ['ping', undefined, undefined],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_delta', 0, 'signature_delta'],
      ['content_block_stop', 0, undefined],
      ['content_block_start', 1, 'text'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_stop', 1, undefined],
      ['message_delta', undefined, undefined],
      ['message_stop', undefined, undefined],
    ]);
    expect(all[3]?.data.delta.thinking).toBe('Hmm');
  });

  it('sends running output totals over several message_delta events when asked', async () => {
    server.enqueue({ text: 'abc', usage: { inputTokens: 5, outputTokens: 30 }, messageDeltaCount: 3 });
    const deltas = (await events(await post(streaming))).filter((e) => e.type === 'message_delta');
    expect(deltas.map((e) => e.data.usage.output_tokens)).toEqual([10, 20, 30]);
    expect(deltas.map((e) => e.data.delta.stop_reason)).toEqual([null, null, 'end_turn']);
  });

  it('sends the scripted stop reason', async () => {
    server.enqueue({ text: 'abc', finishReason: 'max_tokens' });
    const delta = (await events(await post(streaming))).find((e) => e.type === 'message_delta');
    expect(delta?.data.delta.stop_reason).toBe('max_tokens');
  });

  it('sends an overloaded error event mid-stream', async () => {
    server.enqueue({ text: 'Hello world', tokenChars: 5, errorEvent: { at: 5 } });
    const all = await events(await post(streaming));
    expect(all.at(-1)).toEqual({
      type: 'error',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(all.filter((e) => e.type === 'content_block_delta')).toHaveLength(1);
    expect(await server.requests[0]?.settled).toBe('error-event');
  });

  it('answers a non-streaming request with a message', async () => {
    server.enqueue({ text: 'Hi', usage: { inputTokens: 3, outputTokens: 1 } });
    expect(await (await post({ ...streaming, stream: false })).json()).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 1 },
    });
  });
});

describe('fake Anthropic server: errors', () => {
  it('rejects a wrong key with 401 authentication_error, and accepts either header style', async () => {
    const wrong = await post(streaming, { 'x-api-key': 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
    expect((await post(streaming, { authorization: 'Bearer sk-ant-test' })).status).toBe(200);
    expect(server.requests.map((r) => [r.authStyle, r.authorized])).toEqual([
      ['x-api-key', false],
      ['bearer', true],
    ]);
  });

  it('words each scripted error as Anthropic does', async () => {
    server.enqueue(
      { error: { kind: 'rate-limit', retryAfterSeconds: 12 } },
      { error: { kind: 'server' } },
      { error: { kind: 'overloaded' } },
      { error: { kind: 'context-too-long', promptTokens: 208_310, maxTokens: 200_000 } },
      { error: { kind: 'model-not-found' } },
    );
    const rateLimited = await post(streaming);
    expect([rateLimited.status, rateLimited.headers.get('retry-after')]).toEqual([429, '12']);
    expect(await rateLimited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const serverError = await post(streaming);
    expect(serverError.status).toBe(500);
    expect(await serverError.json()).toMatchObject({
      error: { type: 'api_error', message: 'Internal server error' },
    });
    const overloaded = await post(streaming);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    const tooLong = await post(streaming);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'prompt is too long: 208310 tokens > 200000 maximum' },
    });
    const notFound = await post(streaming);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      error: { type: 'not_found_error', message: 'model: claude-test' },
    });
  });

  it('requires max_tokens, as the API does', async () => {
    const response = await post({ ...streaming, max_tokens: undefined });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });
});
