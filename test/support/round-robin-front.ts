import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny loopback load balancer for multi-instance tests: the emulator's webhook URL points at it,
 * and it forwards each POST (path, body, secret-token header) to the next of N instance base URLs
 * and returns that instance's answer. A target that refuses the connection is skipped for the next
 * one, as nginx's `proxy_next_upstream error` does; when every target fails the answer is 502, so
 * the emulator keeps the update and retries it (as Telegram does).
 */
export interface RoundRobinFront {
  /** Base URL of the front, e.g. `http://127.0.0.1:PORT`; append the webhook path. */
  readonly url: string;
  /** Replaces the instance base URLs (e.g. after a restart on another port). */
  setTargets(targets: readonly string[]): void;
  /** Number of answered forwards per target base URL (any status). */
  forwardedTo(target: string): number;
  /** Every forward in order: the target and the status it answered (0 = unreachable). */
  log(): readonly { target: string; status: number }[];
  close(): Promise<void>;
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

export async function startRoundRobinFront(initialTargets: readonly string[]): Promise<RoundRobinFront> {
  let targets = initialTargets.map(trimSlash);
  let next = 0;
  const counts = new Map<string, number>();
  const entries: { target: string; status: number }[] = [];

  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !hopByHop.has(name)) headers[name] = value;
    }
    const tries = targets.length;
    for (let attempt = 0; attempt < tries; attempt++) {
      const target = targets[next % targets.length];
      next = (next + 1) % Math.max(targets.length, 1);
      if (target === undefined) break;
      try {
        const answer = await fetch(`${target}${request.url ?? '/'}`, {
          method: request.method ?? 'POST',
          headers,
          ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = Buffer.from(await answer.arrayBuffer());
        counts.set(target, (counts.get(target) ?? 0) + 1);
        entries.push({ target, status: answer.status });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!hopByHop.has(name) && name !== 'content-encoding') out[name] = value;
        });
        response.writeHead(answer.status, out);
        response.end(text);
        return;
      } catch {
        entries.push({ target, status: 0 });
        // Unreachable instance: try the next one.
      }
    }
    response.writeHead(502, { 'content-type': 'text/plain' });
    response.end('no instance reachable');
  };

  const server = createServer((request, response) => {
    forward(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setTargets(list) {
      targets = list.map(trimSlash);
      next = 0;
    },
    forwardedTo: (target) => counts.get(trimSlash(target)) ?? 0,
    log: () => entries,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
