import { ApiError, DESCRIPTIONS } from '../errors.js';
import type { Params } from '../params.js';
import { parseParams } from './body-parser.js';

/** A request as any transport hands it over (node:http here, possibly an in-page fetch later). */
export interface RawRequest {
  url: string;
  contentType: string | undefined;
  body: Uint8Array;
  /** Aborted when the client goes away (ends long polls early). */
  signal: AbortSignal;
  /** The emulator's clock when the request started arriving; rate limits count from it. */
  arrivedAt?: number;
}

/** What to answer: JSON (with the HTTP status of `error_code`), an HTML error page, or nothing at all. */
export type RawResponse =
  | { kind: 'json'; status: number; body: unknown; retryAfter?: number }
  | { kind: 'html'; status: number; body: string }
  /** A file download; with `cutAt` the connection is cut after that many bytes (a broken transfer). */
  | { kind: 'bytes'; status: number; body: Uint8Array; cutAt?: number }
  | { kind: 'drop' };

export interface CallRequest {
  /** The method name as requested (any case). */
  method: string;
  params: Params;
  signal: AbortSignal;
  source: 'http' | 'webhook-reply';
  /** The emulator's clock when the request started arriving (HTTP only). */
  arrivedAt?: number;
}

export interface RouterDeps {
  token: () => string;
  dispatch(call: CallRequest): Promise<RawResponse>;
  /** Records requests that never reached a method (bad token, bad path, unreadable body). */
  reject(method: string, params: Params, error: ApiError): RawResponse;
  /** Serves `{apiRoot}/file/bot{token}/{file_path}` (the token was checked). */
  download(filePath: string): RawResponse;
}

/** Routes `{apiRoot}/bot{token}/{method}` like Telegram: 401 for a wrong token, 404 for a bad path. */
export function createRouter(deps: RouterDeps): (request: RawRequest) => Promise<RawResponse> {
  return async (request) => {
    const url = new URL(request.url, 'http://emulator.invalid');
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (file !== null) {
      if (decodeURIComponent(file[1] ?? '') !== deps.token()) return plainStatus(401, 'Unauthorized');
      return deps.download(decodeURIComponent(file[2] ?? ''));
    }
    const match = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
    if (match === null) return deps.reject(url.pathname, {}, new ApiError(404, DESCRIPTIONS.notFound));
    const [, token = '', method = ''] = match;
    if (decodeURIComponent(token) !== deps.token()) {
      return deps.reject(method, {}, new ApiError(401, DESCRIPTIONS.unauthorized));
    }
    if (method === '') return deps.reject(method, {}, new ApiError(404, DESCRIPTIONS.notFound));
    let params: Params;
    try {
      params = parseParams(url.searchParams, request.contentType, request.body);
    } catch (error) {
      if (error instanceof ApiError) return deps.reject(method, {}, error);
      throw error;
    }
    return deps.dispatch({
      method,
      params,
      signal: request.signal,
      source: 'http',
      ...(request.arrivedAt === undefined ? {} : { arrivedAt: request.arrivedAt }),
    });
  };
}

/** File downloads answer errors as JSON too, without recording a method call. */
export function plainStatus(status: number, description: string): RawResponse {
  return { kind: 'json', status, body: { ok: false, error_code: status, description } };
}

/** Telegram's JSON for an error, also used for injected failures. */
export function errorBody(error: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ok: false,
    error_code: error.status,
    description: error.description,
  };
  if (Object.keys(error.parameters).length > 0) body.parameters = error.parameters;
  return body;
}
