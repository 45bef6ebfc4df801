import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { connectMcpServers, type McpTools } from '../../../src/tools/mcp/connect-mcp-servers.js';
import type { McpServerConfig } from '../../../src/tools/mcp/mcp-config.js';
import { toolsFor } from '../../../src/tools/types.js';
import { startTestMcpHttpServer } from '../../support/mcp/http-server.js';

const STDIO_MAIN = fileURLToPath(new URL('../../support/mcp/stdio-main.ts', import.meta.url));
const SECRET = 'mcp-secret-value-123456';

let tools: McpTools | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await tools?.close();
  tools = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', secrets: [], destination }) };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tool = (name: string) => {
  const found = tools?.list().find((t) => t.definition.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

describe('MCP servers', () => {
  it('stdio: lists namespaced tools with the deny list applied, calls them, cancels a hanging one', async () => {
    const { logger } = capture();
    const server: McpServerConfig = {
      name: 'test',
      command: process.execPath,
      args: ['--import', 'tsx', STDIO_MAIN],
      env: { API_TOKEN: SECRET },
      denyTools: ['unlock', 'crash'],
    };
    const connected = connectMcpServers([server], { logger });
    tools = connected;
    await connected.ready;
    expect(
      tools
        .list()
        .map((t) => t.definition.name)
        .sort(),
    ).toEqual(['test__echo', 'test__fail', 'test__hang']);
    const signal = new AbortController().signal;
    expect(await tool('test__echo').run({ text: 'hi 🌸' }, signal)).toEqual({ text: 'echo: hi 🌸' });
    expect(await tool('test__fail').run({}, signal)).toEqual({ text: 'the disk is on fire', isError: true });

    const stop = new AbortController();
    const hanging = tool('test__hang').run({}, stop.signal);
    setTimeout(() => stop.abort(new Error('stopped')), 100);
    const startedAt = Date.now();
    await expect(hanging).rejects.toThrow();
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    // The server is still there for the next call.
    expect(await tool('test__echo').run({ text: 'again' }, signal)).toEqual({ text: 'echo: again' });
  }, 30_000);

  it('Streamable HTTP: sends the headers, follows list_changed, and honours the allow list', async () => {
    const http = await startTestMcpHttpServer();
    cleanups.push(http.close);
    const { logger, lines } = capture();
    const connected = connectMcpServers(
      [
        {
          name: 'web',
          url: http.url,
          headers: { authorization: `Bearer ${SECRET}` },
          allowTools: ['echo', 'unlock', 'secret'],
        },
      ],
      { logger },
    );
    tools = connected;
    await connected.ready;
    expect(
      tools
        .list()
        .map((t) => t.definition.name)
        .sort(),
    ).toEqual(['web__echo', 'web__unlock']);
    expect(http.headers.some((h) => h.authorization === `Bearer ${SECRET}`)).toBe(true);
    await tool('web__unlock').run({}, new AbortController().signal);
    await waitFor(
      () => tools?.list().some((t) => t.definition.name === 'web__secret') === true,
      'the new tool',
    );
    expect(await tool('web__secret').run({}, new AbortController().signal)).toEqual({ text: '42' });
    expect(lines.join('')).not.toContain(SECRET);
  }, 30_000);

  it('a server that cannot start is logged once, retried, and the others keep working', async () => {
    const http = await startTestMcpHttpServer();
    cleanups.push(http.close);
    const { logger, lines } = capture();
    const connected = connectMcpServers(
      [
        { name: 'broken', command: '/nonexistent/mcp-server', args: [], env: { TOKEN: SECRET } },
        { name: 'web', url: http.url, headers: {} },
      ],
      { logger, retry: { firstMs: 20, maxMs: 50 } },
    );
    tools = connected;
    await connected.ready;
    expect(tools.list().some((t) => t.definition.name === 'web__echo')).toBe(true);
    expect(tools.list().some((t) => t.source === 'broken')).toBe(false);
    // Several retries happen, but the outage is logged once.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const outages = lines.filter((line) => line.includes('MCP server unavailable'));
    expect(outages).toHaveLength(1);
    expect(outages[0]).toContain('"mcpServer":"broken"');
    expect(lines.join('')).not.toContain(SECRET);
  }, 30_000);

  it('allowUsers: only the listed users (ids or @usernames) get the server tools', async () => {
    const http = await startTestMcpHttpServer();
    cleanups.push(http.close);
    const connected = connectMcpServers(
      [{ name: 'web', url: http.url, headers: {}, allowUsers: [7, '@Ada'] }],
      {
        logger: capture().logger,
      },
    );
    tools = connected;
    await connected.ready;
    const all = tools.list();
    expect(toolsFor(all, { id: 7 }).length).toBeGreaterThan(0);
    expect(toolsFor(all, { id: 8, username: 'ada' })).toHaveLength(all.length);
    expect(toolsFor(all, { id: 9, username: 'bob' })).toEqual([]);
    expect(toolsFor(all, undefined)).toEqual([]);
  }, 30_000);
});
