/**
 * Telegram's formatted text as the streaming core sees it: plain text plus entities,
 * never a `parse_mode`, so a message cannot fail to parse. Offsets and lengths are in
 * UTF-16 code units, as Telegram counts them.
 */
export type TelegramEntity =
  | {
      type:
        | 'bold'
        | 'italic'
        | 'underline'
        | 'strikethrough'
        | 'spoiler'
        | 'code'
        | 'blockquote'
        | 'expandable_blockquote';
      offset: number;
      length: number;
    }
  | { type: 'pre'; offset: number; length: number; language?: string }
  | { type: 'text_link'; offset: number; length: number; url: string };

export interface TelegramText {
  text: string;
  entities: TelegramEntity[];
}

/** Telegram's limit for one message's text, in characters (code points; UTF-16 length is never smaller). */
export const MESSAGE_TEXT_LIMIT = 4096;
/** Telegram honours at most this many entities per message and silently drops the rest. */
export const MESSAGE_ENTITY_LIMIT = 100;
