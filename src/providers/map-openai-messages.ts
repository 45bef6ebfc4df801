import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { mapOpenAIImage } from './map-openai-image.js';
import type { ChatMessage, ToolDefinition } from './types.js';

/** The conversation in chat-completions form: tool calls on assistant turns, results as `tool` messages. */
export function mapOpenAIMessages(
  system: string | undefined,
  messages: readonly ChatMessage[],
): ChatCompletionMessageParam[] {
  const wire: ChatCompletionMessageParam[] = [];
  if (system) wire.push({ role: 'system', content: system });
  for (const message of messages) {
    if (message.role === 'user') {
      wire.push({
        role: 'user',
        content: message.images?.length
          ? [...message.images.map(mapOpenAIImage), { type: 'text' as const, text: message.content }]
          : message.content,
      });
    } else if (message.role === 'tool') {
      // The protocol has no error flag: the text itself says it failed.
      wire.push({
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.isError ? `Error: ${message.content}` : message.content,
      });
    } else if (message.toolCalls && message.toolCalls.length > 0) {
      wire.push({
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      });
    } else {
      wire.push({ role: 'assistant', content: message.content });
    }
  }
  return wire;
}

export function mapOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}
