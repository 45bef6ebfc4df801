import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '../types.js';

/** Tool names are namespaced by server, so two servers' `search` tools never clash. */
export const NAMESPACE_SEPARATOR = '__';

interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
}

/** One MCP tool as a Tool: the call goes through the SDK client, cancelled with the signal. */
export function createMcpTool(server: string, client: Client, listed: ListedTool): Tool {
  return {
    source: server,
    definition: {
      name: `${server}${NAMESPACE_SEPARATOR}${listed.name}`,
      description: listed.description ?? listed.name,
      inputSchema: listed.inputSchema,
    },
    async run(args, signal) {
      // The SDK sends notifications/cancelled to the server when the signal aborts.
      const result = await client.callTool({ name: listed.name, arguments: args }, undefined, {
        signal,
        timeout: 24 * 3600_000,
      });
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .map((part: { type: string; text?: string }) =>
          part.type === 'text' ? (part.text ?? '') : `[${part.type} content]`,
        )
        .join('\n');
      return result.isError ? { text: text || 'the tool reported an error', isError: true } : { text };
    },
  };
}
