/**
 * Whether an error reports a connection cut mid-body. It has no class of its own: node:http (see
 * node-http-fetch.ts) says `aborted` with `ECONNRESET`; undici, should an SDK be given Node's own
 * fetch, a plain `TypeError('terminated')` whose cause is a socket error (`UND_ERR_SOCKET`). So
 * this is the one place that reads message text and codes.
 */
export function isConnectionCut(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError && error.message === 'terminated') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('UND_ERR_SOCKET') || code === 'ECONNRESET' || code === 'EPIPE')
  );
}
