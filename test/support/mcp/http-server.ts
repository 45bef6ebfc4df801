import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createTestMcpServer } from './test-mcp-server.js';

/** The test MCP server over Streamable HTTP on 127.0.0.1, one session per client; `headers` records auth. */
export async function startTestMcpHttpServer(): Promise<{
  url: string;
  headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}> {
  const mcp = createTestMcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => 'session-1' });
  await mcp.connect(transport);
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server: Server = createServer((request, response) => {
    headers.push(request.headers);
    void transport.handleRequest(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    headers,
    async close() {
      await mcp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
