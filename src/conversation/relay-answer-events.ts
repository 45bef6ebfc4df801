import type { Logger } from '../logger.js';
import type { Usage } from '../providers/types.js';
import { appendText } from '../streaming/append-text.js';
import type { AnswerDelivery } from '../streaming/delivery/types.js';
import type { Tool } from '../tools/types.js';
import type { AnswerEvent } from './stream-with-tools.js';
import { createToolRecord, createToolStatus } from './tool-status.js';

/** What an answer has streamed so far; kept up to date while events arrive, so a failure keeps it. */
export interface StreamedAnswer {
  text: string;
  reasoning: string;
  usage: Usage | undefined;
  /** The model stopped at the length limit. */
  cutShort: boolean;
  /** The record of every tool call, for the collapsed quote above the final text; empty for none. */
  toolRecord(): string;
}

export function createStreamedAnswer(tools: ReadonlyMap<string, Tool>) {
  const record = createToolRecord(tools);
  const streamed: StreamedAnswer = {
    text: '',
    reasoning: '',
    usage: undefined,
    cutShort: false,
    toolRecord: () => record.text(),
  };
  return { streamed, record };
}

/**
 * The handler that feeds one answer's events to its delivery: text and reasoning as they arrive, a
 * status line per running tool (cleared once the answer goes on), and the record of calls.
 */
export function createAnswerRelay(
  deps: { delivery: AnswerDelivery; tools: ReadonlyMap<string, Tool>; log: Logger },
  answer: ReturnType<typeof createStreamedAnswer>,
): (event: AnswerEvent) => void {
  const { delivery, log } = deps;
  const { streamed, record } = answer;
  const status = createToolStatus(deps.tools);
  let toolsRunning = false;
  return (event) => {
    if (event.type === 'text-delta') {
      // The tool lines stay until the answer goes on, then give way to its text.
      if (toolsRunning) delivery.setStatus(undefined);
      toolsRunning = false;
      streamed.text = appendText(streamed.text, event.text);
      delivery.appendText(event.text);
    } else if (event.type === 'reasoning-delta') {
      streamed.reasoning = appendText(streamed.reasoning, event.text);
      delivery.appendReasoning(event.text);
    } else if (event.type === 'tool-started') {
      log.debug({ tool: event.call.name, call: event.call.id }, 'tool started');
      if (!toolsRunning) status.clear();
      toolsRunning = true;
      record.started(event.call);
      delivery.setStatus(status.started(event.call));
    } else if (event.type === 'tool-finished') {
      const { call, durationMs, result } = event.done;
      const failed = result.isError === true;
      record.finished(call, durationMs, failed);
      delivery.setStatus(status.finished(call, durationMs, failed));
      log.info({ tool: call.name, call: call.id, ms: durationMs, failed }, 'tool finished');
    } else if (event.type === 'finish') {
      streamed.usage = event.usage;
      streamed.cutShort = event.reason === 'length';
    }
  };
}
