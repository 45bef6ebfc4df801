import type { StreamEvent } from '../../src/providers/types.js';

export interface Collected {
  events: StreamEvent[];
  text: string;
  reasoning: string;
  finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
  error: unknown;
}

/** Drains a provider stream; `onEvent` may abort mid-way. Never throws: the error is returned. */
export async function collect(
  stream: AsyncIterable<StreamEvent>,
  onEvent?: (event: StreamEvent, index: number) => void,
): Promise<Collected> {
  const result: Collected = { events: [], text: '', reasoning: '', finish: undefined, error: undefined };
  try {
    for await (const event of stream) {
      result.events.push(event);
      if (event.type === 'text-delta') result.text += event.text;
      else if (event.type === 'reasoning-delta') result.reasoning += event.text;
      else if (event.type === 'finish') result.finish = event;
      onEvent?.(event, result.events.length - 1);
    }
  } catch (error) {
    result.error = error;
  }
  return result;
}
