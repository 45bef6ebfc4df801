/**
 * Whether an error is undici's report of a connection cut mid-body. It has no class of its own: a
 * plain `TypeError('terminated')` whose cause is a socket error (`UND_ERR_SOCKET`, `ECONNRESET`), so
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
