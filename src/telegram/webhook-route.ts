import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';

const MAX_BODY_BYTES = 1 << 20;

/**
 * Telegram's POST with one update. It is acknowledged at once and handled in the background: a
 * streamed answer takes far longer than Telegram waits for a webhook reply, and a slow reply makes
 * Telegram resend the update. Forged (no or wrong secret) and malformed requests change nothing.
 */
export function createWebhookRoute(deps: {
  secret: string;
  /**
   * Takes the update before it is acknowledged: one instance puts it on its chat's queue and returns
   * at once; the durable inbox (several instances) stores it. When that fails, the answer is 503 and
   * Telegram sends the update again later.
   */
  accept(update: Update): void | Promise<void>;
  isAccepting(): boolean;
  logger: Logger;
}) {
  const expected = Buffer.from(deps.secret);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const given = Buffer.from(String(request.headers['x-telegram-bot-api-secret-token'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      deps.logger.warn(
        { ip: request.socket.remoteAddress },
        'webhook request without the right secret refused',
      );
      response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized\n');
      request.resume();
      return;
    }
    if (!deps.isAccepting()) {
      // Shutting down: Telegram keeps the update and sends it again to the next instance.
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('shutting down\n');
      request.resume();
      return;
    }
    const update = parseUpdate(await readBody(request));
    if (update === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('malformed update\n');
      return;
    }
    try {
      await deps.accept(update);
    } catch (error) {
      deps.logger.error(
        { err: error, update: update.update_id },
        'cannot store the update; Telegram will resend it',
      );
      response
        .writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' })
        .end('cannot store the update\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseUpdate(body: string | undefined): Update | undefined {
  if (body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null) return undefined;
    const updateId = (value as { update_id?: unknown }).update_id;
    return Number.isSafeInteger(updateId) ? (value as Update) : undefined;
  } catch {
    return undefined;
  }
}
