import { createBoundedLog } from './state/bounded-log.js';

export interface CallRecord {
  seq: number;
  /** Clock time when the request arrived, in milliseconds. */
  at: number;
  /** Canonical method name (`sendMessage`), or the name as requested when unknown. */
  method: string;
  params: Record<string, unknown>;
  /** The numeric `chat_id` of the call, when it had one. */
  chatId?: number;
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number;
  ok: boolean;
  result?: unknown;
  error?: { code: number; description: string; retryAfter?: number };
  /** The call took effect but the connection was cut before the answer (an ambiguous failure). */
  dropped?: true;
  /** Where the call came from: an HTTP request, or a method in a webhook response body. */
  source: 'http' | 'webhook-reply';
  /** How long the call took, in milliseconds (long polls wait). */
  durationMs: number;
}

export interface CallFilter {
  method?: string;
  chatId?: number;
  /** Only calls with `seq` greater than this (take it from an earlier record or `lastSeq()`). */
  afterSeq?: number;
  ok?: boolean;
  status?: number;
}

export interface MethodStats {
  calls: number;
  ok: number;
  /** 429 answers, including injected ones. */
  tooManyRequests: number;
  /** Other failures by HTTP status (0 = dropped connection). */
  errors: Record<number, number>;
}

export interface CallStats {
  total: number;
  tooManyRequests: number;
  byMethod: Record<string, MethodStats>;
}

export interface Recorder {
  record(call: CallRecord): void;
  calls(filter?: CallFilter): CallRecord[];
  stats(): CallStats;
  /** Forget recorded calls and counters. */
  reset(): void;
}

export function createRecorder(options: { maxCalls: number }): Recorder {
  const log = createBoundedLog<CallRecord>(options.maxCalls);
  let byMethod = new Map<string, MethodStats>();
  let total = 0;
  let tooMany = 0;

  return {
    record(call) {
      log.push(call);
      total++;
      let stats = byMethod.get(call.method);
      if (stats === undefined) {
        stats = { calls: 0, ok: 0, tooManyRequests: 0, errors: {} };
        byMethod.set(call.method, stats);
      }
      stats.calls++;
      if (call.ok && call.dropped === undefined) stats.ok++;
      else if (call.status === 429) {
        stats.tooManyRequests++;
        tooMany++;
      } else stats.errors[call.status] = (stats.errors[call.status] ?? 0) + 1;
    },
    calls(filter = {}) {
      const method = filter.method?.toLowerCase();
      return log
        .toArray()
        .filter(
          (call) =>
            (method === undefined || call.method.toLowerCase() === method) &&
            (filter.chatId === undefined || call.chatId === filter.chatId) &&
            (filter.afterSeq === undefined || call.seq > filter.afterSeq) &&
            (filter.ok === undefined || call.ok === filter.ok) &&
            (filter.status === undefined || call.status === filter.status),
        );
    },
    stats() {
      const methods: Record<string, MethodStats> = {};
      for (const [name, stats] of byMethod) methods[name] = { ...stats, errors: { ...stats.errors } };
      return { total, tooManyRequests: tooMany, byMethod: methods };
    },
    reset() {
      log.clear();
      byMethod = new Map();
      total = 0;
      tooMany = 0;
    },
  };
}
