import { ProviderAbortedError } from '../providers/errors.js';
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  FinishReason,
  ModelProvider,
  StreamEvent,
  ThinkingBlock,
  ToolCall,
  Usage,
} from '../providers/types.js';
import { appendText } from '../streaming/append-text.js';
import {
  type FinishedToolCall,
  runToolCalls,
  type ToolCallRequest,
  type ToolRunSettings,
} from '../tools/run-tool-calls.js';
import type { Tool } from '../tools/types.js';
import { sumUsage } from './sum-usage.js';

export interface ToolLoopSettings extends ToolRunSettings {
  /** Rounds of tool calls per answer; after that the model is asked to answer without tools. */
  maxSteps: number;
}

/** What the answer streams: the model's text and reasoning, tools starting and ending, one finish. */
export type AnswerEvent =
  | Extract<StreamEvent, { type: 'text-delta' | 'reasoning-delta' }>
  | { type: 'tool-started'; call: ToolCall }
  | { type: 'tool-finished'; done: FinishedToolCall }
  /** `usage` is the sum over every request of the answer. */
  | { type: 'finish'; reason: FinishReason; usage: Usage | undefined };

export interface ToolTranscript {
  /** The assistant turns with tool calls and their results, in order, to store and send back later. */
  messages: ChatMessage[];
}

/**
 * Streams one answer, running the tools the model calls between requests: text, then tool calls
 * (run in parallel), their results back to the model, more text — until the model stops for another
 * reason or `maxSteps` rounds were spent, when a last request goes out without tools. Every event
 * goes to `onEvent` as it happens, ending with one `finish`. Errors and aborts reject as the provider
 * throws them; `transcript` holds the rounds completed so far.
 *
 * A callback rather than a generator of its own: text arrives token by token, and every async
 * generator between the provider and the delivery costs a promise round per token.
 */
export async function streamWithTools(
  provider: ModelProvider,
  request: ChatRequest,
  tools: ReadonlyMap<string, Tool>,
  settings: ToolLoopSettings,
  signal: AbortSignal,
  transcript: ToolTranscript,
  onEvent: (event: AnswerEvent) => void,
): Promise<void> {
  const definitions = [...tools.values()].map((tool) => tool.definition);
  const reports: (Usage | undefined)[] = [];
  // Whether the text shown so far ends in a word: the next round's text then starts after a
  // paragraph break, never glued to it. Worked out once per round, not per token.
  let shownEndsInText = false;
  for (let step = 0; ; step++) {
    const withTools = definitions.length > 0 && step < settings.maxSteps;
    const round: ChatRequest = {
      ...request,
      messages: [...request.messages, ...transcript.messages],
      // After the last allowed round the tools stay described (the history refers to them) but the
      // model must answer in text.
      tools: definitions,
      ...(withTools ? {} : { toolChoice: 'none' as const }),
    };
    let text = '';
    const thinking: ThinkingBlock[] = [];
    const calls: ToolCallRequest[] = [];
    let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
    await provider.stream(round, signal, (event) => {
      if (event.type === 'text-delta') {
        if (event.text === '') return;
        if (text === '' && shownEndsInText) onEvent({ type: 'text-delta', text: '\n\n' });
        text = appendText(text, event.text);
        onEvent(event);
      } else if (event.type === 'reasoning-delta') onEvent(event);
      else if (event.type === 'thinking-block') thinking.push(event.block);
      else if (event.type === 'tool-call') {
        calls.push(
          event.error === undefined ? { call: event.call } : { call: event.call, parseError: event.error },
        );
      } else if (event.type === 'finish') finish = event;
    });
    if (text !== '') shownEndsInText = !/\s$/.test(text);
    reports.push(finish?.usage);
    if (!withTools || calls.length === 0 || !finish) {
      onEvent({ type: 'finish', reason: finish?.reason ?? 'other', usage: sumUsage(reports) });
      return;
    }
    const assistant: AssistantMessage = {
      role: 'assistant',
      content: text,
      toolCalls: calls.map((request) => request.call),
      ...(thinking.length > 0 ? { thinking } : {}),
    };
    let done: FinishedToolCall[];
    try {
      done = await runToolCalls(calls, tools, settings, signal, {
        onStart: (call) => onEvent({ type: 'tool-started', call }),
        onEnd: (finished) => onEvent({ type: 'tool-finished', done: finished }),
      });
    } catch (error) {
      // Stopped while tools ran: end the answer the way a stopped model request ends it.
      if (signal.aborted) {
        throw new ProviderAbortedError({ provider: provider.name, model: request.model, cause: error });
      }
      throw error;
    }
    transcript.messages.push(assistant, ...done.map((finished) => finished.result));
  }
}
