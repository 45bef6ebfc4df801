import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestMcpHttpServer } from '../support/mcp/http-server.js';
import type { StreamgramWorld } from '../support/start-streamgram.js';
import { pressAndWaitAnswer, sendAndWaitReply } from '../telegram/features/support.js';
import { botMessages, E2E_TIMEOUT_MS, useAnswerWorld } from './answer-e2e-support.js';

// MCP end to end: a real SDK server over Streamable HTTP, the bot's SDK client, the fake model
// calling its tools through the real OpenAI SDK, the emulator showing the answer.

const start = useAnswerWorld();
const STDIO_MAIN = fileURLToPath(new URL('../support/mcp/stdio-main.ts', import.meta.url));
const SECRET = 'mcp-header-secret-987654';
let closeMcp: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeMcp?.();
  closeMcp = undefined;
});

async function startWithMcp(env: Record<string, string> = {}, web: Record<string, unknown> = {}) {
  const mcp = await startTestMcpHttpServer();
  closeMcp = mcp.close;
  const dir = mkdtempSync(join(tmpdir(), 'streamgram-mcp-'));
  const path = join(dir, 'mcp.json');
  writeFileSync(
    path,
    JSON.stringify({
      mcpServers: { web: { url: mcp.url, headers: { authorization: `Bearer ${SECRET}` }, ...web } },
    }),
  );
  const started = await start({ MCP_CONFIG: path, STREAM_MODE: 'edit', ...env });
  if (!web.allowUsers) await waitForTools(started.world);
  return started;
}

/** MCP servers connect in the background: ask /tools until the server's tools are listed. */
async function waitForTools(world: StreamgramWorld, name = 'web__echo', asker?: number) {
  const chat = asker ?? world.telegram.createUser({ firstName: 'Probe' }).id;
  for (let attempt = 0; attempt < 50; attempt++) {
    const reply = await sendAndWaitReply(world.telegram, { chat, text: '/tools' });
    if (reply.text?.includes(name)) return reply;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the MCP tools never appeared');
}

describe('answering with MCP tools', () => {
  it(
    'calls an MCP tool and continues; a failing tool gives the model an error result',
    async () => {
      const { world, store } = await startWithMcp();
      world.openai.enqueue({
        text: 'Asking the server.',
        toolCalls: [
          { id: 'c1', name: 'web__echo', arguments: '{"text":"hello"}' },
          { id: 'c2', name: 'web__fail', arguments: '{}' },
        ],
      });
      world.openai.enqueue({ text: 'Done.' });
      const user = world.telegram.createUser({ firstName: 'Ada' });
      world.telegram.userSends({ chat: user.id, text: 'Echo hello' });
      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: 'Asking the server.\n\nDone.' });
      expect(world.openai.requests[1]?.messages.slice(-2)).toEqual([
        { role: 'tool', tool_call_id: 'c1', content: 'echo: hello' },
        { role: 'tool', tool_call_id: 'c2', content: 'Error: the disk is on fire' },
      ]);
      expect(botMessages(world, user.id).at(-1)?.text).toMatch(
        /^🔧 web__echo · "hello" ✓ \d+\.\d s\n🔧 web__fail ✗ \d+\.\d s\n\nAsking the server\.\n\nDone\.$/,
      );
    },
    E2E_TIMEOUT_MS,
  );

  it(
    '/stop during a hanging tool ends the answer within 2 s',
    async () => {
      const { world, store } = await startWithMcp();
      world.openai.enqueue({
        text: 'Waiting for the tool.',
        toolCalls: [{ id: 'h', name: 'web__hang', arguments: '{}' }],
      });
      const user = world.telegram.createUser({ firstName: 'Bo' });
      world.telegram.userSends({ chat: user.id, text: 'Hang please' });
      // The tool line shows the call running.
      await world.telegram.waitFor(
        () => botMessages(world, user.id).find((m) => m.text?.includes('🔧 web__hang …')),
        { timeoutMs: 10_000, message: 'the running tool line' },
      );
      const stoppedAt = Date.now();
      world.telegram.userSends({ chat: user.id, text: '/stop' });
      const [answer] = await store.waitForFinished(1);
      expect(Date.now() - stoppedAt).toBeLessThan(2_000);
      expect(answer?.status).toBe('cancelled');
      expect(answer?.content).toBe('Waiting for the tool.');
      expect(world.openai.requests).toHaveLength(1);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'never logs the token of a failing server, even when its error repeats it',
    async () => {
      const token = 'mcp-token-never-logged-31337';
      // A broken server that echoes the request's credentials back in its error page.
      const broken = createServer((request, response) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(
          `upstream refused ${request.headers.authorization ?? ''} and X-Key ${request.headers['x-key'] ?? ''}`,
        );
      });
      await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
      closeMcp = () => new Promise<void>((resolve) => broken.close(() => resolve()));
      const { port } = broken.address() as AddressInfo;
      const dir = mkdtempSync(join(tmpdir(), 'streamgram-mcp-'));
      const path = join(dir, 'mcp.json');
      writeFileSync(
        path,
        JSON.stringify({
          mcpServers: {
            broken: {
              url: `http://127.0.0.1:${port}/mcp`,
              headers: { authorization: `Bearer ${token}`, 'x-key': 'plain-key-value-42' },
            },
          },
        }),
      );
      const { world } = await start({ MCP_CONFIG: path });
      const line = await world.telegram.waitFor(
        () => world.logs.find((entry) => entry.includes('MCP server unavailable')),
        { timeoutMs: 10_000, message: 'the MCP failure log line' },
      );
      // The error text reached the log (scrubbed), so the test would see a leak.
      expect(line).toContain('upstream refused');
      expect(line).toContain('[redacted]');
      const all = world.logs.join('\n');
      expect(all).not.toContain(token);
      expect(all).not.toContain('plain-key-value-42');
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'a stdio server that crashes mid-call: the model gets an error, the answer completes, the server comes back',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'streamgram-mcp-'));
      const path = join(dir, 'mcp.json');
      writeFileSync(
        path,
        JSON.stringify({
          mcpServers: { local: { command: process.execPath, args: ['--import', 'tsx', STDIO_MAIN] } },
        }),
      );
      const { world, store } = await start({ MCP_CONFIG: path, STREAM_MODE: 'edit' });
      await waitForTools(world, 'local__echo');
      world.openai.enqueue({
        text: 'Trying.',
        toolCalls: [{ id: 'k', name: 'local__crash', arguments: '{}' }],
      });
      world.openai.enqueue({ text: 'The tool broke, sorry.', firstTokenDelayMs: 200 });
      const user = world.telegram.createUser({ firstName: 'Eve' });
      world.telegram.userSends({ chat: user.id, text: 'Crash it' });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: 'Trying.\n\nThe tool broke, sorry.' });
      expect(world.openai.requests[1]?.messages.at(-1)).toEqual({
        role: 'tool',
        tool_call_id: 'k',
        content: expect.stringMatching(/^Error: The tool failed: .*closed/i),
      });
      expect(botMessages(world, user.id).at(-1)?.text).toMatch(/^🔧 local__crash ✗ \d+\.\d s\n\nTrying\./);

      // Restarted with back-off (the first retry after 1 s); its tools come back and work.
      await world.telegram.waitFor(() => world.logs.find((line) => line.includes('MCP server is back')), {
        timeoutMs: 15_000,
        message: 'the server restarted',
      });
      await waitForTools(world, 'local__echo');
      const down = world.logs.filter((line) => line.includes('MCP server unavailable'));
      expect(down).toHaveLength(1);
      expect(down[0]).toContain('"mcpServer":"local"');

      world.openai.enqueue({
        text: '',
        toolCalls: [{ id: 'e', name: 'local__echo', arguments: '{"text":"again"}' }],
      });
      world.openai.enqueue({ text: 'Back.' });
      world.telegram.userSends({ chat: user.id, text: 'Echo again' });
      await store.waitForFinished(2);
      expect(world.openai.requests[3]?.messages.at(-1)).toEqual({
        role: 'tool',
        tool_call_id: 'e',
        content: 'echo: again',
      });
    },
    E2E_TIMEOUT_MS * 2,
  );

  it(
    '/tools: a server is switched off per chat with its button; allowUsers still hides it from others',
    async () => {
      const { world, store } = await startWithMcp({}, { allowUsers: [9001] });
      const { telegram } = world;
      const ada = telegram.createUser({ id: 9001, firstName: 'Ada' });
      const bo = telegram.createUser({ id: 9002, firstName: 'Bo' });
      const menu = await waitForTools(world, 'web__echo', ada.id);
      const keyboard = (menu.replyMarkup as { inline_keyboard: { text: string }[][] }).inline_keyboard;
      expect(keyboard.flat().map((button) => button.text)).toEqual([
        '✅ Built in',
        '✅ web',
        '✅ List the calls in answers',
      ]);
      // Bo is not in allowUsers: no web section, no web button.
      const boMenu = await sendAndWaitReply(telegram, { chat: bo.id, text: '/tools' });
      expect(boMenu.text).not.toContain('web');

      const answer = await pressAndWaitAnswer(telegram, {
        chat: ada.id,
        messageId: menu.messageId,
        data: 'tools:src:web',
      });
      expect(answer.text).toBe('web: off in this chat.');
      world.openai.enqueue({ text: 'Only built-ins.' });
      telegram.userSends({ chat: ada.id, text: 'Which tools?' });
      await store.waitForFinished(1);
      const body = world.openai.requests[0]?.body as { tools?: { function: { name: string } }[] } | undefined;
      expect(body?.tools?.map((tool) => tool.function.name).sort()).toEqual(['calculator', 'current_time']);
    },
    E2E_TIMEOUT_MS,
  );
});
