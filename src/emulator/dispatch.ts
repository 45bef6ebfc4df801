import { ApiError } from './errors.js';
import type { EventBus } from './events.js';
import type { FaultInjector } from './faults.js';
import { type CallRequest, errorBody, type RawResponse } from './http/router.js';
import { Described, type MethodSpec } from './methods/method.js';
import type { Params } from './params.js';
import type { RateLimiter } from './rate-limiter.js';
import type { CallRecord, Recorder } from './recorder.js';

export interface DispatcherDeps {
  methods: MethodSpec[];
  faults: FaultInjector;
  limiter: RateLimiter;
  recorder: Recorder;
  bus: EventBus;
  now: () => number;
}

export interface Dispatcher {
  dispatch(call: CallRequest): Promise<RawResponse>;
  /** Answers (and records) a request that never reached a method. */
  reject(method: string, params: Params, error: ApiError): RawResponse;
}

/**
 * Runs one call: injected failure, or the method; then the answer, or a dropped connection.
 * Every call is recorded with its outcome, once.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const table = new Map(deps.methods.map((spec) => [spec.name.toLowerCase(), spec]));

  const chatIdOf = (params: Params): number | undefined => {
    const value = params.chat_id;
    const id = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    return Number.isInteger(id) ? id : undefined;
  };

  const record = (
    base: Pick<CallRecord, 'method' | 'params' | 'source'> & { at: number; started: number },
    outcome: { status: number; result?: unknown; error?: ApiError; dropped?: boolean },
  ) => {
    const chatId = chatIdOf(base.params);
    const call: CallRecord = {
      seq: deps.bus.nextSeq(),
      at: base.at,
      method: base.method,
      params: base.params,
      status: outcome.status,
      ok: outcome.error === undefined,
      source: base.source,
      durationMs: Math.max(0, performance.now() - base.started),
    };
    if (chatId !== undefined) call.chatId = chatId;
    if (outcome.error === undefined) call.result = outcome.result;
    else {
      call.error = { code: outcome.error.status, description: outcome.error.description };
      if (outcome.error.parameters.retry_after !== undefined)
        call.error.retryAfter = outcome.error.parameters.retry_after;
    }
    if (outcome.dropped === true) call.dropped = true;
    deps.recorder.record(call);
    deps.bus.emit({ kind: 'call', call });
  };

  const errorResponse = (error: ApiError, html = false): RawResponse => {
    if (html) {
      return {
        kind: 'html',
        status: error.status,
        body: `<html>\r\n<head><title>${error.status} ${error.description}</title></head>\r\n<body>\r\n<center><h1>${error.status} ${error.description}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`,
      };
    }
    const response: RawResponse = { kind: 'json', status: error.status, body: errorBody(error) };
    if (error.parameters.retry_after !== undefined) response.retryAfter = error.parameters.retry_after;
    return response;
  };

  return {
    reject(method, params, error) {
      record(
        { method, params, source: 'http', at: deps.now(), started: performance.now() },
        { status: error.status, error },
      );
      return errorResponse(error);
    },
    async dispatch(call) {
      const at = deps.now();
      const started = performance.now();
      const spec = table.get(call.method.toLowerCase());
      const base = {
        method: spec?.name ?? call.method,
        params: call.params,
        source: call.source,
        at,
        started,
      };
      if (spec === undefined) {
        const error = new ApiError(404, 'Not Found');
        record(base, { status: 404, error });
        return errorResponse(error);
      }
      const chatId = chatIdOf(call.params);
      const injected = deps.faults.beforeCall(spec.name, chatId);
      if (injected !== undefined) {
        if (injected.holdSeconds !== undefined && spec.chatBound && chatId !== undefined) {
          deps.limiter.hold(chatId, injected.holdSeconds);
        }
        record(base, { status: injected.error.status, error: injected.error });
        return errorResponse(injected.error, injected.htmlBody);
      }
      let value: unknown;
      try {
        // Limits count the call when it arrived, not when its body was read and parsed.
        value = await deps.limiter.at(call.arrivedAt ?? at, () =>
          spec.handle(call.params, { signal: call.signal }),
        );
      } catch (thrown) {
        const error =
          thrown instanceof ApiError
            ? thrown
            : new ApiError(
                500,
                `Internal Server Error: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
              );
        record(base, { status: error.status, error });
        return errorResponse(error.status === 500 ? new ApiError(500, 'Internal Server Error') : error);
      }
      const result = value instanceof Described ? value.result : value;
      if (deps.faults.dropAfter(spec.name, chatId)) {
        record(base, { status: 0, result, dropped: true });
        return { kind: 'drop' };
      }
      record(base, { status: 200, result });
      const body: Record<string, unknown> = { ok: true, result };
      if (value instanceof Described) body.description = value.description;
      return { kind: 'json', status: 200, body };
    },
  };
}
