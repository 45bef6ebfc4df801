import type { ReplyMarkup } from '../api-types.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, badRequest, botBlocked, chatNotFound, DESCRIPTIONS } from '../errors.js';
import { chatIdParam, intParam, jsonParam, type Params } from '../params.js';
import type { ChatRecord, StoredMessage } from '../state/chat-store.js';

/** The target chat: 400 `chat not found` for unknown ids, 403 when the user blocked the bot. */
export function resolveChat(core: EmulatorCore, params: Params): ChatRecord {
  const id = chatIdParam(params);
  const record =
    typeof id === 'number'
      ? core.store.get(id)
      : [...core.store.all()].find((r) => 'username' in r.chat && `@${r.chat.username}` === id);
  if (record === undefined) throw chatNotFound();
  if (record.blocked) throw botBlocked();
  return record;
}

/** Counts a send, edit or draft against the chat and the bot (429 with a hold when over). */
export function chargeChat(core: EmulatorCore, record: ChatRecord): void {
  core.limiter.take({ chatId: record.chat.id, kind: record.kind });
}

/** Counts a call against the bot's global budget only (chat actions, deletions). */
export function chargeGlobal(core: EmulatorCore): void {
  core.limiter.take(undefined);
}

/** message_thread_id: must name a topic in forums; elsewhere kept as given. */
export function threadParam(record: ChatRecord, params: Params): number | undefined {
  const threadId = intParam(params, 'message_thread_id');
  if (threadId === undefined || threadId === 0) return undefined;
  const isForum = record.chat.type === 'supergroup' && record.chat.is_forum === true;
  if ((isForum || record.topics.size > 0) && !record.topics.has(threadId)) {
    throw badRequest('message thread not found');
  }
  return threadId;
}

/** reply_parameters (current API) or reply_to_message_id (deprecated, still sent by some clients). */
export function replyParam(record: ChatRecord, params: Params): number | undefined {
  const replyParameters = jsonParam(params, 'reply_parameters', "can't parse reply parameters JSON object") as
    | { message_id?: unknown; allow_sending_without_reply?: unknown }
    | undefined;
  const messageId =
    replyParameters !== undefined
      ? Number(replyParameters.message_id)
      : intParam(params, 'reply_to_message_id');
  if (messageId === undefined || Number.isNaN(messageId)) return undefined;
  const allowWithout =
    replyParameters?.allow_sending_without_reply === true ||
    params.allow_sending_without_reply === true ||
    params.allow_sending_without_reply === 'true';
  const target = record.messages.get(messageId);
  if (target === undefined || target.deleted) {
    if (allowWithout) return undefined;
    throw badRequest('message to be replied not found');
  }
  return messageId;
}

export function replyMarkupParam(params: Params): ReplyMarkup | undefined {
  const markup = jsonParam(params, 'reply_markup', "can't parse reply keyboard markup JSON object");
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    throw badRequest('reply markup must be an Object');
  }
  const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (keyboard !== undefined) {
    if (!Array.isArray(keyboard) || keyboard.some((row) => !Array.isArray(row))) {
      throw badRequest("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays");
    }
    for (const row of keyboard as unknown[][]) {
      for (const button of row) {
        const b = button as { text?: unknown; callback_data?: unknown };
        if (typeof b !== 'object' || b === null || typeof b.text !== 'string') {
          throw badRequest("can't parse inline keyboard button: Text must be a String");
        }
        if (b.callback_data !== undefined) {
          const size = new TextEncoder().encode(String(b.callback_data)).length;
          if (size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
        }
      }
    }
  }
  return markup as ReplyMarkup;
}

export function messageIdParam(params: Params): number {
  const messageId = intParam(params, 'message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  return messageId;
}

/** A bot message that can still be edited. */
export function editableMessage(record: ChatRecord, messageId: number): StoredMessage {
  const message = record.messages.get(messageId);
  if (message === undefined || message.deleted) throw new ApiError(400, DESCRIPTIONS.editNotFound);
  if (message.from !== 'bot') throw new ApiError(400, DESCRIPTIONS.cantEdit);
  return message;
}

/** Stable text for "same reply markup?" comparisons. */
export function markupKey(markup: ReplyMarkup | undefined): string {
  return markup === undefined ? '' : stableStringify(markup);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
