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
  type FakeHttpError,
  type FakeStreamError,
  type FakeToken,
  type FakeUsage,
  splitArguments,
} from './scenario.js';

/**
 * A fake OpenAI chat-completions endpoint (`POST /v1/chat/completions`), streaming SSE `data:` chunks
 * as OpenAI does: a role chunk, content deltas, a finish chunk, the usage chunk with empty `choices`
 * when `stream_options.include_usage` is set, then `data: [DONE]`. With reasoning it streams the
 * DeepSeek shape (`reasoning_content` deltas, `content: null` until the answer starts).
 */
export function createFakeOpenAIServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  return startFakeModelServer(openAIDialect, options);
}

function error(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) {
  return { status, body: { error: { message, type, param, code } } };
}

/** The usage object OpenAI sends: prompt tokens include cached ones, completion tokens include reasoning. */
export function openAIWireUsage(usage: FakeUsage, details: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (!details) return wire;
  const promptDetails: Record<string, number> = {
    cached_tokens: usage.cachedInputTokens ?? 0,
    audio_tokens: 0,
  };
  if (usage.cacheWriteTokens !== undefined) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  wire.prompt_tokens_details = promptDetails;
  wire.completion_tokens_details = {
    reasoning_tokens: usage.reasoningTokens ?? 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  };
  return wire;
}

const STREAM_ERRORS: Record<
  NonNullable<FakeStreamError['kind']>,
  { message: string; type: string; code: string | null }
> = {
  overloaded: {
    message: 'The server is currently overloaded with other requests. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  server: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  'rate-limit': {
    message: 'Rate limit reached. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
};

export const openAIDialect: Dialect = {
  protocol: 'openai',
  path: '/v1/chat/completions',
  baseURLPath: '/v1',
  requestIdHeader: 'x-request-id',

  parse(body): ParsedRequest | string {
    if (typeof body !== 'object' || body === null) return 'We could not parse the JSON body of your request.';
    const fields = body as Record<string, unknown>;
    if (typeof fields.model !== 'string') return 'you must provide a model parameter';
    if (!Array.isArray(fields.messages)) return "Missing required parameter: 'messages'.";
    const messages = fields.messages as RecordedMessage[];
    const imageProblem = imagePartProblem(messages);
    if (imageProblem !== undefined) return imageProblem;
    const system = messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => (typeof m.content === 'string' ? m.content : ''))
      .join('\n\n');
    const maxTokens = fields.max_completion_tokens ?? fields.max_tokens;
    return {
      model: fields.model,
      messages,
      system: system || undefined,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      stream: fields.stream === true,
      streamOptions: fields.stream_options,
    };
  },

  invalidRequest: (message): HttpReply => error(400, message, 'invalid_request_error', null),

  authenticationFailed: (): HttpReply =>
    error(
      401,
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
      'invalid_api_key',
    ),

  notFound: (method, path): HttpReply =>
    error(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null),

  httpError(failure: FakeHttpError, request): HttpReply {
    switch (failure.kind) {
      case 'authentication':
        return this.authenticationFailed();
      case 'rate-limit': {
        const seconds = failure.retryAfterSeconds ?? 1;
        return {
          ...error(
            429,
            `Rate limit reached for ${request.model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${seconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            'requests',
            'rate_limit_exceeded',
          ),
          headers: { 'retry-after': String(seconds) },
        };
      }
      case 'server':
        return error(500, STREAM_ERRORS.server.message, 'server_error', null);
      case 'overloaded':
        return error(503, 'The server is overloaded or not ready yet.', 'server_error', null);
      case 'context-too-long': {
        const max = failure.maxTokens ?? 128_000;
        const prompt = failure.promptTokens ?? max + 1_000;
        return error(
          400,
          `This model's maximum context length is ${max} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
          'invalid_request_error',
          'context_length_exceeded',
          'messages',
        );
      }
      case 'model-not-found':
        return error(
          404,
          `The model \`${request.model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        );
      case 'status':
        return failure.headers
          ? { status: failure.status, body: failure.body, headers: failure.headers }
          : { status: failure.status, body: failure.body };
    }
  },

  stream(plan: AnswerPlan) {
    const { request, tokens, usage, scenario } = plan;
    const includeUsage =
      (request.streamOptions as { include_usage?: unknown } | undefined)?.include_usage === true;
    const head = `data: {"id":"chatcmpl-${plan.id}","object":"chat.completion.chunk","created":${Math.floor(
      Date.now() / 1000,
    )},"model":${JSON.stringify(request.model)},"service_tier":"default","system_fingerprint":"fp_fake","choices":[`;
    // With include_usage every chunk carries `"usage": null` until the final usage chunk.
    const tail = includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
    const choice = (delta: string, finish: string) =>
      `${head}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}${tail}`;
    const reasons = tokens[0]?.kind === 'reasoning';
    return {
      preamble: choice(
        reasons
          ? '{"role":"assistant","content":null,"reasoning_content":""}'
          : '{"role":"assistant","content":"","refusal":null}',
        'null',
      ),
      renderToken(index: number) {
        const token = tokens[index] as FakeToken;
        const text = JSON.stringify(token.text);
        if (token.kind === 'reasoning') return choice(`{"content":null,"reasoning_content":${text}}`, 'null');
        return choice(
          reasons ? `{"content":${text},"reasoning_content":null}` : `{"content":${text}}`,
          'null',
        );
      },
      // Tool calls as OpenAI streams them: the first fragment of each carries index, id, type and name
      // with empty arguments, the rest only index and an arguments fragment; then `tool_calls`.
      finish:
        (scenario.toolCalls ?? [])
          .map((call, index) => {
            const id = call.id ?? `call_${plan.id}_${index}`;
            const first = choice(
              JSON.stringify({
                tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }],
              }),
              'null',
            );
            return (
              first +
              splitArguments(call)
                .map((part) =>
                  choice(JSON.stringify({ tool_calls: [{ index, function: { arguments: part } }] }), 'null'),
                )
                .join('')
            );
          })
          .join('') +
        choice(
          '{}',
          JSON.stringify(scenario.finishReason ?? (scenario.toolCalls?.length ? 'tool_calls' : 'stop')),
        ),
      usage:
        includeUsage && usage
          ? `${head}],"usage":${JSON.stringify(openAIWireUsage(usage, scenario.usageDetails ?? true))}}\n\n`
          : '',
      end: 'data: [DONE]\n\n',
      errorEvent(failure: FakeStreamError) {
        const shape = STREAM_ERRORS[failure.kind ?? 'overloaded'];
        const body = {
          message: failure.message ?? shape.message,
          type: shape.type,
          param: null,
          code: shape.code,
        };
        return `data: ${JSON.stringify({ error: body })}\n\n`;
      },
    };
  },

  completion(plan: AnswerPlan) {
    const { request, tokens, usage, scenario } = plan;
    const text = tokens.filter((t) => t.kind === 'text').map((t) => t.text);
    const reasoning = tokens.filter((t) => t.kind === 'reasoning').map((t) => t.text);
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: text.join(''),
      refusal: null,
      annotations: [],
    };
    if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
    const completion: Record<string, unknown> = {
      id: `chatcmpl-${plan.id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: scenario.finishReason ?? 'stop' }],
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
    if (usage) completion.usage = openAIWireUsage(usage, scenario.usageDetails ?? true);
    return completion;
  },
};
