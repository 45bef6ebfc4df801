import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../src/emulator/index.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

let emulator: BotApiEmulator;
let bot: Bot;
let receiver: Server;
let received: Received[];
let answer: (request: Received) => { status: number; body?: unknown };
let url: string;

beforeEach(async () => {
  emulator = await startBotApiEmulator({ webhookRetryDelayMs: 20, maxWebhookRetryDelayMs: 50 });
  bot = createEmulatedBot(emulator);
  received = [];
  answer = () => ({ status: 200 });
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    received.push(request);
    const reply = answer(request);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/telegram`;
});

afterEach(async () => {
  await emulator.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('webhook delivery', () => {
  it('posts each update as JSON with the secret token header', async () => {
    const user = emulator.createUser();
    await bot.api.setWebhook(url, { secret_token: 'hush-123' });
    emulator.userSends({ chat: user.id, text: 'first' });
    emulator.userSends({ chat: user.id, text: 'second' });
    await emulator.waitFor(() => received.length === 2);
    expect(received.map((r) => (r.body.message as { text: string }).text)).toEqual(['first', 'second']);
    expect(received[0]?.headers['x-telegram-bot-api-secret-token']).toBe('hush-123');
    expect(received[0]?.headers['content-type']).toBe('application/json');
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url,
      pending_update_count: 0,
      has_custom_certificate: false,
    });
  });

  it('retries an update after a non-2xx answer, reporting the error meanwhile', async () => {
    const user = emulator.createUser();
    let failures = 2;
    answer = () => (failures-- > 0 ? { status: 500 } : { status: 200 });
    await bot.api.setWebhook(url);
    emulator.userSends({ chat: user.id, text: 'persistent' });
    await emulator.waitFor(() => received.length >= 2);
    const info = await bot.api.getWebhookInfo();
    expect(info.last_error_message).toMatch(/^Wrong response from the webhook: 500/);
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body.update_id)).size).toBe(1);
  });

  it('executes a method call returned in the webhook response', async () => {
    const user = emulator.createUser();
    answer = (request) => ({
      status: 200,
      body: {
        method: 'sendMessage',
        chat_id: user.id,
        text: `echo: ${(request.body.message as { text: string }).text}`,
      },
    });
    await bot.api.setWebhook(url);
    emulator.userSends({ chat: user.id, text: 'ping' });
    const reply = await emulator.waitFor(() => emulator.lastBotMessage(user.id));
    expect(reply.text).toBe('echo: ping');
    expect(emulator.calls({ method: 'sendMessage' })[0]?.source).toBe('webhook-reply');
  });

  it('stops delivering after deleteWebhook and can drop pending updates', async () => {
    const user = emulator.createUser();
    answer = () => ({ status: 503 });
    await bot.api.setWebhook(url, { allowed_updates: ['message'] });
    expect(emulator.allowedUpdates()).toEqual(['message']);
    emulator.userSends({ chat: user.id, text: 'stuck' });
    await emulator.waitFor(() => received.length >= 1);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    const count = received.length;
    expect(emulator.pendingUpdates()).toEqual([]);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: '', pending_update_count: 0 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received.length).toBeLessThanOrEqual(count + 1);
    expect(await bot.api.getUpdates()).toEqual([]);
  });
});
