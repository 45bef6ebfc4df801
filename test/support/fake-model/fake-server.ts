import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { recordedImages } from './recorded-images.js';
import {
  DEFAULT_SCENARIO,
  estimatePromptTokens,
  type FakeHttpError,
  type FakeScenario,
  type FakeStreamError,
  type FakeToken,
  type FakeUsage,
  resolveUsage,
  type StreamPoint,
  splitIntoTokens,
} from './scenario.js';

/** Both APIs' words for a picture they could not use. */
const UNPROCESSABLE_IMAGE = 'Could not process image: the image is not valid or not supported.';

export type FakeProtocol = 'openai' | 'anthropic';

/**
 * How a request ended, from the server's side:
 * - `completed`: the whole stream (or JSON answer) was sent.
 * - `error-status`: answered with an HTTP error (scripted, 401 for a wrong key, 400, 404).
 * - `error-event`: an error event was sent mid-stream, then the response ended.
 * - `disconnected`: the server destroyed the socket as scripted.
 * - `client-aborted`: the client went away before the response ended (an abort, or giving up on a stall).
 * - `server-closed`: `close()` ended the stream.
 */
export type StreamOutcome =
  | 'completed'
  | 'error-status'
  | 'error-event'
  | 'disconnected'
  | 'client-aborted'
  | 'server-closed';

export interface RecordedMessage {
  role: string;
  content: unknown;
}

export interface RecordedRequest {
  /** Position in `server.requests`, from 0. */
  readonly index: number;
  readonly protocol: FakeProtocol;
  readonly method: string;
  readonly path: string;
  /** Lower-cased request headers; `authorization` and `x-api-key` are replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Which header carried the key. */
  readonly authStyle: 'bearer' | 'x-api-key' | 'none';
  /** False when the server expects a key and this one did not match. */
  readonly authorized: boolean;
  readonly model: string | undefined;
  readonly messages: readonly RecordedMessage[];
  /** Anthropic: the `system` field; OpenAI: the `system`/`developer` messages, joined. */
  readonly system: string | undefined;
  /** Anthropic `max_tokens`; OpenAI `max_completion_tokens` or else `max_tokens`. */
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  /** OpenAI `stream_options`, as sent. */
  readonly streamOptions: unknown;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body: unknown;
  /** `Date.now()` when the request body had arrived. */
  readonly receivedAt: number;
  /** Characters of content (reasoning + text) written so far. */
  charsSent: number;
  /** Set once the response has ended one way or another. */
  outcome: StreamOutcome | undefined;
  /** Resolves with `outcome`. */
  readonly settled: Promise<StreamOutcome>;
}

/** What a dialect read from a valid request body. */
export interface ParsedRequest {
  model: string;
  messages: RecordedMessage[];
  system: string | undefined;
  maxTokens: number | undefined;
  stream: boolean;
  streamOptions: unknown;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Everything a dialect needs to write one answer. */
export interface AnswerPlan {
  request: RecordedRequest;
  scenario: FakeScenario;
  tokens: readonly FakeToken[];
  usage: FakeUsage | undefined;
  /** Unique per answer, for `chatcmpl-…` / `msg_…` ids. */
  id: string;
}

/**
 * A stream as the segments the runner paces: `preamble` at once, one `renderToken(i)` per token, then
 * `finish`, `usage` and `end` right after the last token (any may be empty).
 */
export interface StreamScript {
  preamble: string;
  renderToken(index: number): string;
  finish: string;
  usage: string;
  end: string;
  errorEvent(error: FakeStreamError): string;
}

/** One API's wire format. */
export interface Dialect {
  readonly protocol: FakeProtocol;
  /** The one path answered, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The path prefix an SDK's `baseURL` should carry, e.g. `/v1` for OpenAI, `` for Anthropic. */
  readonly baseURLPath: string;
  readonly requestIdHeader: string;
  /** A parsed request, or the message of a 400 for an invalid one. */
  parse(body: unknown): ParsedRequest | string;
  invalidRequest(message: string): HttpReply;
  authenticationFailed(): HttpReply;
  notFound(method: string, path: string): HttpReply;
  httpError(error: FakeHttpError, request: RecordedRequest): HttpReply;
  stream(plan: AnswerPlan): StreamScript;
  completion(plan: AnswerPlan): unknown;
}

export type ScenarioHandler = (request: RecordedRequest) => FakeScenario | undefined;

export interface FakeModelServerOptions {
  /** When set, any other key (or none) gets the API's 401. */
  apiKey?: string;
  /** Used when the queue is empty and no handler answers. */
  defaultScenario?: FakeScenario;
}

export interface FakeModelServer {
  readonly protocol: FakeProtocol;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** What to pass to the SDK as `baseURL` (OpenAI: `url + '/v1'`; Anthropic: `url`). */
  readonly baseURL: string;
  /** Every request so far, in arrival order (a live array). */
  readonly requests: readonly RecordedRequest[];
  /** Responses still open: streaming, stalled, or holding back their headers. */
  readonly openStreams: number;
  /** Queue scenarios for the next requests, first in first out. */
  enqueue(...scenarios: FakeScenario[]): void;
  /** Asked when the queue is empty; returning undefined falls through to the default scenario. */
  setHandler(handler: ScenarioHandler | undefined): void;
  setDefaultScenario(scenario: FakeScenario): void;
  /**
   * The next `times` requests that carry a picture are refused with the API's 400 for an image it
   * cannot process (as for a picture past the provider's size or content rules).
   */
  refuseImages(times?: number): void;
  /** Resolves once request number `index` (from 0) has arrived. */
  waitForRequest(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Ends every open stream and the server. */
  close(): Promise<void>;
}

interface OpenStream {
  timer: NodeJS.Timeout | undefined;
  settle(outcome: StreamOutcome): void;
  socket: Socket;
}

/** Where a stream stops early: before segment `position` (token i is i + 1; finish, usage, end follow). */
interface Cut {
  position: number;
  action: 'disconnect' | 'stall' | 'error';
  error?: FakeStreamError;
}

export async function startFakeModelServer(
  dialect: Dialect,
  options: FakeModelServerOptions = {},
): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeScenario[] = [];
  const openStreams = new Set<OpenStream>();
  const arrivalWaiters = new Set<() => void>();
  let handler: ScenarioHandler | undefined;
  let defaultScenario = options.defaultScenario ?? DEFAULT_SCENARIO;
  let closing = false;
  let imageRefusals = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handleRequest(req, res, Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => res.destroy());
  });

  function handleRequest(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const { headers, key, authStyle } = readHeaders(req);
    const authorized = options.apiKey === undefined || key === options.apiKey;
    const parsed = method === 'POST' && path === dialect.path ? dialect.parse(body) : undefined;
    const fields = typeof parsed === 'object' ? parsed : undefined;

    const bodyModel = (body as { model?: unknown } | undefined)?.model;
    let resolveSettled: (outcome: StreamOutcome) => void = () => {};
    const record: RecordedRequest = {
      index: requests.length,
      protocol: dialect.protocol,
      method,
      path,
      headers,
      authStyle,
      authorized,
      model: fields?.model ?? (typeof bodyModel === 'string' ? bodyModel : undefined),
      messages: fields?.messages ?? [],
      system: fields?.system,
      maxTokens: fields?.maxTokens,
      stream: fields?.stream ?? false,
      streamOptions: fields?.streamOptions,
      body,
      receivedAt: Date.now(),
      charsSent: 0,
      outcome: undefined,
      settled: new Promise((resolve) => {
        resolveSettled = resolve;
      }),
    };
    requests.push(record);
    for (const wake of arrivalWaiters) wake();

    const settle = (outcome: StreamOutcome) => {
      if (record.outcome !== undefined) return;
      record.outcome = outcome;
      resolveSettled(outcome);
    };
    const requestId = `req_${randomBytes(12).toString('hex')}`;

    const rejection =
      method !== 'POST' || path !== dialect.path
        ? dialect.notFound(method, path)
        : !authorized
          ? dialect.authenticationFailed()
          : typeof parsed === 'string' || parsed === undefined
            ? dialect.invalidRequest(parsed ?? 'Invalid request body.')
            : undefined;
    if (rejection || typeof parsed !== 'object') {
      reply(res, rejection ?? dialect.invalidRequest('Invalid request body.'), requestId, settle);
      return;
    }

    if (imageRefusals > 0 && parsed.messages.some((message) => recordedImages(message).length > 0)) {
      imageRefusals--;
      reply(res, dialect.invalidRequest(UNPROCESSABLE_IMAGE), requestId, settle);
      return;
    }
    const scenario = queue.shift() ?? handler?.(record) ?? defaultScenario;
    const respond = () => {
      if (scenario.error) {
        reply(res, dialect.httpError(scenario.error, record), requestId, settle);
        return;
      }
      const tokens: FakeToken[] = [];
      const tokenChars = scenario.tokenChars ?? 4;
      if (scenario.reasoning) splitIntoTokens('reasoning', scenario.reasoning, tokenChars, tokens);
      splitIntoTokens('text', scenario.text ?? DEFAULT_SCENARIO.text ?? '', tokenChars, tokens);
      const plan: AnswerPlan = {
        request: record,
        scenario,
        tokens,
        usage: resolveUsage(scenario, estimatePromptTokens(parsed.system, parsed.messages), tokens),
        id: randomBytes(12).toString('hex'),
      };
      if (parsed.stream) {
        runStream(res, plan, requestId, settle);
        return;
      }
      const send = () => {
        if (record.outcome !== undefined) return;
        for (const token of tokens) record.charsSent += token.text.length;
        reply(res, { status: 200, body: dialect.completion(plan) }, requestId, settle);
      };
      res.on('close', () => settle('client-aborted'));
      if (scenario.firstTokenDelayMs) setTimeout(send, scenario.firstTokenDelayMs);
      else send();
    };

    if (!scenario.responseDelayMs) {
      respond();
      return;
    }
    // Headers held back: tracked like an open stream so a client abort or close() ends the wait.
    const waiting: OpenStream = {
      socket: res.socket as Socket,
      timer: setTimeout(() => {
        openStreams.delete(waiting);
        if (record.outcome === undefined) respond();
      }, scenario.responseDelayMs),
      settle: (outcome) => {
        clearTimeout(waiting.timer);
        openStreams.delete(waiting);
        settle(outcome);
      },
    };
    openStreams.add(waiting);
    res.on('close', () => waiting.settle('client-aborted'));
  }

  function runStream(
    res: ServerResponse,
    plan: AnswerPlan,
    requestId: string,
    settle: (outcome: StreamOutcome) => void,
  ): void {
    const { scenario, tokens, request } = plan;
    const script = dialect.stream(plan);
    const cut = findCut(scenario, tokens);
    const tokenLimit = Math.min(tokens.length, cut ? cut.position - 1 : tokens.length);
    const interval = scenario.tokensPerSecond ? 1000 / scenario.tokensPerSecond : 0;
    const firstTokenAt = performance.now() + (scenario.firstTokenDelayMs ?? 0);
    const socket = res.socket as Socket;
    let next = 0;
    let pending = script.preamble;

    const stream: OpenStream = {
      timer: undefined,
      socket,
      settle: (outcome) => {
        if (stream.timer) clearTimeout(stream.timer);
        stream.timer = undefined;
        openStreams.delete(stream);
        settle(outcome);
      },
    };
    openStreams.add(stream);
    res.on('close', () => stream.settle('client-aborted'));

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      [dialect.requestIdHeader]: requestId,
    });

    // One timer per stream: each tick writes every token that is due in one write, then re-arms.
    const tick = () => {
      stream.timer = undefined;
      if (request.outcome !== undefined) return;
      const now = performance.now();
      let out = pending;
      pending = '';
      while (next < tokenLimit && firstTokenAt + next * interval <= now) {
        out += script.renderToken(next);
        request.charsSent += (tokens[next] as FakeToken).text.length;
        next += 1;
      }
      if (next < tokenLimit) {
        if (out) res.write(out);
        stream.timer = setTimeout(tick, Math.max(0, firstTokenAt + next * interval - now));
        return;
      }
      const tail = [script.finish, script.usage, script.end];
      const stopAt = cut ? cut.position - tokens.length - 1 : tail.length;
      for (let i = 0; i < Math.min(stopAt, tail.length); i++) out += tail[i];
      if (!cut) {
        res.end(out);
        stream.settle('completed');
      } else if (cut.action === 'error') {
        res.end(out + script.errorEvent(cut.error as FakeStreamError));
        stream.settle('error-event');
      } else if (cut.action === 'disconnect') {
        const destroy = () => {
          stream.settle('disconnected');
          socket.destroy();
        };
        if (out) res.write(out, destroy);
        else destroy();
      } else if (out) {
        // A stall: the stream stays open until the client goes away or the server closes.
        res.write(out);
      }
    };
    if (tokenLimit > 0 && firstTokenAt > performance.now()) {
      res.write(pending);
      pending = '';
      stream.timer = setTimeout(tick, scenario.firstTokenDelayMs);
    } else {
      tick();
    }
  }

  function reply(
    res: ServerResponse,
    answer: HttpReply,
    requestId: string,
    settle: (outcome: StreamOutcome) => void,
  ): void {
    const json = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      [dialect.requestIdHeader]: requestId,
      ...answer.headers,
    });
    res.end(json);
    settle(answer.status >= 400 ? 'error-status' : 'completed');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    protocol: dialect.protocol,
    url,
    baseURL: url + dialect.baseURLPath,
    requests,
    get openStreams() {
      return openStreams.size;
    },
    enqueue: (...scenarios) => {
      queue.push(...scenarios);
    },
    refuseImages: (times = 1) => {
      imageRefusals += times;
    },
    setHandler: (next) => {
      handler = next;
    },
    setDefaultScenario: (scenario) => {
      defaultScenario = scenario;
    },
    waitForRequest: (index, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const found = requests[index];
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          arrivalWaiters.delete(check);
          reject(
            new Error(`fake ${dialect.protocol} server: request #${index} did not arrive in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const check = () => {
          const arrived = requests[index];
          if (!arrived) return;
          clearTimeout(timer);
          arrivalWaiters.delete(check);
          resolve(arrived);
        };
        arrivalWaiters.add(check);
      }),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const stream of [...openStreams]) {
        stream.settle('server-closed');
        stream.socket.destroy();
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readHeaders(req: IncomingMessage): {
  headers: Record<string, string>;
  key: string | undefined;
  authStyle: RecordedRequest['authStyle'];
} {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const apiKeyHeader = headers['x-api-key'];
  const authorization = headers.authorization;
  if (apiKeyHeader !== undefined) headers['x-api-key'] = '[redacted]';
  if (authorization !== undefined) headers.authorization = '[redacted]';
  if (apiKeyHeader) return { headers, key: apiKeyHeader, authStyle: 'x-api-key' };
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer) return { headers, key: bearer, authStyle: 'bearer' };
  return { headers, key: undefined, authStyle: 'none' };
}

function findCut(scenario: FakeScenario, tokens: readonly FakeToken[]): Cut | undefined {
  const candidates: Cut[] = [];
  const consider = (point: StreamPoint | undefined, action: Cut['action'], error?: FakeStreamError) => {
    if (point === undefined) return;
    const position = positionOf(point, tokens);
    candidates.push(error ? { position, action, error } : { position, action });
  };
  consider(scenario.disconnectAt, 'disconnect');
  consider(scenario.stallAt, 'stall');
  consider(scenario.errorEvent?.at, 'error', scenario.errorEvent);
  candidates.sort((a, b) => a.position - b.position);
  return candidates[0];
}

/** Segment position: 1 + the number of tokens sent before the point; tokens + 1 is the finish. */
function positionOf(point: StreamPoint, tokens: readonly FakeToken[]): number {
  if (point === 'before-usage') return tokens.length + 2;
  let chars = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (chars >= point) return i + 1;
    chars += (tokens[i] as FakeToken).text.length;
  }
  return tokens.length + 1;
}
