import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { completeToolCall } from './parse-tool-arguments.js';
import type { StreamEvent } from './types.js';

/** Reasoning text as DeepSeek and vLLM (`reasoning_content`) or OpenRouter (`reasoning`) send it. */
type CompatibleDelta = ChatCompletionChunk.Choice.Delta & {
  reasoning_content?: string | null;
  reasoning?: string | null;
};

const NONE: readonly StreamEvent[] = [];

/**
 * Turns chat-completion chunks into stream events, one chunk at a time, and keeps what spans chunks:
 * tool calls streamed in fragments, the finish reason and the usage report. Plain functions apart
 * from the adapter's generator: chunks vary in shape, and V8 then re-optimizes only this small code.
 */
export function createOpenAIChunkReader() {
  let finishReason: string | null = null;
  let rawUsage: ChatCompletionChunk['usage'];
  // Parallel calls stream interleaved by `index`; the id and name come in the first fragment only.
  const calls = new Map<number, { id: string; name: string; json: string }>();

  return {
    read(chunk: ChatCompletionChunk): readonly StreamEvent[] {
      // The usage report comes in its own chunk with empty `choices`, after the finish reason.
      if (chunk.usage) rawUsage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) return NONE;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const delta = choice.delta as CompatibleDelta;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      // The common chunk: one piece of text and nothing else.
      if (!reasoning && !delta.tool_calls)
        return delta.content ? [{ type: 'text-delta', text: delta.content }] : NONE;
      const events: StreamEvent[] = [];
      if (reasoning) events.push({ type: 'reasoning-delta', text: reasoning });
      if (delta.content) events.push({ type: 'text-delta', text: delta.content });
      for (const fragment of delta.tool_calls ?? []) {
        let call = calls.get(fragment.index);
        if (!call) {
          call = {
            id: fragment.id ?? `call_${fragment.index}`,
            name: fragment.function?.name ?? '',
            json: '',
          };
          calls.set(fragment.index, call);
          events.push({ type: 'tool-call-start', id: call.id, name: call.name });
        }
        const argumentsDelta = fragment.function?.arguments;
        if (argumentsDelta) {
          call.json += argumentsDelta;
          events.push({ type: 'tool-call-delta', id: call.id, argumentsDelta });
        }
      }
      return events;
    },

    /** The stream ended without a finish reason: it was cut, not complete. */
    wasCut: () => finishReason === null,

    /** The events that end a complete stream: every tool call with its parsed arguments, then the finish. */
    end(): StreamEvent[] {
      const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
      return [
        ...ordered.map((call) => completeToolCall(call.id, call.name, call.json)),
        {
          type: 'finish',
          reason: mapOpenAIFinishReason(finishReason ?? 'stop'),
          usage: rawUsage ? mapOpenAIUsage(rawUsage) : undefined,
        },
      ];
    },
  };
}
