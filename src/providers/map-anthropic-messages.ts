import type {
  ContentBlockParam,
  MessageParam,
  Tool,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { mapAnthropicImage } from './map-anthropic-image.js';
import type { ChatMessage, ToolDefinition } from './types.js';

/**
 * The conversation in messages-API form: tool calls become `tool_use` blocks after the turn's signed
 * thinking blocks and text; results become `tool_result` blocks in the next user turn (consecutive
 * results share one user message, as the API requires).
 */
export function mapAnthropicMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const wire: MessageParam[] = [];
  let pendingResults: ToolResultBlockParam[] | undefined;
  const flushResults = () => {
    if (pendingResults) wire.push({ role: 'user', content: pendingResults });
    pendingResults = undefined;
  };
  for (const message of messages) {
    if (message.role === 'tool') {
      pendingResults ??= [];
      pendingResults.push({
        type: 'tool_result',
        tool_use_id: message.toolCallId,
        content: message.content,
        ...(message.isError ? { is_error: true } : {}),
      });
      continue;
    }
    if (message.role === 'user') {
      // A question right after tool results joins their user turn (roles must alternate).
      const blocks: ContentBlockParam[] = [
        ...(pendingResults ?? []),
        ...(message.images ?? []).map(mapAnthropicImage),
      ];
      pendingResults = undefined;
      if (blocks.length === 0) {
        wire.push({ role: 'user', content: message.content });
      } else {
        // Anthropic refuses empty text blocks: a picture without a caption is sent alone.
        if (message.content !== '') blocks.push({ type: 'text', text: message.content });
        wire.push({ role: 'user', content: blocks });
      }
      continue;
    }
    flushResults();
    if (!message.toolCalls || message.toolCalls.length === 0) {
      wire.push({ role: 'assistant', content: message.content });
      continue;
    }
    const blocks: ContentBlockParam[] = [];
    for (const block of message.thinking ?? []) {
      blocks.push({ type: 'thinking', thinking: block.text, signature: block.signature });
    }
    if (message.content !== '') blocks.push({ type: 'text', text: message.content });
    for (const call of message.toolCalls) {
      blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
    }
    wire.push({ role: 'assistant', content: blocks });
  }
  flushResults();
  return wire;
}

export function mapAnthropicTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.inputSchema } as Tool['input_schema'],
  }));
}
