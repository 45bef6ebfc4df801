import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { useStreamgram } from '../support/use-streamgram.js';
import { hasKeyboard } from '../support/visible.js';

const start = useStreamgram();

const SECRET = 'webhook-secret-0123456789';
async function startWebhookWorld() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/telegram/hook`;
  const world = await start({
    env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port), STREAM_MODE: 'edit' },
    emulator: { limits: 'none' },
  });
  return { world, url };
}

function countRows(databasePath: string, table: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('webhook mode', () => {
  it('registers the webhook with its secret and the update types the bot handles', async () => {
    const { world, url } = await startWebhookWorld();
    const info = world.telegram.webhookInfo() as { url: string; allowed_updates?: string[] };
    expect(info.url).toBe(url);
    expect(info.allowed_updates).toEqual([
      'message',
      'edited_message',
      'callback_query',
      'stopped_message_generation',
    ]);
  });

  it('refuses a request without the right secret (401) and a malformed body (400), changing nothing', async () => {
    const { world, url } = await startWebhookWorld();
    const update = {
      update_id: 999_001,
      message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, text: 'hi' },
    };

    const noSecret = await fetch(url, { method: 'POST', body: JSON.stringify(update) });
    expect(noSecret.status).toBe(401);
    const wrongSecret = await fetch(url, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': 'webhook-secret-9876543210' },
      body: JSON.stringify(update),
    });
    expect(wrongSecret.status).toBe(401);
    for (const body of ['{"update_id":', '[]', '{"message":{}}', 'null']) {
      const malformed = await fetch(url, {
        method: 'POST',
        headers: { 'x-telegram-bot-api-secret-token': SECRET, 'content-type': 'application/json' },
        body,
      });
      expect(malformed.status).toBe(400);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.openai.requests).toHaveLength(0);
    expect(countRows(world.databasePath, 'processed_updates')).toBe(0);
    expect(countRows(world.databasePath, 'messages')).toBe(0);
  });

  it('acknowledges at once and delivers a long answer after the webhook was answered', async () => {
    const { world } = await startWebhookWorld();
    const paragraph = 'Webhooks answer Telegram at once and stream in the background. ';
    const text = Array.from({ length: 8 }, (_, index) => `${index + 1}. ${paragraph.repeat(12)}`).join(
      '\n\n',
    );
    world.openai.enqueue({ text, tokensPerSecond: 400 });
    const user = world.telegram.createUser({ firstName: 'Webhook' });
    world.telegram.userSends({ chat: user.id, text: 'Tell me a long story' });

    const messages = await world.telegram.waitFor(
      () => {
        const visible = world.telegram.visibleMessages(user.id).filter((message) => message.from === 'bot');
        const joined = visible.map((message) => message.text).join('\n\n');
        return joined.length >= text.length - 20 && visible.every((message) => !hasKeyboard(message))
          ? visible
          : undefined;
      },
      { timeoutMs: 25_000 },
    );
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.every((message) => (message.text ?? '').length <= 4096)).toBe(true);
    const deliveries = world.telegram.calls({ method: 'setWebhook' });
    expect(deliveries).toHaveLength(1);
    // Telegram got its answer long before the stream ended: the emulator recorded no webhook error.
    expect(
      (world.telegram.webhookInfo() as { last_error_message?: string }).last_error_message,
    ).toBeUndefined();
  });
});
