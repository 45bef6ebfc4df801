import { afterEach, describe, expect, it } from 'vitest';
import { createFakeOpenAIServer, type FakeModelServer } from './index.js';

// Behaviour shared by both fake servers (scripting, pacing, interruptions, recording), checked with
// raw fetch against the OpenAI one; the Anthropic one runs the same core.

const servers: FakeModelServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof createFakeOpenAIServer>[0] = {}) {
  const server = await createFakeOpenAIServer(options);
  servers.push(server);
  return server;
}

function post(server: FakeModelServer, content = 'Hi', init: RequestInit = {}) {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({
      model: 'gpt-test',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content },
      ],
      max_tokens: 42,
      stream: true,
      stream_options: { include_usage: true },
    }),
    ...init,
  });
}

/** Reads a body until `until` appears in it; returns what was read and the still-open reader. */
async function readUntil(response: Response, until: string) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

function contentOf(body: string): string {
  return [...body.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`)).join('');
}

describe('fake model server core', () => {
  it('uses queued scenarios first in first out, then the handler, then the default', async () => {
    const server = await start({ defaultScenario: { text: 'default' } });
    server.enqueue({ text: 'first' }, { text: 'second' });
    server.setHandler((request) =>
      contentOf(JSON.stringify(request.messages)).includes('ask') ? { text: 'handled' } : undefined,
    );
    const answers: string[] = [];
    for (const prompt of ['x', 'x', 'ask', 'x'])
      answers.push(contentOf(await (await post(server, prompt)).text()));
    expect(answers).toEqual(['first', 'second', 'handled', 'default']);
  });

  it('records every request with its model, messages, system, max tokens and stream options', async () => {
    const server = await start({ apiKey: 'k' });
    const before = Date.now();
    await (await post(server, 'Hello?')).text();
    const [request] = server.requests;
    expect(request).toMatchObject({
      index: 0,
      protocol: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      authStyle: 'bearer',
      authorized: true,
      model: 'gpt-test',
      system: 'Be brief.',
      maxTokens: 42,
      stream: true,
      streamOptions: { include_usage: true },
      outcome: 'completed',
    });
    expect(request?.messages.at(-1)).toEqual({ role: 'user', content: 'Hello?' });
    expect(request?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(request?.headers.authorization).toBe('[redacted]');
    expect(request?.charsSent).toBe('Hello! This is the fake model speaking.'.length);
  });

  it('paces tokens and delays the first one', async () => {
    const server = await start();
    server.enqueue({ text: 'abcdefgh', tokenChars: 1, tokensPerSecond: 40, firstTokenDelayMs: 100 });
    const started = performance.now();
    const body = await (await post(server)).text();
    expect(contentOf(body)).toBe('abcdefgh');
    // 100 ms + 7 intervals of 25 ms at least; no upper bound on a busy machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('destroys the socket mid-stream on disconnectAt', async () => {
    const server = await start();
    server.enqueue({ text: 'Hello world', tokenChars: 1, disconnectAt: 5 });
    const response = await post(server);
    await expect(response.text()).rejects.toThrow();
    expect(await server.requests[0]?.settled).toBe('disconnected');
    expect(server.requests[0]?.charsSent).toBe(5);
  });

  it('can cut after the finish chunk, before the usage report', async () => {
    const server = await start();
    server.enqueue({ text: 'Hi', disconnectAt: 'before-usage' });
    const response = await post(server);
    let body = '';
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await expect(
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          body += new TextDecoder().decode(value);
        }
      })(),
    ).rejects.toThrow();
    expect(body).toContain('"finish_reason":"stop"');
    expect(body).not.toContain('prompt_tokens');
  });

  it('keeps a stalled stream open until the client goes away, and records the client abort', async () => {
    const server = await start();
    server.enqueue({ text: 'Hello world', tokenChars: 1, stallAt: 3 });
    const controller = new AbortController();
    const response = await post(server, 'Hi', { signal: controller.signal });
    const { text, reader } = await readUntil(response, '"content":"l"');
    expect(contentOf(text)).toBe('Hel');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests[0]?.outcome).toBeUndefined();
    expect(server.openStreams).toBe(1);
    controller.abort();
    await reader.read().catch(() => undefined);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
    expect(server.openStreams).toBe(0);
  });

  it('records a client that aborts a paced stream', async () => {
    const server = await start();
    server.enqueue({ text: 'x'.repeat(200), tokenChars: 1, tokensPerSecond: 50 });
    const controller = new AbortController();
    const response = await post(server, 'Hi', { signal: controller.signal });
    const { reader } = await readUntil(response, '"content":"x"');
    controller.abort();
    await reader.read().catch(() => undefined);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
    expect(server.requests[0]?.charsSent).toBeLessThan(200);
  });

  it('close() ends open streams and the server', async () => {
    const server = await start();
    server.enqueue({ text: 'Hello', tokenChars: 1, stallAt: 2 });
    const response = await post(server);
    const { reader } = await readUntil(response, '"content":"e"');
    await server.close();
    await expect(reader.read()).rejects.toThrow();
    expect(server.requests[0]?.outcome).toBe('server-closed');
    await expect(post(server)).rejects.toThrow();
  });

  it('holds the headers back for responseDelayMs; a client that gives up is recorded', async () => {
    const server = await start();
    server.enqueue({ text: 'late', responseDelayMs: 150 }, { text: 'never', responseDelayMs: 10_000 });
    const started = performance.now();
    const response = await post(server);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(contentOf(await response.text())).toBe('late');

    const controller = new AbortController();
    const pending = post(server, 'Hi', { signal: controller.signal }).catch((error: unknown) => error);
    await server.waitForRequest(1);
    expect(server.openStreams).toBe(1);
    controller.abort();
    await pending;
    expect(await server.requests[1]?.settled).toBe('client-aborted');
    expect(server.openStreams).toBe(0);
  });

  it('waitForRequest resolves when the request arrives', async () => {
    const server = await start();
    const waiting = server.waitForRequest(0);
    await (await post(server)).text();
    expect((await waiting).index).toBe(0);
    await expect(server.waitForRequest(5, 50)).rejects.toThrow(/did not arrive/);
  });

  it('serves many concurrent paced streams', async () => {
    const server = await start();
    server.setDefaultScenario({ text: 'y'.repeat(40), tokenChars: 2, tokensPerSecond: 200 });
    const bodies = await Promise.all(Array.from({ length: 50 }, async () => (await post(server)).text()));
    expect(bodies.every((body) => contentOf(body) === 'y'.repeat(40))).toBe(true);
    expect(server.requests.every((r) => r.outcome === 'completed')).toBe(true);
  });
});
