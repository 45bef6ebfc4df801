import { compact } from '../compact.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, badRequest, DESCRIPTIONS, notModified } from '../errors.js';
import { inlineKeyboardOf, toApiMessage } from '../state/api-message.js';
import { entitiesKey } from '../text/entities.js';
import { formatInput, MESSAGE_TEXT_RULES } from '../text/format-input.js';
import type { MethodSpec } from './method.js';
import {
  chargeChat,
  chargeGlobal,
  editableMessage,
  markupKey,
  messageIdParam,
  replyMarkupParam,
  replyParam,
  resolveChat,
  threadParam,
} from './shared.js';

/**
 * Validation runs before the rate limit (Telegram's Bot API server rejects malformed calls itself);
 * "message is not modified" comes after it, as it does from Telegram's servers, so unchanged edits
 * still spend the chat's budget.
 */
export function messageMethods(core: EmulatorCore): MethodSpec[] {
  return [
    {
      name: 'sendMessage',
      chatBound: true,
      handle(params) {
        const record = resolveChat(core, params);
        const threadId = threadParam(record, params);
        const replyToMessageId = replyParam(record, params);
        const formatted = formatInput(params, MESSAGE_TEXT_RULES);
        const replyMarkup = replyMarkupParam(params);
        chargeChat(core, record);

        const message = core.store.addMessage(
          record,
          compact({
            threadId,
            from: 'bot' as const,
            sender: core.botSender,
            text: formatted.text,
            entities: formatted.entities,
            replyMarkup,
            replyToMessageId,
          }),
        );
        // A message from the bot ends the draft shown in that thread and the typing status.
        core.drafts.clearForMessage(record, threadId);
        delete record.chatAction;
        const keyboard = inlineKeyboardOf(replyMarkup);
        core.store.recordEvent(
          record,
          compact({
            type: 'message' as const,
            messageId: message.messageId,
            threadId,
            from: 'bot' as const,
            text: formatted.text,
            entities: formatted.entities,
            replyMarkup: keyboard,
            replyToMessageId,
          }),
        );
        return toApiMessage(record, message);
      },
    },
    {
      name: 'editMessageText',
      chatBound: true,
      handle(params) {
        if (params.inline_message_id !== undefined) throw badRequest('inline messages are not emulated');
        const record = resolveChat(core, params);
        const message = editableMessage(record, messageIdParam(params));
        if (message.text === undefined) throw badRequest('there is no text in the message to edit');
        const formatted = formatInput(params, MESSAGE_TEXT_RULES);
        // Telegram removes the inline keyboard when an edit does not repeat it.
        const replyMarkup = replyMarkupParam(params);
        chargeChat(core, record);
        if (
          formatted.text === message.text &&
          entitiesKey(formatted.entities) === entitiesKey(message.entities) &&
          markupKey(inlineKeyboardOf(replyMarkup)) === markupKey(inlineKeyboardOf(message.replyMarkup))
        ) {
          throw notModified();
        }
        message.text = formatted.text;
        message.entities = formatted.entities;
        if (replyMarkup === undefined) delete message.replyMarkup;
        else message.replyMarkup = replyMarkup;
        return applyEdit(core, record, message, 'text');
      },
    },
    {
      name: 'editMessageReplyMarkup',
      chatBound: true,
      handle(params) {
        if (params.inline_message_id !== undefined) throw badRequest('inline messages are not emulated');
        const record = resolveChat(core, params);
        const message = editableMessage(record, messageIdParam(params));
        const replyMarkup = replyMarkupParam(params);
        chargeChat(core, record);
        if (markupKey(inlineKeyboardOf(replyMarkup)) === markupKey(inlineKeyboardOf(message.replyMarkup))) {
          throw notModified();
        }
        if (replyMarkup === undefined) delete message.replyMarkup;
        else message.replyMarkup = replyMarkup;
        return applyEdit(core, record, message, 'reply_markup');
      },
    },
    {
      name: 'deleteMessage',
      chatBound: true,
      handle(params) {
        const record = resolveChat(core, params);
        const messageId = messageIdParam(params);
        const message = record.messages.get(messageId);
        if (message === undefined || message.deleted) throw new ApiError(400, DESCRIPTIONS.deleteNotFound);
        chargeGlobal(core);
        message.deleted = true;
        message.deletedAt = core.now();
        core.store.recordEvent(
          record,
          compact({ type: 'deleted' as const, messageId, threadId: message.threadId, by: 'bot' as const }),
        );
        return true;
      },
    },
  ];
}

function applyEdit(
  core: EmulatorCore,
  record: Parameters<typeof toApiMessage>[0],
  message: Parameters<typeof toApiMessage>[1],
  change: 'text' | 'reply_markup',
) {
  message.editCount++;
  message.editedAt = core.now();
  core.store.recordEvent(
    record,
    compact({
      type: 'edit' as const,
      messageId: message.messageId,
      threadId: message.threadId,
      from: message.from,
      text: message.text,
      entities: message.entities,
      replyMarkup: inlineKeyboardOf(message.replyMarkup),
      change,
      editCount: message.editCount,
    }),
  );
  return toApiMessage(record, message);
}
