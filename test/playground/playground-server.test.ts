import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import type { PlaygroundEvent } from '../../src/playground/playground-events.js';
import { type Playground, startPlayground } from '../../src/playground/start-playground.js';

let playground: Playground;

beforeAll(async () => {
  playground = await startPlayground({
    port: 0,
    env: {},
    logLevel: 'info',
    demo: { tokensPerSecond: 400, firstTokenDelayMs: 50 },
    stormMs: 300,
  });
});

afterAll(async () => {
  await playground?.stop();
});

async function call(path: string, init: { method?: string; body?: unknown; host?: string } = {}) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(
      {
        host: '127.0.0.1',
        port: playground.port,
        path,
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          host: init.host ?? `127.0.0.1:${playground.port}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads `/api/events` until `until` returns true; resolves with everything seen. */
async function readEvents(until: (events: PlaygroundEvent[]) => boolean, timeoutMs = 20_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: PlaygroundEvent[] = [];
  try {
    const response = await fetch(`${playground.url}api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as PlaygroundEvent);
        }
        end = buffer.indexOf('\n\n');
      }
      if (until(events)) break;
    }
    return events;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('playground server', () => {
  it('serves the page and its modules', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('<script type="module" src="/app.js">');
    for (const file of [
      '/app.js',
      '/render-entities.js',
      '/chat-view.js',
      '/panel.js',
      '/rate-chart.js',
      '/chat-state.js',
      '/styles.css',
    ]) {
      expect((await call(file)).status, file).toBe(200);
    }
    expect((await call('/app.js')).type).toContain('text/javascript');
  });

  it('serves nothing outside its folder and answers only its own host names', async () => {
    expect((await call('/../../package.json')).status).toBe(404);
    expect((await call('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await call('/render-entities.d.ts')).status).toBe(404);
    expect((await call('/', { host: 'evil.example:80' })).status).toBe(421);
    expect((await call('/', { host: `localhost:${playground.port}` })).status).toBe(200);
  });

  it('describes the chats, the demo models and the limits', async () => {
    const response = await call('/api/state');
    const state = JSON.parse(response.text);
    expect(state.bot.username).toBe('streamgram_playground_bot');
    expect(state.chats.map((c: { kind: string }) => c.kind)).toEqual(['private', 'group']);
    expect(state.models.map((m: { id: string }) => m.id)).toEqual(['demo:fast', 'demo:thinking']);
    expect(state.limits.preset).toBe('telegram');
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('sends a message as the user and streams the bot’s answer as events, with its metrics', async () => {
    const seen = readEvents((events) =>
      events.some(
        (e) => e.type === 'answer' && e.answer.state === 'complete' && e.answer.question === 'hello bot',
      ),
    );
    // The snapshot comes first; give the stream a moment to be open before sending.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = await call('/api/send', { body: { chatId: playground.privateChatId, text: 'hello bot' } });
    expect(sent.status).toBe(200);
    const events = await seen;
    expect(events[0]?.type).toBe('snapshot');
    const timeline = events.flatMap((e) => (e.type === 'timeline' ? [e.event] : []));
    expect(timeline.some((e) => e.type === 'message' && e.from === 'user' && e.text === 'hello bot')).toBe(
      true,
    );
    expect(
      timeline.some(
        (e) => e.type === 'message' && e.from === 'bot' && e.text?.includes('offline demo model'),
      ),
    ).toBe(true);
    expect(events.some((e) => e.type === 'call' && e.call.method === 'sendMessage')).toBe(true);
    expect(events.some((e) => e.type === 'call' && e.call.method === 'getUpdates')).toBe(false);
    const answer = events.flatMap((e) => (e.type === 'answer' ? [e.answer] : [])).at(-1);
    expect(answer).toMatchObject({ chatId: playground.privateChatId, parts: 1, state: 'complete' });
    expect(answer?.firstTextMs).toBeGreaterThanOrEqual(0);
    expect(answer?.updates).toBeGreaterThanOrEqual(1);
  });

  it('lists the tool calls of an answer for the panel', async () => {
    const question = 'what is 12 * (3 + 4)?';
    const seen = readEvents((events) =>
      events.some(
        (e) => e.type === 'answer' && e.answer.state === 'complete' && e.answer.question === question,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      (await call('/api/send', { body: { chatId: playground.privateChatId, text: question } })).status,
    ).toBe(200);
    const events = await seen;
    const answer = events.flatMap((e) => (e.type === 'answer' ? [e.answer] : [])).at(-1);
    expect(answer?.tools).toEqual([expect.stringMatching(/^calculator ✓ \d+\.\d s$/)]);
  });

  it('sends a picture from the page; the demo model describes what reached it', async () => {
    const chatId = playground.privateChatId;
    const png = encodeSolidPng(48, 32, [120, 40, 200]);
    const sent = await call('/api/send-file', {
      body: {
        chatId,
        fileName: 'square.png',
        mimeType: 'image/png',
        dataBase64: png.toString('base64'),
        caption: 'What is this?',
        width: 48,
        height: 32,
      },
    });
    expect(sent.status).toBe(200);
    const answer = await playground.emulator.waitFor(
      () => {
        const text = playground.emulator.lastBotMessage(chatId)?.text;
        return text?.includes('You asked') ? text : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(answer).toContain('image/png');
    expect(answer).toContain('48×32 px');
    expect(answer).toContain('What is this?');
    // The chat view previews the picture from the message itself.
    const messageId = (JSON.parse(sent.text) as { message: { message_id: number } }).message.message_id;
    const picture = await fetch(`${playground.url}api/picture/${chatId}/${messageId}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await picture.arrayBuffer()).equals(png)).toBe(true);
    expect((await call(`/api/picture/${chatId}/${messageId + 1}`)).status).toBe(404);
    expect((await call(`/api/picture/12345/${messageId}`)).status).toBe(404);

    const file = await call('/api/send-file', {
      body: {
        chatId,
        fileName: 'notes.txt',
        mimeType: 'text/plain',
        dataBase64: Buffer.from('Streamgram reads the first words of text files.').toString('base64'),
      },
    });
    expect(file.status).toBe(200);
    const fileMessage = (JSON.parse(file.text) as { message: { message_id: number } }).message.message_id;
    // A text file has no picture to preview.
    expect((await call(`/api/picture/${chatId}/${fileMessage}`)).status).toBe(404);
    await playground.emulator.waitFor(
      () => (playground.emulator.lastBotMessage(chatId)?.text?.includes('notes.txt') ? true : undefined),
      { timeoutMs: 15_000 },
    );
    expect(playground.emulator.lastBotMessage(chatId)?.text).toContain(
      'starting “Streamgram reads the first',
    );
  });

  it('sends several pictures as one album, answered once, in the group too', async () => {
    for (const chatId of [playground.privateChatId, playground.groupChatId]) {
      const before = playground.emulator.lastBotMessage(chatId)?.messageId ?? 0;
      const mediaGroupId = `album-${chatId}`;
      for (const [index, rgb] of (
        [
          [200, 0, 0],
          [0, 200, 0],
        ] as const
      ).entries()) {
        const png = encodeSolidPng(20 + index, 10, [...rgb]);
        const sent = await call('/api/send-file', {
          body: {
            chatId,
            fileName: `p${index}.png`,
            mimeType: 'image/png',
            dataBase64: png.toString('base64'),
            width: 20 + index,
            height: 10,
            mediaGroupId,
            // The page puts the caption (with the mention, in a group) on the first picture only.
            ...(index === 0 ? { caption: '@streamgram_playground_bot compare' } : {}),
          },
        });
        expect(sent.status).toBe(200);
      }
      const answer = await playground.emulator.waitFor(
        () => {
          const message = playground.emulator.lastBotMessage(chatId);
          return message !== undefined && message.messageId > before && message.text?.includes('You asked')
            ? message.text
            : undefined;
        },
        { timeoutMs: 15_000 },
      );
      expect(answer).toContain('picture 1: image/png, ');
      expect(answer).toContain('20×10 px');
      expect(answer).toContain('picture 2: image/png, ');
      expect(answer).toContain('21×10 px');
      const answers = playground.emulator
        .visibleMessages(chatId)
        .filter((message) => message.from === 'bot' && message.messageId > before);
      expect(answers).toHaveLength(1);
    }
  });

  it('switches limits and injects faults, announcing both', async () => {
    const seen = readEvents((events) =>
      events.some(
        (e) =>
          e.type === 'faults' &&
          e.faults.stormUntil === undefined &&
          e.faults.last?.kind === 'telegram-429-storm',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call('/api/limits', { body: { preset: 'strict' } })).status).toBe(200);
    expect(playground.emulator.limits().privateChat).toEqual({ burst: 1, perSecond: 1 });
    const storm = JSON.parse((await call('/api/fault', { body: { kind: 'telegram-429-storm' } })).text);
    expect(storm.faults.stormUntil).toBeGreaterThan(Date.now() - 1000);
    const events = await seen;
    expect(events.some((e) => e.type === 'limits' && e.preset === 'strict')).toBe(true);

    const overloaded = JSON.parse((await call('/api/fault', { body: { kind: 'provider-overloaded' } })).text);
    expect(overloaded.faults.pendingProvider).toEqual(['overloaded']);
    expect(
      (await call('/api/send', { body: { chatId: playground.privateChatId, text: 'hi again' } })).status,
    ).toBe(200);
    const notice = await playground.emulator.waitFor(
      () =>
        playground.emulator
          .visibleMessages(playground.privateChatId)
          .find((m) => m.text?.includes('overloaded')),
      { timeoutMs: 20_000 },
    );
    expect(notice.text).toContain('demo:fast');
    await call('/api/limits', { body: { preset: 'telegram' } });
  });

  it('refuses bad requests with a reason', async () => {
    const bad = await call('/api/send', { body: { chatId: playground.privateChatId } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toContain('text');
    expect((await call('/api/limits', { body: { preset: 'fast' } })).status).toBe(400);
    expect((await call('/api/fault', { body: { kind: 'telegram-429-next' } })).status).toBe(400);
    expect((await call('/api/send', { body: { chatId: 42, text: 'x' } })).status).toBe(404);
    const unknownButton = await call('/api/press', {
      body: { chatId: playground.privateChatId, messageId: 1, data: 'nope' },
    });
    expect(unknownButton.status).toBe(400);
    expect(
      (await call('/api/stop-draft', { body: { chatId: playground.privateChatId, draftId: 9 } })).status,
    ).toBe(400);
    expect((await call('/api/nothing', { body: {} })).status).toBe(404);
    expect((await call('/api/send', { method: 'PUT' })).status).toBe(405);
  });
});
