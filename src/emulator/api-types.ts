/**
 * The Bot API shapes the emulator produces, written out loosely on purpose: the emulator builds
 * them field by field and clients read them as JSON, so grammY's precise unions add nothing here.
 */
export interface ApiUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface ApiBotUser extends ApiUser {
  is_bot: true;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
}

export type ApiChat =
  | { id: number; type: 'private'; first_name: string; last_name?: string; username?: string }
  | { id: number; type: 'group'; title: string }
  | { id: number; type: 'supergroup'; title: string; username?: string; is_forum?: true };

export type ChatType = ApiChat['type'];

export interface ApiEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: ApiUser;
}

export interface FormattedText {
  text: string;
  entities: ApiEntity[];
}

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

/** Any reply_markup the bot passed; only inline keyboards are shown on (and returned with) messages. */
export type ReplyMarkup = InlineKeyboardMarkup | Record<string, unknown>;

export type MediaKind = 'photo' | 'voice' | 'audio' | 'video_note' | 'sticker' | 'document' | 'animation';

export interface ApiMessage {
  message_id: number;
  from?: ApiUser;
  chat: ApiChat;
  date: number;
  edit_date?: number;
  message_thread_id?: number;
  is_topic_message?: true;
  reply_to_message?: ApiMessage;
  text?: string;
  entities?: ApiEntity[];
  caption?: string;
  caption_entities?: ApiEntity[];
  reply_markup?: InlineKeyboardMarkup;
  [media: string]: unknown;
}

export interface ApiUpdate {
  update_id: number;
  [type: string]: unknown;
}

export interface BotCommand {
  command: string;
  description: string;
}
