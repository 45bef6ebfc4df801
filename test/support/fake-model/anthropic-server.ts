import { randomBytes } from 'node:crypto';
import {
  type AnswerPlan,
  type Dialect,
  type FakeModelServer,
  type FakeModelServerOptions,
  type HttpReply,
  type ParsedRequest,
  type RecordedMessage,
  startFakeModelServer,
} from './fake-server.js';
import { imagePartProblem } from './recorded-images.js';
import {
  contentText,
  type FakeHttpError,
  type FakeStreamError,
  type FakeToken,
  type FakeUsage,
  splitArguments,
} from './scenario.js';

/**
 * A fake Anthropic messages endpoint (`POST /v1/messages`), streaming SSE `event:`/`data:` pairs in the
 * API's order: message_start (input usage, output_tokens 1), content_block_start, ping, deltas
 * (a `thinking` block with thinking_delta and signature_delta, then a `text` block), content_block_stop,
 * message_delta (stop_reason, cumulative output_tokens), message_stop.
 */
export function createFakeAnthropicServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  return startFakeModelServer(anthropicDialect, options);
}

function error(status: number, type: string, message: string): HttpReply {
  return {
    status,
    body: { type: 'error', error: { type, message }, request_id: `req_${randomBytes(12).toString('hex')}` },
  };
}

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `usage` of message_start: input_tokens excludes cache reads and writes, which are reported apart. */
export function anthropicStartUsage(usage: FakeUsage): Record<string, unknown> {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: 1,
    service_tier: 'standard',
  };
}

const STREAM_ERRORS: Record<NonNullable<FakeStreamError['kind']>, { type: string; message: string }> = {
  overloaded: { type: 'overloaded_error', message: 'Overloaded' },
  server: { type: 'api_error', message: 'Internal server error' },
  'rate-limit': { type: 'rate_limit_error', message: 'Rate limited' },
};

const SIGNATURE = 'EqQBCkYIBRgCKkBmYWtlLXNpZ25hdHVyZQ==';

export const anthropicDialect: Dialect = {
  protocol: 'anthropic',
  path: '/v1/messages',
  baseURLPath: '',
  requestIdHeader: 'request-id',

  parse(body): ParsedRequest | string {
    if (typeof body !== 'object' || body === null) return 'Invalid JSON body';
    const fields = body as Record<string, unknown>;
    if (typeof fields.model !== 'string') return 'model: Field required';
    if (typeof fields.max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Array.isArray(fields.messages)) return 'messages: Field required';
    const imageProblem = imagePartProblem(fields.messages as RecordedMessage[]);
    if (imageProblem !== undefined) return imageProblem;
    const hasTools = Array.isArray(fields.tools) && fields.tools.length > 0;
    if (!hasTools && hasToolBlocks(fields.messages as RecordedMessage[])) {
      // The real API's wording for history with tool blocks but no tool definitions.
      return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
    }
    const system =
      typeof fields.system === 'string'
        ? fields.system
        : contentText({ content: fields.system }) || undefined;
    return {
      model: fields.model,
      messages: fields.messages as RecordedMessage[],
      system,
      maxTokens: fields.max_tokens,
      stream: fields.stream === true,
      streamOptions: undefined,
    };
  },

  invalidRequest: (message) => error(400, 'invalid_request_error', message),
  authenticationFailed: () => error(401, 'authentication_error', 'invalid x-api-key'),
  notFound: () => error(404, 'not_found_error', 'Not Found'),

  httpError(failure: FakeHttpError, request): HttpReply {
    switch (failure.kind) {
      case 'authentication':
        return this.authenticationFailed();
      case 'rate-limit': {
        const seconds = failure.retryAfterSeconds ?? 1;
        return {
          ...error(
            429,
            'rate_limit_error',
            'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
          ),
          headers: { 'retry-after': String(seconds) },
        };
      }
      case 'server':
        return error(500, 'api_error', 'Internal server error');
      case 'overloaded':
        return error(529, 'overloaded_error', 'Overloaded');
      case 'context-too-long': {
        const max = failure.maxTokens ?? 200_000;
        const prompt = failure.promptTokens ?? max + 8_310;
        return error(400, 'invalid_request_error', `prompt is too long: ${prompt} tokens > ${max} maximum`);
      }
      case 'model-not-found':
        return error(404, 'not_found_error', `model: ${request.model}`);
      case 'status':
        return failure.headers
          ? { status: failure.status, body: failure.body, headers: failure.headers }
          : { status: failure.status, body: failure.body };
    }
  },

  stream(plan: AnswerPlan) {
    const { request, tokens, usage, scenario } = plan;
    const message: Record<string, unknown> = {
      id: `msg_${plan.id}`,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
    };
    if (usage) message.usage = anthropicStartUsage(usage);

    // Block index of each token, and what opens or closes around it.
    const firstText = tokens.findIndex((t) => t.kind === 'text');
    const textIndex = tokens[0]?.kind === 'reasoning' ? 1 : 0;
    const closeBlock = (index: number, kind: FakeToken['kind']) =>
      (kind === 'reasoning'
        ? event('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'signature_delta', signature: SIGNATURE },
          })
        : '') + event('content_block_stop', { type: 'content_block_stop', index });
    const openBlock = (index: number, kind: FakeToken['kind']) =>
      event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block:
          kind === 'reasoning'
            ? { type: 'thinking', thinking: '', signature: '' }
            : { type: 'text', text: '' },
      }) + (index === 0 ? event('ping', { type: 'ping' }) : '');

    const last = tokens[tokens.length - 1];
    const finalOutput = usage?.outputTokens ?? 0;
    const deltaCount = Math.max(1, scenario.messageDeltaCount ?? 1);
    let messageDeltas = '';
    for (let i = 1; i <= deltaCount; i++) {
      const final = i === deltaCount;
      const data: Record<string, unknown> = {
        type: 'message_delta',
        delta: {
          stop_reason: final
            ? (scenario.finishReason ?? (scenario.toolCalls?.length ? 'tool_use' : 'end_turn'))
            : null,
          stop_sequence: null,
        },
      };
      if (usage) {
        const deltaUsage: Record<string, unknown> = {
          output_tokens: final ? finalOutput : Math.max(1, Math.round((finalOutput * i) / deltaCount)),
        };
        if (final && usage.reasoningTokens !== undefined) {
          deltaUsage.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
        }
        data.usage = deltaUsage;
      }
      messageDeltas += event('message_delta', data);
    }

    // tool_use blocks follow the thinking and text blocks: start with empty input, input_json_delta
    // fragments, stop.
    const firstToolIndex = last ? (last.kind === 'reasoning' ? 1 : textIndex + 1) : 0;
    const toolBlocks = (scenario.toolCalls ?? [])
      .map((call, i) => {
        const index = firstToolIndex + i;
        const id = call.id ?? `toolu_${plan.id}_${i}`;
        return (
          event('content_block_start', {
            type: 'content_block_start',
            index,
            content_block: { type: 'tool_use', id, name: call.name, input: {} },
          }) +
          splitArguments(call)
            .map((part) =>
              event('content_block_delta', {
                type: 'content_block_delta',
                index,
                delta: { type: 'input_json_delta', partial_json: part },
              }),
            )
            .join('') +
          event('content_block_stop', { type: 'content_block_stop', index })
        );
      })
      .join('');

    return {
      preamble: event('message_start', { type: 'message_start', message }),
      renderToken(index: number) {
        const token = tokens[index] as FakeToken;
        const blockIndex = token.kind === 'reasoning' ? 0 : textIndex;
        let prefix = '';
        if (index === 0) prefix = openBlock(0, token.kind);
        else if (index === firstText) prefix = closeBlock(0, 'reasoning') + openBlock(textIndex, 'text');
        const delta =
          token.kind === 'reasoning'
            ? { type: 'thinking_delta', thinking: token.text }
            : { type: 'text_delta', text: token.text };
        return (
          prefix + event('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta })
        );
      },
      finish: (last ? closeBlock(last.kind === 'reasoning' ? 0 : textIndex, last.kind) : '') + toolBlocks,
      usage: messageDeltas,
      end: event('message_stop', { type: 'message_stop' }),
      errorEvent(failure: FakeStreamError) {
        const shape = STREAM_ERRORS[failure.kind ?? 'overloaded'];
        return event('error', {
          type: 'error',
          error: { type: shape.type, message: failure.message ?? shape.message },
        });
      },
    };
  },

  completion(plan: AnswerPlan) {
    const { request, tokens, usage, scenario } = plan;
    const reasoning = tokens.filter((t) => t.kind === 'reasoning').map((t) => t.text);
    const text = tokens.filter((t) => t.kind === 'text').map((t) => t.text);
    const content: unknown[] = [];
    if (reasoning.length > 0)
      content.push({ type: 'thinking', thinking: reasoning.join(''), signature: SIGNATURE });
    if (text.length > 0) content.push({ type: 'text', text: text.join(''), citations: null });
    const message: Record<string, unknown> = {
      id: `msg_${plan.id}`,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: scenario.finishReason ?? 'end_turn',
      stop_sequence: null,
    };
    if (usage) message.usage = { ...anthropicStartUsage(usage), output_tokens: usage.outputTokens };
    return message;
  },
};

function hasToolBlocks(messages: readonly RecordedMessage[]): boolean {
  return messages.some(
    (message) =>
      Array.isArray(message.content) &&
      message.content.some(
        (block: { type?: unknown }) => block.type === 'tool_use' || block.type === 'tool_result',
      ),
  );
}
