import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Prometheus metrics on a registry of our own (no global state), served at GET /metrics. With
 * `instance`, every series carries it as a label: several instances of one bot scraped behind one
 * address stay apart.
 */
export function createMetrics(options: { instance?: string } = {}) {
  const registry = new Registry();
  if (options.instance !== undefined) registry.setDefaultLabels({ instance: options.instance });
  const registers = [registry];
  const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 3.5, 5, 10, 20, 40, 90];
  return {
    registry,
    answers: new Counter({
      name: 'streamgram_answers_total',
      help: 'Answers by outcome (complete, interrupted, cancelled, error, refused).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    tokens: new Counter({
      name: 'streamgram_tokens_total',
      help: 'Tokens reported by providers, by provider, model and kind (input, cached_input, output, reasoning).',
      labelNames: ['provider', 'model', 'kind'] as const,
      registers,
    }),
    telegramCalls: new Counter({
      name: 'streamgram_telegram_calls_total',
      help: 'Bot API calls by method.',
      labelNames: ['method'] as const,
      registers,
    }),
    telegramRateLimited: new Counter({
      name: 'streamgram_telegram_429_total',
      help: 'Bot API calls answered 429 Too Many Requests, by method.',
      labelNames: ['method'] as const,
      registers,
    }),
    firstVisible: new Histogram({
      name: 'streamgram_first_visible_seconds',
      help: 'From the start of an answer to its first visible text.',
      buckets: latencyBuckets,
      registers,
    }),
    finalText: new Histogram({
      name: 'streamgram_final_text_seconds',
      help: 'From the start of an answer to its complete final text.',
      buckets: latencyBuckets,
      registers,
    }),
    activeStreams: new Gauge({
      name: 'streamgram_active_streams',
      help: 'Answers being generated right now.',
      registers,
    }),
  };
}
