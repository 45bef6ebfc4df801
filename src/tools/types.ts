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
}

/** The tools available right now (MCP servers come and go). */
export interface ToolSource {
  list(): readonly Tool[];
}
