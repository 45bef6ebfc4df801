import type { ApiUpdate } from '../api-types.js';

export interface WebhookTarget {
  url: string;
  secretToken?: string;
}

export interface WebhookAnswer {
  status: number;
  statusText: string;
  body: string;
  type: string | null;
}

/** One delivery: the update as a JSON POST, with `X-Telegram-Bot-Api-Secret-Token` when set. */
export async function postUpdate(
  target: WebhookTarget,
  update: ApiUpdate,
  signal: AbortSignal,
): Promise<WebhookAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = target.secretToken;
  const response = await fetch(target.url, { method: 'POST', headers, body: JSON.stringify(update), signal });
  const body = await response.text();
  return {
    status: response.status,
    statusText: response.statusText,
    body,
    type: response.headers.get('content-type'),
  };
}

/** A webhook answer may carry one method call (`{"method": ...}`), which Telegram executes. */
export function replyCallOf(
  answer: WebhookAnswer,
): { method: string; params: Record<string, unknown> } | undefined {
  if (answer.type === null || !answer.type.includes('json') || answer.body.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(answer.body) as Record<string, unknown>;
    if (typeof parsed.method !== 'string') return undefined;
    const { method, ...params } = parsed;
    return { method, params };
  } catch {
    // Telegram ignores webhook answers it cannot read.
    return undefined;
  }
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'Connection refused';
  if (cause?.code === 'ECONNRESET') return 'Connection reset by peer';
  return `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
}
