import type { ToolDefinition } from '../providers/types.js';

/** What a tool gives back: text for the model; `isError` when it failed and the text says why. */
export interface ToolResult {
  text: string;
  isError?: boolean;
}

/** One callable tool (a built-in, or later one of an MCP server's). */
export interface Tool {
  definition: ToolDefinition;
  /** Where it comes from, e.g. `builtin` or an MCP server name; shown by /tools. */
  source: string;
  /** The argument worth showing on the running-tool line, e.g. `expression` or `city`. */
  displayArgument?: string;
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
  /** Whether this user may have the tool; absent: everyone the bot serves. */
  allowedFor?(user: { id: number; username?: string | undefined }): boolean;
}

/** The tools one user may use (in a chat that switched `disabledSources` off). */
export function toolsFor(
  tools: readonly Tool[],
  user: { id: number; username?: string | undefined } | undefined,
  disabledSources: readonly string[] = [],
): Tool[] {
  return tools.filter(
    (tool) =>
      !disabledSources.includes(tool.source) &&
      (!tool.allowedFor || (user !== undefined && tool.allowedFor(user))),
  );
}

/** A place tools come from (`builtin`, an MCP server), listed even while its tools are absent. */
export interface ToolSourceInfo {
  name: string;
  /** Whether this user may have its tools; absent: everyone the bot serves. */
  allowedFor?(user: { id: number; username?: string | undefined }): boolean;
}

/** The tools available right now (MCP servers come and go). */
export interface ToolSource {
  list(): readonly Tool[];
  /** Every configured source, connected or not, for /tools and its switches; default: those of `list()`. */
  sources?(): readonly ToolSourceInfo[];
}
