import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../logger.js';
import type { Tool } from '../types.js';
import { allowsUser, type McpServerConfig } from './mcp-config.js';
import { createMcpTool } from './mcp-tool.js';

export interface McpTools {
  /** The tools of every server that is up right now. */
  list(): Tool[];
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;

/**
 * Connects to every configured MCP server in the background. A server that fails to start or dies is
 * logged once (by name and reason, never its env or headers), retried with doubling back-off, and its
 * tools are absent meanwhile: the bot never waits for it or stops because of it.
 */
export function connectMcpServers(
  servers: readonly McpServerConfig[],
  deps: { logger: Logger; retry?: { firstMs: number; maxMs: number } },
): McpTools & { ready: Promise<void> } {
  const current = new Map<string, Tool[]>();
  let closed = false;
  const clients = new Set<Client>();
  const timers = new Set<NodeJS.Timeout>();
  const firstMs = deps.retry?.firstMs ?? FIRST_RETRY_MS;
  const maxMs = deps.retry?.maxMs ?? MAX_RETRY_MS;

  async function start(server: McpServerConfig, attempt: number, loggedDown: boolean): Promise<void> {
    if (closed) return;
    const log = deps.logger.child({ mcpServer: server.name });
    const client = new Client({ name: 'streamgram', version: '0.1.0' });
    let retrying = false;
    const retry = (error: unknown, already: boolean, failures: number) => {
      // A close during the first listing also fails the start: schedule one retry, not two.
      if (retrying) return;
      retrying = true;
      current.delete(server.name);
      clients.delete(client);
      if (closed) return;
      if (!already)
        log.warn({ reason: describe(error) }, 'MCP server unavailable; its tools are off until it is back');
      const delay = Math.min(maxMs, firstMs * 2 ** failures);
      const timer = setTimeout(() => {
        timers.delete(timer);
        void start(server, failures + 1, true);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    try {
      const transport =
        'command' in server
          ? new StdioClientTransport({
              command: server.command,
              args: server.args,
              env: { ...inheritedEnv(), ...server.env },
              stderr: 'ignore',
            })
          : new StreamableHTTPClientTransport(new URL(server.url), {
              requestInit: { headers: server.headers },
            });
      client.onclose = () => {
        // A server that was up starts its back-off afresh: one crash a day never waits minutes.
        if (clients.has(client)) retry(new Error('the connection closed'), false, 0);
      };
      await client.connect(transport);
      clients.add(client);
      const refresh = async () => {
        const listed = await client.listTools();
        current.set(
          server.name,
          listed.tools
            .filter((tool) => (server.allowTools ? server.allowTools.includes(tool.name) : true))
            .filter((tool) => !server.denyTools?.includes(tool.name))
            .map((tool) => withUserAccess(createMcpTool(server.name, client, tool), server.allowUsers)),
        );
        log.info({ tools: current.get(server.name)?.length ?? 0 }, 'MCP tools listed');
      };
      client.setNotificationHandler(ToolListChangedNotificationSchema, () =>
        refresh().catch((error: unknown) =>
          log.warn({ reason: describe(error) }, 'MCP tool list refresh failed'),
        ),
      );
      await refresh();
      if (loggedDown) log.info('MCP server is back');
    } catch (error) {
      void client.close().catch(() => {});
      retry(error, loggedDown, attempt);
    }
  }

  const ready = Promise.all(servers.map((server) => start(server, 0, false))).then(() => {});
  return {
    ready,
    list: () => [...current.values()].flat(),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      const all = [...clients];
      clients.clear();
      await Promise.all(all.map((client) => client.close().catch(() => {})));
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The SDK's safe default environment (PATH, HOME...), not the bot's secrets. */
function inheritedEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'TMPDIR', 'SYSTEMROOT'];
  return Object.fromEntries(
    keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key] as string]),
  );
}

function withUserAccess(tool: Tool, allowUsers: readonly (number | string)[] | undefined): Tool {
  if (!allowUsers) return tool;
  return { ...tool, allowedFor: (user) => allowsUser(allowUsers, user) };
}
