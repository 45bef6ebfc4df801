import type { ToolCall } from './types.js';

/**
 * The `tool-call` event for a call whose arguments arrived as JSON text. Models sometimes write
 * malformed JSON (or a non-object): that becomes an `error` the tool loop answers the model with,
 * never an exception.
 */
export function completeToolCall(
  id: string,
  name: string,
  json: string,
): { type: 'tool-call'; call: ToolCall; error?: string } {
  const text = json.trim() === '' ? '{}' : json;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { type: 'tool-call', call: { id, name, arguments: parsed as Record<string, unknown> } };
    }
    return {
      type: 'tool-call',
      call: { id, name, arguments: {} },
      error: 'the arguments must be a JSON object',
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      type: 'tool-call',
      call: { id, name, arguments: {} },
      error: `the arguments are not valid JSON (${reason})`,
    };
  }
}
