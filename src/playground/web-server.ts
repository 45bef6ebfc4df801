import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorUsageError } from '../emulator/index.js';
import { ApiRequestError, apiRequests, MAX_PLAYGROUND_FILE_BYTES, parseRequest } from './api-requests.js';
import { type FaultController, FaultRequestError } from './fault-controller.js';
import type { PlaygroundHub } from './playground-hub.js';
import { createStaticFiles } from './static-files.js';

export interface PlaygroundActions {
  send(input: { chatId: number; text: string; replyToMessageId?: number }): unknown;
  press(input: { chatId: number; messageId: number; data: string }): unknown;
  stopDraft(input: { chatId: number; draftId: number }): unknown;
  sendFile(input: {
    chatId: number;
    fileName: string;
    mimeType: string;
    bytes: Buffer;
    caption?: string;
    width?: number;
    height?: number;
    mediaGroupId?: string;
  }): unknown;
  /** The picture a message shows (for the chat's preview); undefined when it has none. */
  picture(input: {
    chatId: number;
    messageId: number;
  }): { bytes: Uint8Array; contentType: string } | undefined;
}

export interface WebServerDeps {
  hub: PlaygroundHub;
  faults: FaultController;
  actions: PlaygroundActions;
  webRoot: string;
  port: number;
  /** Default 127.0.0.1: the playground drives a bot with your API keys; it is not for the network. */
  host?: string;
  /** Keeps idle event streams (and proxies) from timing out; default 15 s. */
  heartbeatMs?: number;
}

export interface WebServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** The page and its API: static files, JSON commands and a Server-Sent Events stream of everything. */
export async function startWebServer(deps: WebServerDeps): Promise<WebServer> {
  const host = deps.host ?? '127.0.0.1';
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const staticFile = createStaticFiles(deps.webRoot);
  const streams = new Set<ServerResponse>();
  let port = deps.port;

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  };

  const openEventStream = (request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: unknown) => response.write(`data: ${JSON.stringify(event)}\n\n`);
    const { snapshot, unsubscribe } = deps.hub.subscribe(send);
    response.write('retry: 1000\n\n');
    send({ type: 'snapshot', state: snapshot });
    streams.add(response);
    const heartbeat = setInterval(() => response.write(': ping\n\n'), heartbeatMs);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(response);
    };
    request.on('close', end);
    response.on('error', end);
  };

  const servePicture = (match: RegExpExecArray, response: ServerResponse) => {
    const found = deps.actions.picture({ chatId: Number(match[1]), messageId: Number(match[2]) });
    if (found === undefined) throw new ApiRequestError(404, 'that message has no picture');
    response.writeHead(200, {
      'content-type': found.contentType,
      'content-length': found.bytes.length,
      // A message's picture never changes.
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    response.end(found.bytes);
  };

  const handleApi = async (path: string, request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && path === '/api/state') return json(response, 200, deps.hub.snapshot());
    if (request.method === 'GET' && path === '/api/events') return openEventStream(request, response);
    const picture = /^\/api\/picture\/(-?\d{1,20})\/(\d{1,12})$/.exec(path);
    if (request.method === 'GET' && picture !== null) return servePicture(picture, response);
    if (request.method !== 'POST')
      throw new ApiRequestError(405, `${request.method} ${path} is not supported`);
    // A JSON content type cannot be sent cross-origin without a CORS preflight, which we never grant.
    if (!request.headers['content-type']?.startsWith('application/json')) {
      throw new ApiRequestError(415, 'send JSON (content-type: application/json)');
    }
    const body = await readJson(
      request,
      path === '/api/send-file' ? MAX_PLAYGROUND_FILE_BYTES * 2 : MAX_BODY_BYTES,
    );
    switch (path) {
      case '/api/send': {
        const input = parseRequest(apiRequests.send, body);
        const message = deps.actions.send({
          chatId: input.chatId,
          text: input.text,
          ...(input.replyToMessageId === undefined ? {} : { replyToMessageId: input.replyToMessageId }),
        });
        return json(response, 200, { ok: true, message });
      }
      case '/api/send-file': {
        const { dataBase64, ...input } = parseRequest(apiRequests.sendFile, body);
        const bytes = Buffer.from(dataBase64, 'base64');
        if (bytes.length > MAX_PLAYGROUND_FILE_BYTES) throw new ApiRequestError(413, 'the file is too large');
        const message = deps.actions.sendFile({ ...compactInput(input), bytes });
        return json(response, 200, { ok: true, message });
      }
      case '/api/press':
        return json(response, 200, {
          ok: true,
          callbackQueryId: deps.actions.press(parseRequest(apiRequests.press, body)),
        });
      case '/api/stop-draft':
        deps.actions.stopDraft(parseRequest(apiRequests.stopDraft, body));
        return json(response, 200, { ok: true });
      case '/api/limits': {
        const { preset } = parseRequest(apiRequests.limits, body);
        deps.hub.setLimits(preset);
        return json(response, 200, { ok: true, preset });
      }
      case '/api/fault': {
        const input = parseRequest(apiRequests.fault, body);
        const faults = deps.faults.apply({
          kind: input.kind,
          ...(input.chatId === undefined ? {} : { chatId: input.chatId }),
        });
        return json(response, 200, { ok: true, faults });
      }
      default:
        throw new ApiRequestError(404, `no API ${path}`);
    }
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://playground.invalid');
    // DNS rebinding: a web page elsewhere could point a name at 127.0.0.1; only our own names pass.
    const hostHeader = request.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(hostHeader)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request\n');
      return;
    }
    const work = url.pathname.startsWith('/api/')
      ? handleApi(url.pathname, request, response)
      : serveStatic(url.pathname, request, response);
    work.catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof ApiRequestError)
        return json(response, error.status, { ok: false, error: error.message });
      if (error instanceof EmulatorUsageError || error instanceof FaultRequestError) {
        return json(response, 400, { ok: false, error: error.message });
      }
      json(response, 500, { ok: false, error: error instanceof Error ? error.message : String(error) });
    });
  });

  const serveStatic = async (path: string, request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ApiRequestError(405, `${request.method} is not supported here`);
    }
    const file = await staticFile(path);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** zod gives absent optional fields as undefined; exactOptionalPropertyTypes wants them left out. */
function compactInput<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiRequestError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ApiRequestError(400, 'the body is not valid JSON');
  }
}
