import type { ToolCall } from '../providers/types.js';
import type { Tool } from '../tools/types.js';

const MAX_ARGUMENT_CHARS = 40;
/** Calls listed in the final record; an answer with more says how many it left out. */
const MAX_RECORD_LINES = 20;

/**
 * The lines a streaming answer shows while tools run: `🔧 calculator · "6 * 7" …`, then the
 * duration once the call is done (`✓ 0.2 s`, `✗ 1.0 s` for a failure). One line per call of the round.
 */
export function createToolStatus(tools: ReadonlyMap<string, Tool>) {
  const lines = new Map<string, string>();
  return {
    started(call: ToolCall): string {
      lines.set(call.id, `${toolCallLabel(call, tools)} …`);
      return this.text();
    },
    finished(call: ToolCall, durationMs: number, failed: boolean): string {
      lines.set(call.id, finishedLine(call, tools, durationMs, failed));
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

/**
 * Every call of the answer, all rounds, for the collapsed record above the final text: the same
 * lines as the status; a call the answer ended before it finished is marked `⏹`.
 */
export function createToolRecord(tools: ReadonlyMap<string, Tool>) {
  const lines = new Map<string, string | undefined>();
  const labels = new Map<string, string>();
  return {
    started(call: ToolCall): void {
      labels.set(call.id, toolCallLabel(call, tools));
      lines.set(call.id, undefined);
    },
    finished(call: ToolCall, durationMs: number, failed: boolean): void {
      const label = labels.get(call.id) ?? toolCallLabel(call, tools);
      lines.set(call.id, `${label} ${outcome(durationMs, failed)}`);
    },
    /** Empty when no tool was called. */
    text(): string {
      const all = [...lines].map(([id, line]) => line ?? `${labels.get(id)} ⏹`);
      if (all.length <= MAX_RECORD_LINES) return all.join('\n');
      const left = all.length - MAX_RECORD_LINES;
      return [...all.slice(0, MAX_RECORD_LINES), `… and ${left} more call${left === 1 ? '' : 's'}`].join(
        '\n',
      );
    },
  };
}

/** `🔧 name · "important argument"`: the tool's own display argument, else its first string argument. */
export function toolCallLabel(call: ToolCall, tools: ReadonlyMap<string, Tool>): string {
  const key = tools.get(call.name)?.displayArgument ?? firstStringArgument(call.arguments);
  const value = key === undefined ? undefined : call.arguments[key];
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return shown === undefined ? `🔧 ${call.name}` : `🔧 ${call.name} · "${shorten(shown)}"`;
}

function finishedLine(
  call: ToolCall,
  tools: ReadonlyMap<string, Tool>,
  durationMs: number,
  failed: boolean,
): string {
  return `${toolCallLabel(call, tools)} ${outcome(durationMs, failed)}`;
}

function outcome(durationMs: number, failed: boolean): string {
  return `${failed ? '✗' : '✓'} ${(durationMs / 1000).toFixed(1)} s`;
}

function firstStringArgument(args: Record<string, unknown>): string | undefined {
  return Object.keys(args).find((key) => typeof args[key] === 'string');
}

function shorten(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_ARGUMENT_CHARS ? flat : `${flat.slice(0, MAX_ARGUMENT_CHARS - 1)}…`;
}
