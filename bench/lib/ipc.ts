import type { ChildProcess } from 'node:child_process';

/** One request to a child process; the answer carries the same id. */
interface RpcRequest {
  rpc: 'request';
  id: number;
  method: string;
  params: unknown;
}

interface RpcResponse {
  rpc: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly child: string,
    readonly method: string,
    message: string,
  ) {
    super(`${child}.${method}: ${message}`);
  }
}

export type RpcHandlers = Record<string, (params: never) => unknown>;

/** The parent's side: calls with a timeout, so a stuck child cannot hang the benchmark. */
export interface RpcClient<H extends RpcHandlers> {
  call<M extends keyof H & string>(
    method: M,
    params: Parameters<H[M]>[0],
    timeoutMs?: number,
  ): Promise<Awaited<ReturnType<H[M]>>>;
  /** Rejects every call still waiting (the child exited). */
  failAll(reason: string): void;
}

export function createRpcClient<H extends RpcHandlers>(child: ChildProcess, name: string): RpcClient<H> {
  let nextId = 1;
  const waiting = new Map<
    number,
    { method: string; resolve: (value: never) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  child.on('message', (message: unknown) => {
    const response = message as RpcResponse;
    if (response?.rpc !== 'response') return;
    const entry = waiting.get(response.id);
    if (!entry) return;
    waiting.delete(response.id);
    clearTimeout(entry.timer);
    if (response.ok) entry.resolve(response.result as never);
    else entry.reject(new RpcError(name, entry.method, response.error ?? 'failed'));
  });
  const failAll = (reason: string) => {
    for (const [id, entry] of waiting) {
      clearTimeout(entry.timer);
      entry.reject(new RpcError(name, entry.method, reason));
      waiting.delete(id);
    }
  };
  child.on('exit', (code, signal) => failAll(`child exited (${signal ?? code})`));
  return {
    call(method, params, timeoutMs = 60_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new RpcError(name, method, `no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { method, resolve, reject, timer });
        const request: RpcRequest = { rpc: 'request', id, method, params };
        child.send(request);
      });
    },
    failAll,
  };
}

/** The child's side: answers requests from the parent; exits when the parent goes away. */
export function serveRpc(handlers: RpcHandlers, onParentGone: () => void): void {
  if (!process.send) throw new Error('this script runs as a forked child of bench/delivery.bench.ts');
  process.on('disconnect', onParentGone);
  process.on('message', (message: unknown) => {
    const request = message as RpcRequest;
    if (request?.rpc !== 'request') return;
    const handler = handlers[request.method] as ((params: unknown) => unknown) | undefined;
    const reply = (response: Omit<RpcResponse, 'rpc' | 'id'>) =>
      process.send?.({ rpc: 'response', id: request.id, ...response } satisfies RpcResponse);
    if (!handler) {
      reply({ ok: false, error: `unknown method ${request.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(request.params))
      .then(
        (result) => reply({ ok: true, result }),
        (error: unknown) =>
          reply({
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
}
