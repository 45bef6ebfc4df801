import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTestMcpServer } from './test-mcp-server.js';

// Run as a child process by tests: `node --import tsx test/support/mcp/stdio-main.ts`.
await createTestMcpServer({ crashable: true }).connect(new StdioServerTransport());
