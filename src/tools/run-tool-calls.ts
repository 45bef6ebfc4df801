import type { ToolCall, ToolResultMessage } from '../providers/types.js';
import type { Tool } from './types.js';

export interface ToolCallRequest {
  call: ToolCall;
  /** Set when the model's arguments could not be parsed: the call is answered with it, not run. */
  parseError?: string;
}

export interface ToolRunSettings {
  timeoutMs: number;
  /** Longest result text given back to the model; longer ones are cut with a note. */
  maxResultChars: number;
}

export interface FinishedToolCall {
  call: ToolCall;
  result: ToolResultMessage;
  durationMs: number;
}

/**
 * Runs one round of tool calls in parallel. Every call gets a result for the model — a failure,
 * a timeout, an unknown tool or bad arguments become an error text — so the answer can go on. Only
 * `signal` (a /stop) ends the round early, by rejecting with its reason.
 */
export async function runToolCalls(
  requests: readonly ToolCallRequest[],
  tools: ReadonlyMap<string, Tool>,
  settings: ToolRunSettings,
  signal: AbortSignal,
  hooks: { onStart?(call: ToolCall): void; onEnd?(done: FinishedToolCall): void } = {},
  now: () => number = Date.now,
): Promise<FinishedToolCall[]> {
  signal.throwIfAborted();
  return Promise.all(
    requests.map(async ({ call, parseError }) => {
      const startedAt = now();
      hooks.onStart?.(call);
      const outcome = await runOne(call, parseError, tools.get(call.name), settings, signal);
      const text = capText(outcome.text, settings.maxResultChars);
      const result: ToolResultMessage = {
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: text,
        ...(outcome.isError ? { isError: true } : {}),
      };
      const done = { call, result, durationMs: now() - startedAt };
      hooks.onEnd?.(done);
      return done;
    }),
  );
}

async function runOne(
  call: ToolCall,
  parseError: string | undefined,
  tool: Tool | undefined,
  settings: ToolRunSettings,
  signal: AbortSignal,
): Promise<{ text: string; isError?: boolean }> {
  if (parseError) return { text: `The call was not run: ${parseError}.`, isError: true };
  if (!tool) return { text: `There is no tool named "${call.name}".`, isError: true };
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(combined.reason);
    combined.addEventListener('abort', onAbort, { once: true });
  });
  try {
    // A tool that ignores its signal still loses the race: the answer never waits past the timeout.
    return await Promise.race([tool.run(call.arguments, combined), aborted]);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) {
      return {
        text: `The tool did not answer within ${Math.round(settings.timeoutMs / 1000)} s.`,
        isError: true,
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { text: `The tool failed: ${message}`, isError: true };
  } finally {
    if (onAbort) combined.removeEventListener('abort', onAbort);
  }
}

function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}\n[truncated: the result had ${text.length} characters, only the first ${end} are shown]`;
}
