import type { AnswerOutcome } from '../conversation/answer-question.js';
import type { Metrics } from './create-metrics.js';

export function recordAnswer(metrics: Metrics, outcome: AnswerOutcome): void {
  metrics.answers.inc({ outcome: outcome.status });
  const { stats, usage, model } = outcome;
  if (stats.firstVisibleAt !== undefined)
    metrics.firstVisible.observe((stats.firstVisibleAt - stats.startedAt) / 1000);
  if (stats.finalAt !== undefined && outcome.delivery.delivered) {
    metrics.finalText.observe((stats.finalAt - stats.startedAt) / 1000);
  }
  if (usage === undefined) return;
  const labels = { provider: model.provider, model: model.model };
  metrics.tokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
  metrics.tokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
  if (usage.cachedInputTokens)
    metrics.tokens.inc({ ...labels, kind: 'cached_input' }, usage.cachedInputTokens);
  if (usage.reasoningTokens) metrics.tokens.inc({ ...labels, kind: 'reasoning' }, usage.reasoningTokens);
}
