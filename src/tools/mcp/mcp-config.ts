import { readFileSync } from 'node:fs';
import { z } from 'zod';

const common = {
  /** Only these tools of the server are offered (its own names, not namespaced). */
  allowTools: z.array(z.string()).optional(),
  /** These tools of the server are never offered. */
  denyTools: z.array(z.string()).optional(),
  /** Only these users (ids or @usernames) get the server's tools; absent: everyone the bot serves. */
  allowUsers: z.array(z.union([z.number().int(), z.string().min(1)])).optional(),
};
const stdioServer = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  ...common,
});
const httpServer = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()).default({}),
  ...common,
});
const fileSchema = z.object({
  mcpServers: z.record(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      // `builtin` names the built-in tools in /tools and in a chat's switches.
      .refine((name) => name !== 'builtin', 'the name builtin is reserved'),
    z.union([stdioServer, httpServer]),
  ),
});

export type McpServerConfig = { name: string } & (z.infer<typeof stdioServer> | z.infer<typeof httpServer>);

/** Why MCP_CONFIG could not be used; never carries the file's `env` or `headers` values. */
export class McpConfigError extends Error {
  override readonly name = 'McpConfigError';
}

/**
 * Reads an MCP_CONFIG file in the format desktop assistants use:
 * `{"mcpServers": {"name": {"command", "args", "env"} | {"url", "headers"}}}`.
 */
export function readMcpConfig(path: string): McpServerConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not valid JSON' : 'it cannot be read';
    throw new McpConfigError(`MCP_CONFIG ${path}: ${reason}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    // Paths and messages only: zod's issues never include the values themselves here.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new McpConfigError(`MCP_CONFIG ${path}: ${problems.join('; ')}`);
  }
  return Object.entries(parsed.data.mcpServers).map(([name, server]) => ({ name, ...server }));
}

/** Whether `allowUsers` (ids or @usernames; absent: everyone the bot serves) lets this user in. */
export function allowsUser(
  allowUsers: readonly (number | string)[] | undefined,
  user: { id: number; username?: string | undefined },
): boolean {
  if (!allowUsers) return true;
  const username = user.username?.toLowerCase();
  return allowUsers.some((entry) =>
    typeof entry === 'number' ? entry === user.id : entry.replace(/^@/, '').toLowerCase() === username,
  );
}
