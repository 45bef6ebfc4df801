import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RawRequest, RawResponse } from './router.js';

export interface HttpFront {
  readonly port: number;
  /** false: stop listening and cut every connection (clients get ECONNREFUSED); true: listen again on the same port. */
  setReachable(reachable: boolean): Promise<void>;
  reachable(): boolean;
  close(): Promise<void>;
}

/**
 * Serves the router on 127.0.0.1. Sockets are tracked so that "unreachable" and `close()` cut
 * keep-alive connections (grammY keeps them) and pending long polls at once.
 */
export async function startHttpFront(options: {
  port: number;
  handle(request: RawRequest): Promise<RawResponse>;
  /** The emulator's clock, to stamp arrivals. */
  now: () => number;
}): Promise<HttpFront> {
  const host = '127.0.0.1';
  const sockets = new Set<Socket>();
  let listening = false;
  let closed = false;

  const server: Server = createServer((req, res) => void serve(req, res));
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    // Limits count a call when it arrives, not when its body has been read and a handler runs.
    const arrivedAt = options.now();
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await options.handle({
        url: req.url ?? '/',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks),
        signal: abort.signal,
        arrivedAt,
      });
      if (res.destroyed) return;
      if (answer.kind === 'drop') {
        // The call took effect; the client never learns whether it did.
        req.socket.destroy();
        return;
      }
      if (answer.kind === 'bytes') {
        sendBytes(req, res, answer);
        return;
      }
      const body = answer.kind === 'json' ? JSON.stringify(answer.body) : answer.body;
      const headers: Record<string, string | number> = {
        'content-type': answer.kind === 'json' ? 'application/json' : 'text/html',
        'content-length': Buffer.byteLength(body),
      };
      if (answer.kind === 'json' && answer.retryAfter !== undefined)
        headers['retry-after'] = answer.retryAfter;
      res.writeHead(answer.status, headers);
      res.end(body);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      const body = JSON.stringify({ ok: false, error_code: 500, description: 'Internal Server Error' });
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(body);
      // Surfaced for whoever runs the tests: a bug in the emulator, not a Telegram behaviour.
      console.error('[bot-api-emulator] request failed', error);
    }
  };

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        listening = true;
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  const port = await listen(options.port);

  return {
    port,
    async setReachable(reachable) {
      if (closed) return;
      if (reachable && !listening) await listen(port);
      else if (!reachable) await stopListening();
    },
    reachable: () => listening,
    async close() {
      if (closed) return;
      closed = true;
      await stopListening();
    },
  };
}

function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  answer: Extract<RawResponse, { kind: 'bytes' }>,
): void {
  res.writeHead(answer.status, {
    'content-type': 'application/octet-stream',
    'content-length': answer.body.length,
  });
  if (answer.cutAt === undefined) {
    res.end(answer.body);
    return;
  }
  // Announce every byte, send some, then cut: the client sees a transfer broken half-way.
  res.write(answer.body.subarray(0, answer.cutAt), () => req.socket.destroy());
}
