import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionCut } from '../../src/providers/connection-cut.js';
import { createNodeHttpFetch } from '../../src/providers/node-http-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const fetchOverHttp = createNodeHttpFetch();

describe('createNodeHttpFetch', () => {
  it('sends method, headers and a JSON body, and returns status, headers and body', async () => {
    let seen: { method?: string | undefined; headers?: IncomingMessage['headers']; body?: string } = {};
    const url = await serve((req, res, body) => {
      seen = { method: req.method, headers: req.headers, body };
      res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-request-id': 'r-1' });
      res.end('{"ok":true,"text":"héllo"}');
    });
    const body = JSON.stringify({ question: 'ünïcode ✓' });
    const response = await fetchOverHttp(`${url}/v1/chat`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }),
      body,
    });
    expect(seen).toMatchObject({ method: 'POST', body });
    expect(seen.headers).toMatchObject({
      authorization: 'Bearer k',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(await response.json()).toEqual({ ok: true, text: 'héllo' });
  });

  it('hands each chunk of a streamed body over as it arrives', async () => {
    let sendMore: (() => void) | undefined;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      sendMore = () => res.end('data: two\n\n');
    });
    const response = await fetchOverHttp(url, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // The first event is readable while the server still holds the second back.
    expect(decoder.decode((await reader.read()).value)).toBe('data: one\n\n');
    sendMore!();
    expect(decoder.decode((await reader.read()).value)).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('gives a 204 a null body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await fetchOverHttp(url);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects with an AbortError when aborted before the response, and errors the body after', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(200);
      res.write('partial');
    });
    const early = new AbortController();
    const pending = fetchOverHttp(`${url}/slow`, { signal: early.signal });
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const response = await fetchOverHttp(`${url}/stream`, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors the body as a connection cut when the server drops the socket mid-body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const response = await fetchOverHttp(url);
    const reader = response.body!.getReader();
    await reader.read();
    const failure = await reader.read().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isConnectionCut(failure)).toBe(true);
  });

  it('rejects a refused connection and an unsupported body', async () => {
    const url = await serve((_req, res) => res.end());
    const closed = url;
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(fetchOverHttp(closed)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(
      fetchOverHttp('http://127.0.0.1:1/', { method: 'POST', body: new FormData() }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
