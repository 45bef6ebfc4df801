import type { MessageEntity } from 'grammy/types';

/**
 * Builds a message as text plus entities (never parse_mode), so nothing a user or model wrote can
 * break the markup. Offsets are UTF-16 code units, as Telegram counts them.
 */
export interface FormattedText {
  plain(text: string): FormattedText;
  bold(text: string): FormattedText;
  italic(text: string): FormattedText;
  code(text: string): FormattedText;
  pre(text: string): FormattedText;
  readonly text: string;
  readonly entities: MessageEntity[];
}

export function formattedText(): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const styled = (type: 'bold' | 'italic' | 'code' | 'pre') => (part: string) => {
    if (part.length > 0) entities.push({ type, offset: text.length, length: part.length });
    text += part;
    return builder;
  };
  const builder: FormattedText = {
    plain(part) {
      text += part;
      return builder;
    },
    bold: styled('bold'),
    italic: styled('italic'),
    code: styled('code'),
    pre: styled('pre'),
    get text() {
      return text;
    },
    get entities() {
      return entities;
    },
  };
  return builder;
}
