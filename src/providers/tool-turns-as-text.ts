import type { ChatMessage, UserMessage } from './types.js';

/** Longest tool result quoted in a summary; the model saw the whole result in its own turn. */
const MAX_RESULT_CHARS = 2000;

/**
 * The history for a request that defines no tools: tool calls and results become plain text, since
 * Anthropic refuses `tool_use`/`tool_result` blocks without tool definitions (and OpenAI-compatible
 * servers vary). An assistant turn keeps its text and says which tools it called; the results become
 * one user turn (joined with the question that follows, so roles still alternate).
 */
export function toolTurnsAsText(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let results: string[] = [];
  const flush = () => {
    if (results.length > 0) out.push({ role: 'user', content: results.join('\n') });
    results = [];
  };
  for (const message of messages) {
    if (message.role === 'tool') {
      const verb = message.isError ? 'failed' : 'result';
      results.push(`[${message.name} ${verb}: ${clip(message.content)}]`);
      continue;
    }
    if (message.role === 'user') {
      if (results.length === 0) {
        out.push(message);
        continue;
      }
      const joined: UserMessage = { ...message, content: `${results.join('\n')}\n\n${message.content}` };
      results = [];
      out.push(joined);
      continue;
    }
    flush();
    if (!message.toolCalls || message.toolCalls.length === 0) {
      out.push(message.thinking ? { role: 'assistant', content: message.content } : message);
      continue;
    }
    const called = message.toolCalls
      .map((call) => `[called ${call.name} ${JSON.stringify(call.arguments)}]`)
      .join('\n');
    out.push({
      role: 'assistant',
      content: message.content === '' ? called : `${message.content}\n\n${called}`,
    });
  }
  flush();
  return out;
}

function clip(text: string): string {
  return text.length <= MAX_RESULT_CHARS ? text : `${text.slice(0, MAX_RESULT_CHARS)}…`;
}
