import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RoundRobinFront, startRoundRobinFront } from './round-robin-front.js';

const servers: Server[] = [];
let front: RoundRobinFront | undefined;

afterEach(async () => {
  await front?.close();
  front = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function echoServer(name: string, status = 200): Promise<string> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        name,
        path: request.url,
        secret: request.headers['x-telegram-bot-api-secret-token'],
        body: Buffer.concat(chunks).toString(),
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3' },
    body,
  });

describe('round-robin front', () => {
  it('forwards each POST to the next instance with its path, body and secret header', async () => {
    const a = await echoServer('a');
    const b = await echoServer('b', 503);
    front = await startRoundRobinFront([a, b]);
    const answers: { status: number; name?: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await post(`${front.url}/hook`, `{"n":${i}}`);
      answers.push({ status: response.status, ...((await response.json()) as { name: string }) });
    }
    expect(answers.map((x) => x.name)).toEqual(['a', 'b', 'a', 'b']);
    expect(answers[1]).toMatchObject({ status: 503, path: '/hook', secret: 's3', body: '{"n":1}' });
    expect(front.forwardedTo(a)).toBe(2);
  });

  it('skips an unreachable instance and answers 502 when none is reachable', async () => {
    const a = await echoServer('a');
    front = await startRoundRobinFront(['http://127.0.0.1:1', a]);
    const first = await post(`${front.url}/hook`, '{}');
    expect(first.status).toBe(200);
    expect(((await first.json()) as { name: string }).name).toBe('a');
    front.setTargets(['http://127.0.0.1:1']);
    expect((await post(`${front.url}/hook`, '{}')).status).toBe(502);
  });
});
