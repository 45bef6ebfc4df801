import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/**
 * A real MCP server (the SDK's own server classes) for tests: `echo` answers, `fail` reports an
 * error, `hang` waits until the client cancels it, `unlock` adds a `secret` tool (list_changed).
 * With `crashable` (a child process only), `crash` kills the process in the middle of the call.
 */
export function createTestMcpServer(options: { crashable?: boolean } = {}): McpServer {
  const server = new McpServer({ name: 'streamgram-test', version: '1.0.0' });
  if (options.crashable) {
    server.registerTool('crash', { description: 'Dies while it runs.' }, () => {
      // The call is in flight when the process goes: the client sees its connection close.
      setTimeout(() => process.exit(1), 50);
      return new Promise(() => {});
    });
  }
  server.registerTool(
    'echo',
    { description: 'Repeats the text.', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
  );
  server.registerTool('fail', { description: 'Always fails.' }, async () => ({
    content: [{ type: 'text', text: 'the disk is on fire' }],
    isError: true,
  }));
  server.registerTool(
    'hang',
    { description: 'Never answers until cancelled.' },
    (extra) =>
      new Promise((_, reject) => {
        extra.signal.addEventListener('abort', () => reject(new Error('cancelled')));
      }),
  );
  server.registerTool('unlock', { description: 'Adds the secret tool.' }, async () => {
    server.registerTool('secret', { description: 'Only after unlock.' }, async () => ({
      content: [{ type: 'text', text: '42' }],
    }));
    return { content: [{ type: 'text', text: 'unlocked' }] };
  });
  return server;
}
