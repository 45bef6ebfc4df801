import type { ApiUpdate } from '../api-types.js';
import type { UpdateQueue } from './update-queue.js';

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  max_connections?: number;
  allowed_updates?: string[];
  last_error_date?: number;
  last_error_message?: string;
}

export interface WebhookDeliverer {
  set(config: WebhookConfig): void;
  delete(): void;
  active(): WebhookConfig | undefined;
  info(): WebhookInfo;
  /** Deliveries made so far (successful POSTs). */
  delivered(): number;
  close(): void;
}

export interface WebhookDeps {
  queue: UpdateQueue;
  now: () => number;
  /** First retry delay after a failed delivery; doubles up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** A webhook response may carry one method call, which Telegram executes. */
  onReplyCall(method: string, params: Record<string, unknown>): void;
}

/**
 * Delivers pending updates to the webhook one at a time, in order, as JSON POSTs with the
 * `X-Telegram-Bot-Api-Secret-Token` header; a non-2xx answer or a network error keeps the update
 * and retries it with a growing delay (Telegram retries for a long time, too).
 */
export function createWebhookDeliverer(deps: WebhookDeps): WebhookDeliverer {
  let config: WebhookConfig | undefined;
  let generation = 0;
  let running = false;
  let abort: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeRetry: (() => void) | undefined;
  let lastError: { date: number; message: string } | undefined;
  let deliveredCount = 0;

  const post = async (target: WebhookConfig, update: ApiUpdate, signal: AbortSignal) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = target.secretToken;
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(update),
      signal,
    });
    const body = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      body,
      type: response.headers.get('content-type'),
    };
  };

  const pump = async () => {
    if (running) return;
    running = true;
    let delay = deps.retryDelayMs;
    try {
      while (config !== undefined) {
        const target = config;
        const myGeneration = generation;
        const update = deps.queue.peek();
        if (update === undefined) return;
        abort = new AbortController();
        try {
          const answer = await post(target, update, abort.signal);
          if (myGeneration !== generation) continue;
          if (answer.status >= 200 && answer.status < 300) {
            deps.queue.remove(update.update_id);
            deliveredCount++;
            delay = deps.retryDelayMs;
            handleReply(answer.body, answer.type);
            continue;
          }
          lastError = {
            date: Math.floor(deps.now() / 1000),
            message: `Wrong response from the webhook: ${answer.status} ${answer.statusText}`,
          };
        } catch (error) {
          if (myGeneration !== generation) continue;
          lastError = { date: Math.floor(deps.now() / 1000), message: describeNetworkError(error) };
        } finally {
          abort = undefined;
        }
        await new Promise<void>((resolve) => {
          wakeRetry = resolve;
          retryTimer = setTimeout(resolve, delay);
        });
        retryTimer = undefined;
        wakeRetry = undefined;
        delay = Math.min(delay * 2, deps.maxRetryDelayMs);
      }
    } finally {
      running = false;
    }
  };

  const handleReply = (body: string, type: string | null) => {
    if (type === null || !type.includes('json') || body.trim() === '') return;
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (typeof parsed.method !== 'string') return;
      const { method, ...params } = parsed;
      deps.onReplyCall(method, params);
    } catch {
      // Telegram ignores webhook answers it cannot read.
    }
  };

  const stopCurrent = () => {
    generation++;
    abort?.abort();
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    wakeRetry?.();
  };

  deps.queue.onQueued(() => {
    if (config !== undefined) void pump();
  });

  return {
    set(next) {
      stopCurrent();
      config = { ...next };
      lastError = undefined;
      // The previous pump loop notices the new generation and continues with the new target.
      setImmediate(() => void pump());
    },
    delete() {
      stopCurrent();
      config = undefined;
      lastError = undefined;
    },
    active: () => config,
    info() {
      const allowed = deps.queue.allowedUpdates();
      const info: WebhookInfo = {
        url: config?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: deps.queue.pending().length,
      };
      if (config !== undefined) info.max_connections = config.maxConnections;
      if (config !== undefined && allowed !== undefined) info.allowed_updates = allowed;
      if (lastError !== undefined) {
        info.last_error_date = lastError.date;
        info.last_error_message = lastError.message;
      }
      return info;
    },
    delivered: () => deliveredCount,
    close() {
      stopCurrent();
      config = undefined;
    },
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'Connection refused';
  if (cause?.code === 'ECONNRESET') return 'Connection reset by peer';
  return `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
}
