import type { ApiUpdate } from '../api-types.js';
import { updateChatKey } from './update-chat-key.js';
import type { UpdateQueue } from './update-queue.js';
import { describeNetworkError, postUpdate, replyCallOf, type WebhookTarget } from './webhook-post.js';

export interface WebhookConfig extends WebhookTarget {
  /** Deliveries at once (setWebhook's `max_connections`, 1-100). */
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

/** One update from its first POST until a 2xx: it holds a connection slot and its chat meanwhile. */
interface Delivery {
  update: ApiUpdate;
  key: string;
  /** Wait before the next retry; doubles per failure of this update. */
  delay: number;
  abort: AbortController | undefined;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Delivers pending updates as JSON POSTs over up to `maxConnections` deliveries at once, as Telegram
 * does. Order: an update is not posted while an earlier update of the same chat is being delivered or
 * waits for a retry (Telegram does not document per-chat order for webhooks; this is the conservative
 * reading); other chats go on. A non-2xx answer or a network error keeps the update, which is retried
 * with a growing delay and keeps its slot meanwhile, so `maxConnections: 1` is strictly one at a time
 * in update order. setWebhook/deleteWebhook/close abort every delivery (a new generation).
 */
export function createWebhookDeliverer(deps: WebhookDeps): WebhookDeliverer {
  let config: WebhookConfig | undefined;
  let generation = 0;
  const deliveries = new Map<number, Delivery>();
  const busyChats = new Set<string>();
  let lastError: { date: number; message: string } | undefined;
  let deliveredCount = 0;

  const release = (delivery: Delivery) => {
    deliveries.delete(delivery.update.update_id);
    busyChats.delete(delivery.key);
  };

  /** Starts deliveries in update order while slots are free, skipping chats that are busy. */
  const fill = () => {
    const target = config;
    if (target === undefined || deliveries.size >= target.maxConnections) return;
    for (const update of deps.queue.pending()) {
      if (deliveries.size >= target.maxConnections) return;
      const key = updateChatKey(update);
      if (busyChats.has(key)) continue;
      const delivery: Delivery = {
        update,
        key,
        delay: deps.retryDelayMs,
        abort: undefined,
        retryTimer: undefined,
      };
      deliveries.set(update.update_id, delivery);
      busyChats.add(key);
      void attempt(target, generation, delivery);
    }
  };

  const attempt = async (target: WebhookConfig, myGeneration: number, delivery: Delivery) => {
    const id = delivery.update.update_id;
    const abort = new AbortController();
    delivery.abort = abort;
    let failure: string;
    try {
      const answer = await postUpdate(target, delivery.update, abort.signal);
      if (myGeneration !== generation) return;
      if (answer.status >= 200 && answer.status < 300) {
        release(delivery);
        deps.queue.remove(id);
        deliveredCount++;
        const call = replyCallOf(answer);
        if (call !== undefined) deps.onReplyCall(call.method, call.params);
        fill();
        return;
      }
      failure = `Wrong response from the webhook: ${answer.status} ${answer.statusText}`;
    } catch (error) {
      if (myGeneration !== generation) return;
      failure = describeNetworkError(error);
    } finally {
      delivery.abort = undefined;
    }
    lastError = { date: Math.floor(deps.now() / 1000), message: failure };
    const wait = delivery.delay;
    delivery.delay = Math.min(delivery.delay * 2, deps.maxRetryDelayMs);
    delivery.retryTimer = setTimeout(() => {
      delivery.retryTimer = undefined;
      if (myGeneration !== generation) return;
      if (deps.queue.pending().some((update) => update.update_id === id)) {
        void attempt(target, myGeneration, delivery);
        return;
      }
      // Dropped while waiting (drop_pending_updates): nothing left to deliver.
      release(delivery);
      fill();
    }, wait);
  };

  const stopCurrent = () => {
    generation++;
    for (const delivery of deliveries.values()) {
      delivery.abort?.abort();
      if (delivery.retryTimer !== undefined) clearTimeout(delivery.retryTimer);
    }
    deliveries.clear();
    busyChats.clear();
  };

  deps.queue.onQueued(fill);

  return {
    set(next) {
      stopCurrent();
      config = { ...next };
      lastError = undefined;
      // After setWebhook has answered; aborted deliveries start again at the new target.
      setImmediate(fill);
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
