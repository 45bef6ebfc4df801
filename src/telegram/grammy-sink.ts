import type { Api } from 'grammy';
import type { InlineKeyboard, SendOptions, TelegramSink } from '../streaming/telegram-sink.js';
import type { TelegramText } from '../streaming/telegram-text.js';
import { translateTelegramError } from './translate-telegram-error.js';

/** The streaming core's TelegramSink on top of grammY's API client. */
export function createGrammySink(api: Api): TelegramSink {
  async function call<T>(method: string, chatId: number, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateTelegramError(method, error, chatId);
    }
  }

  const markup = (keyboard: InlineKeyboard | null | undefined) =>
    keyboard === undefined ? {} : { reply_markup: keyboard ?? { inline_keyboard: [] } };

  return {
    sendDraft: (chatId, draftId, text, options) =>
      call('sendMessageDraft', chatId, async () => {
        await api.sendMessageDraft(chatId, draftId, text.text, {
          entities: text.entities,
          ...(options.threadId === undefined ? {} : { message_thread_id: options.threadId }),
          ...(options.canStop ? { can_stop: true } : {}),
        });
      }),

    sendMessage: (chatId, text: TelegramText, options: SendOptions) =>
      call('sendMessage', chatId, async () => {
        const message = await api.sendMessage(chatId, text.text, {
          entities: text.entities,
          link_preview_options: { is_disabled: true },
          ...(options.threadId === undefined ? {} : { message_thread_id: options.threadId }),
          ...(options.replyToMessageId === undefined
            ? {}
            : {
                reply_parameters: { message_id: options.replyToMessageId, allow_sending_without_reply: true },
              }),
          ...markup(options.replyMarkup),
        });
        return { messageId: message.message_id };
      }),

    editMessage: (chatId, messageId, text, options) =>
      call('editMessageText', chatId, async () => {
        await api.editMessageText(chatId, messageId, text.text, {
          entities: text.entities,
          link_preview_options: { is_disabled: true },
          ...markup(options.replyMarkup),
        });
      }),

    sendChatAction: (chatId, action, options) =>
      call('sendChatAction', chatId, async () => {
        await api.sendChatAction(
          chatId,
          action,
          options.threadId === undefined ? {} : { message_thread_id: options.threadId },
        );
      }),
  };
}
