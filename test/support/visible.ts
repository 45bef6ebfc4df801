import type { BotApiEmulator } from '../../src/emulator/index.js';

/** True while a message still shows an inline keyboard (the Stop button during streaming). */
export function hasKeyboard(message: { replyMarkup?: unknown } | undefined): boolean {
  const keyboard = (message?.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard;
  return keyboard !== undefined && keyboard.length > 0;
}

/** The bot's last message in the chat once its text passes `check` and its Stop button is gone. */
export function botSays(
  world: { telegram: Pick<BotApiEmulator, 'waitFor' | 'lastBotMessage'> },
  chatId: number,
  check: (text: string) => boolean,
): Promise<string> {
  return world.telegram.waitFor(
    () => {
      const message = world.telegram.lastBotMessage(chatId);
      return message?.text !== undefined && check(message.text) && !hasKeyboard(message)
        ? message.text
        : undefined;
    },
    { timeoutMs: 15_000 },
  );
}
