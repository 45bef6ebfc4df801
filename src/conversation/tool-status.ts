import type { ToolCall } from '../providers/types.js';
import type { Tool } from '../tools/types.js';

const MAX_ARGUMENT_CHARS = 40;

/**
 * The lines a streaming answer shows while tools run: `🔧 calculator · "6 * 7" …`, then the
 * duration once the call is done (`✓ 0.2 s`, `✗ 1.0 s` for a failure). One line per call of the round.
 */
export function createToolStatus(tools: ReadonlyMap<string, Tool>) {
  const lines = new Map<string, string>();
  const label = (call: ToolCall) => {
    const key = tools.get(call.name)?.displayArgument ?? firstStringArgument(call.arguments);
    const value = key === undefined ? undefined : call.arguments[key];
    const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    return shown === undefined ? `🔧 ${call.name}` : `🔧 ${call.name} · "${shorten(shown)}"`;
  };
  return {
    started(call: ToolCall): string {
      lines.set(call.id, `${label(call)} …`);
      return this.text();
    },
    finished(call: ToolCall, durationMs: number, failed: boolean): string {
      lines.set(call.id, `${label(call)} ${failed ? '✗' : '✓'} ${(durationMs / 1000).toFixed(1)} s`);
      return this.text();
    },
    /** A new round of calls starts with a fresh status. */
    clear(): void {
      lines.clear();
    },
    text(): string {
      return [...lines.values()].join('\n');
    },
  };
}

function firstStringArgument(args: Record<string, unknown>): string | undefined {
  return Object.keys(args).find((key) => typeof args[key] === 'string');
}

function shorten(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_ARGUMENT_CHARS ? flat : `${flat.slice(0, MAX_ARGUMENT_CHARS - 1)}…`;
}
