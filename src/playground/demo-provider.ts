import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelRef } from '../config.js';
import {
  ProviderAbortedError,
  ProviderConnectionLostError,
  type ProviderError,
  ProviderRateLimitedError,
  ProviderServerError,
} from '../providers/errors.js';
import type { ChatRequest, ModelProvider, StreamEvent, Usage } from '../providers/types.js';
import { composeDemoAnswer } from './demo-answers.js';
import { estimateTokens, splitIntoTokens } from './demo-tokens.js';
import { planDemoTools } from './demo-tool-calls.js';

export const DEMO_PROVIDER_NAME = 'demo';

/** The demo's models, as `/model` offers them. Only the playground adds these to the configuration. */
export const DEMO_MODELS: readonly ModelRef[] = [
  { id: 'demo:fast', provider: DEMO_PROVIDER_NAME, model: 'fast' },
  { id: 'demo:thinking', provider: DEMO_PROVIDER_NAME, model: 'thinking' },
];

/**
 * A failure the next request will meet, so the playground can show how the bot copes:
 * `overloaded` (Anthropic's 529) and `rate-limited` fail before the first token,
 * `connection-lost` cuts the stream after some text.
 */
export type DemoFailure = 'overloaded' | 'rate-limited' | 'server-error' | 'connection-lost';

export interface DemoProviderOptions {
  /** Output speed; default 45 tokens per second (a typical hosted model). */
  tokensPerSecond?: number;
  /** Delay before the first token (time to first token of a hosted model); default 700 ms. */
  firstTokenDelayMs?: number;
  /** How often batched tokens are released; default 50 ms. */
  tickMs?: number;
  /** Source of the pace jitter, 0..1; default Math.random. */
  random?: () => number;
}

export interface DemoProvider extends ModelProvider {
  /** The next request (to any demo model) fails this way. */
  failNextRequest(failure: DemoFailure): void;
  /** Failures still waiting for a request. */
  pendingFailures(): readonly DemoFailure[];
}

const KNOWN_MODELS = new Set(DEMO_MODELS.map((m) => m.model));

/**
 * An offline model for the playground: canned Markdown answers chosen by keywords, streamed at a
 * realistic pace with a usage report, honouring the AbortSignal like the real adapters.
 */
export function createDemoProvider(options: DemoProviderOptions = {}): DemoProvider {
  const tokensPerSecond = options.tokensPerSecond ?? 45;
  const firstTokenDelayMs = options.firstTokenDelayMs ?? 700;
  const tickMs = options.tickMs ?? 50;
  const random = options.random ?? Math.random;
  const failures: DemoFailure[] = [];

  async function* events(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const model = KNOWN_MODELS.has(request.model) ? request.model : 'fast';
    const context = { provider: DEMO_PROVIDER_NAME, model };
    const wait = async (ms: number) => {
      try {
        await sleep(ms, undefined, { signal });
      } catch (error) {
        throw new ProviderAbortedError({ ...context, cause: error });
      }
    };
    if (signal.aborted) throw new ProviderAbortedError(context);

    const failure = failures.shift();
    const thinking = model === 'thinking';
    const tools = planDemoTools(request);
    const script =
      tools.kind === 'none'
        ? composeDemoAnswer(request, { thinking })
        : {
            text: tools.text,
            ...(thinking && tools.kind === 'call' ? { reasoning: 'A tool can answer this exactly.' } : {}),
          };
    const reasoningTokens = script.reasoning === undefined ? [] : splitIntoTokens(script.reasoning);
    let textTokens = splitIntoTokens(script.text);
    const budget = request.maxOutputTokens ?? Number.POSITIVE_INFINITY;
    const truncated = reasoningTokens.length + textTokens.length > budget;
    if (truncated) textTokens = textTokens.slice(0, Math.max(0, budget - reasoningTokens.length));

    await wait(firstTokenDelayMs * (0.8 + 0.4 * random()));
    if (failure !== undefined && failure !== 'connection-lost') throw failureError(failure, context);

    const cutAt = failure === 'connection-lost' ? Math.min(60, Math.floor(textTokens.length / 2)) : -1;
    // Reasoning streams a little faster than text, as it does with real reasoning models.
    yield* paced(reasoningTokens, 'reasoning-delta', tokensPerSecond * 1.5);
    if (reasoningTokens.length > 0) await wait(400);
    yield* paced(cutAt >= 0 ? textTokens.slice(0, cutAt) : textTokens, 'text-delta', tokensPerSecond);
    if (cutAt >= 0) throw failureError('connection-lost', context);

    const prompt = [request.system ?? '', ...request.messages.map((m) => m.content)];
    const inputTokens = estimateTokens(prompt.join('\n')) + 4 * request.messages.length;
    const lastTurn = estimateTokens(request.messages.at(-1)?.content ?? '');
    const usage: Usage = {
      inputTokens,
      outputTokens: reasoningTokens.length + textTokens.length,
      // Earlier turns come from the prompt cache in 128-token blocks, as hosted APIs report them.
      cachedInputTokens: Math.max(0, Math.floor((inputTokens - lastTurn) / 128) * 128),
      ...(thinking ? { reasoningTokens: reasoningTokens.length } : {}),
    };
    if (tools.kind === 'call' && !truncated) {
      yield { type: 'tool-call-start', id: tools.call.id, name: tools.call.name };
      yield { type: 'tool-call', call: tools.call };
      yield { type: 'finish', reason: 'tool-calls', usage };
      return;
    }
    yield { type: 'finish', reason: truncated ? 'length' : 'stop', usage };

    async function* paced(
      tokens: string[],
      type: 'text-delta' | 'reasoning-delta',
      rate: number,
    ): AsyncGenerator<StreamEvent> {
      let sent = 0;
      let due = 0;
      while (sent < tokens.length) {
        await wait(tickMs);
        // ±30% jitter per tick: real streams arrive unevenly.
        due += (rate * tickMs * (0.7 + 0.6 * random())) / 1000;
        while (sent < tokens.length && sent < Math.floor(due)) {
          yield { type, text: tokens[sent] as string };
          sent++;
        }
      }
    }
  }

  return {
    name: DEMO_PROVIDER_NAME,
    // The demo paces its tokens with timers: a generator per token costs nothing that matters here.
    async stream(request, signal, onEvent) {
      for await (const event of events(request, signal)) onEvent(event);
    },
    failNextRequest: (failure) => {
      failures.push(failure);
    },
    pendingFailures: () => [...failures],
  };
}

function failureError(failure: DemoFailure, context: { provider: string; model: string }): ProviderError {
  switch (failure) {
    case 'overloaded':
      return new ProviderServerError({
        ...context,
        overloaded: true,
        status: 529,
        code: 'overloaded_error',
        detail: 'Overloaded (injected by the playground)',
      });
    case 'rate-limited':
      return new ProviderRateLimitedError({
        ...context,
        status: 429,
        retryAfterSeconds: 20,
        detail: 'injected by the playground',
      });
    case 'server-error':
      return new ProviderServerError({
        ...context,
        overloaded: false,
        status: 500,
        detail: 'injected by the playground',
      });
    case 'connection-lost':
      return new ProviderConnectionLostError({
        ...context,
        detail: 'stream cut (injected by the playground)',
      });
  }
}
