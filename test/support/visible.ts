/** True while a message still shows an inline keyboard (the Stop button during streaming). */
export function hasKeyboard(message: { replyMarkup?: unknown } | undefined): boolean {
  const keyboard = (message?.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard;
  return keyboard !== undefined && keyboard.length > 0;
}
