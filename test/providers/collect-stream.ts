import type { StreamEvent } from '../../src/providers/types.js';

export interface Collected {
  events: StreamEvent[];
  text: string;
  reasoning: string;
  finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
  error: unknown;
}

/**
 * Runs a provider stream (`(emit) => provider.stream(request, signal, emit)`) and keeps what it
 * handed over; `onEvent` may abort mid-way. Never throws: the error is returned.
 */
export async function collect(
  stream: (emit: (event: StreamEvent) => void) => Promise<void>,
  onEvent?: (event: StreamEvent, index: number) => void,
): Promise<Collected> {
  const result: Collected = { events: [], text: '', reasoning: '', finish: undefined, error: undefined };
  try {
    await stream((event) => {
      result.events.push(event);
      if (event.type === 'text-delta') result.text += event.text;
      else if (event.type === 'reasoning-delta') result.reasoning += event.text;
      else if (event.type === 'finish') result.finish = event;
      onEvent?.(event, result.events.length - 1);
    });
  } catch (error) {
    result.error = error;
  }
  return result;
}
