import { GrammyError, HttpError } from 'grammy';
import { TelegramCallError, type TelegramFailureKind } from '../streaming/telegram-sink.js';

// The connection never carried the request: retrying cannot duplicate anything.
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

// 400s that mean the bot may no longer write in the chat (restricted by an admin, topic closed or
// deleted): nothing more can be delivered there, so the answer must stop like after a block.
const CANNOT_WRITE = [
  'not enough rights to send',
  'have no rights to send',
  'chat_write_forbidden',
  'topic_closed',
  'message thread not found',
];

/** Turns whatever grammY threw into a TelegramCallError whose `kind` tells delivery what to do. */
export function translateTelegramError(method: string, error: unknown, chatId?: number): TelegramCallError {
  if (error instanceof TelegramCallError) return error;
  const context = chatId === undefined ? {} : { chatId };
  if (error instanceof GrammyError) {
    const retryAfterSeconds = error.parameters.retry_after;
    return new TelegramCallError(
      method,
      classifyApiError(method, error.error_code, error.description),
      error.description,
      {
        ...context,
        errorCode: error.error_code,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      },
    );
  }
  if (error instanceof HttpError) {
    const cause = error.error as { code?: unknown; status?: unknown; name?: unknown } | undefined;
    if (typeof cause?.status === 'number') {
      // A non-JSON answer, e.g. an HTML 502 page from a proxy in front of the Bot API.
      const kind = cause.status >= 500 ? 'server' : 'bad-request';
      return new TelegramCallError(method, kind, `HTTP ${cause.status}`, {
        ...context,
        errorCode: cause.status,
      });
    }
    const code = typeof cause?.code === 'string' ? cause.code : String(cause?.name ?? 'network error');
    return new TelegramCallError(
      method,
      UNSENT_CODES.has(code) ? 'network-unsent' : 'network-ambiguous',
      code,
      context,
    );
  }
  return new TelegramCallError(
    method,
    'network-ambiguous',
    error instanceof Error ? error.name : 'unknown error',
    context,
  );
}

export function classifyApiError(method: string, code: number, description: string): TelegramFailureKind {
  const text = description.toLowerCase();
  if (code === 429) return 'rate-limited';
  if (code >= 500) return 'server';
  if (text.includes('message is not modified')) return 'not-modified';
  if (code === 403 || text.includes('chat not found') || text.includes('bot was blocked')) return 'chat-gone';
  if (CANNOT_WRITE.some((reason) => text.includes(reason))) return 'chat-gone';
  if (text.includes('too long')) return 'too-long';
  if (text.includes("can't parse entities") || text.includes('text is empty')) return 'bad-request';
  if (method === 'sendMessageDraft') return 'draft-refused';
  if (
    text.includes('message to edit not found') ||
    text.includes("message can't be edited") ||
    text.includes('message_id_invalid')
  ) {
    return 'message-gone';
  }
  return 'bad-request';
}
