import type { Transformer } from 'grammy';
import type { RateGate } from '../streaming/delivery/rate-gate.js';

// Calls that Telegram counts against a chat's message budget.
const CHAT_BUDGET_METHODS = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'sendMessageDraft',
  'sendPhoto',
  'sendDocument',
]);

/**
 * Command replies and keyboard edits share the chat's budget with streamed answers: without this, a
 * /model press during an answer would spend the budget behind the engine's back and earn a 429.
 * They go first (`reveal`): a person is waiting for exactly that reply, and it is all they will see.
 */
export function gateBotCalls(gate: RateGate): Transformer {
  return async (previous, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if (!CHAT_BUDGET_METHODS.has(method) || typeof chatId !== 'number')
      return previous(method, payload, signal);
    const permit = await gate.acquire({
      chatId,
      // Telegram's private chat ids are positive, group and supergroup ids negative.
      chatType: chatId > 0 ? 'private' : 'supergroup',
      priority: 'reveal',
      ...(signal ? { signal: signal as AbortSignal } : {}),
    });
    try {
      const result = await previous(method, payload, signal);
      if (!result.ok && result.error_code === 429) {
        gate.reportRateLimit(chatId, (result.parameters?.retry_after ?? 1) * 1000);
      }
      return result;
    } finally {
      permit?.release();
    }
  };
}
