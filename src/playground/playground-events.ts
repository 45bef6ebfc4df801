import type {
  ApiEntity,
  BotCommand,
  CallRecord,
  ChatView,
  DraftState,
  InlineKeyboardMarkup,
  MediaKind,
  MessageState,
  RateLimits,
  TimelineEvent,
} from '../emulator/index.js';
import type { AnswerMetrics } from './answer-tracker.js';
import type { FaultState } from './fault-controller.js';

/** One Telegram call as the panel draws it (parameters left out: texts can be 4096 characters). */
export interface CallSummary {
  seq: number;
  at: number;
  method: string;
  chatId?: number;
  status: number;
  ok: boolean;
  retryAfter?: number;
  description?: string;
  dropped?: true;
  durationMs: number;
  /** Length of the text sent, for sends, edits and drafts. */
  textLength?: number;
}

export interface MessageView {
  messageId: number;
  from: 'bot' | 'user';
  senderName: string;
  sentAt: number;
  text: string;
  entities: ApiEntity[];
  replyMarkup?: InlineKeyboardMarkup;
  replyToMessageId?: number;
  editCount: number;
  /** What the message carries besides text (`photo`, `document`, ...): the page previews pictures. */
  media?: MediaKind;
}

export interface DraftView {
  draftId: number;
  threadId?: number;
  text: string;
  entities: ApiEntity[];
  canStop: boolean;
  stopped: boolean;
}

export interface ChatSnapshot {
  id: number;
  kind: 'private' | 'group';
  title: string;
  messages: MessageView[];
  drafts: DraftView[];
  chatAction?: { action: string; until: number };
}

export interface ModelInfo {
  id: string;
  label: string;
  demo: boolean;
}

export interface LogLine {
  at: number;
  level: string;
  msg: string;
  chat?: number;
}

export interface PlaygroundState {
  bot: { id: number; username: string; name: string };
  user: { id: number; name: string };
  chats: ChatSnapshot[];
  /** The command menu each chat shows (by chat id), from the bot's setMyCommands scopes. */
  commands: Record<string, BotCommand[]>;
  limits: { preset: string; values: RateLimits };
  models: ModelInfo[];
  faults: FaultState;
  calls: CallSummary[];
  answers: AnswerMetrics[];
  logs: LogLine[];
  /** Server clock when the snapshot was taken, so the panel can line up its time axis. */
  now: number;
}

/** What `/api/events` streams; the first event of every connection is a `snapshot`. */
export type PlaygroundEvent =
  | { type: 'snapshot'; state: PlaygroundState }
  | { type: 'call'; call: CallSummary }
  | { type: 'timeline'; event: TimelineEvent }
  | { type: 'answer'; answer: AnswerMetrics }
  | { type: 'limits'; preset: string; values: RateLimits }
  | { type: 'faults'; faults: FaultState }
  | { type: 'commands'; commands: Record<string, BotCommand[]> }
  | { type: 'log'; line: LogLine };

export function summarizeCall(call: CallRecord): CallSummary {
  const summary: CallSummary = {
    seq: call.seq,
    at: call.at,
    method: call.method,
    status: call.status,
    ok: call.ok,
    durationMs: Math.round(call.durationMs),
  };
  if (call.chatId !== undefined) summary.chatId = call.chatId;
  if (call.error !== undefined) {
    summary.description = call.error.description;
    if (call.error.retryAfter !== undefined) summary.retryAfter = call.error.retryAfter;
  }
  if (call.dropped) summary.dropped = true;
  if (typeof call.params.text === 'string') summary.textLength = call.params.text.length;
  return summary;
}

export function toMessageView(message: MessageState): MessageView {
  const view: MessageView = {
    messageId: message.messageId,
    from: message.from,
    senderName: message.sender.first_name,
    sentAt: message.sentAt,
    text: message.text ?? message.caption ?? '',
    entities: message.entities,
    editCount: message.editCount,
  };
  const keyboard = message.replyMarkup as InlineKeyboardMarkup | undefined;
  if (keyboard !== undefined && Array.isArray(keyboard.inline_keyboard)) view.replyMarkup = keyboard;
  if (message.replyToMessageId !== undefined) view.replyToMessageId = message.replyToMessageId;
  if (message.media !== undefined) view.media = message.media;
  return view;
}

export function toDraftView(draft: DraftState): DraftView {
  const view: DraftView = {
    draftId: draft.draftId,
    text: draft.text,
    entities: draft.entities,
    canStop: draft.canStop,
    stopped: draft.stopped,
  };
  if (draft.threadId !== undefined) view.threadId = draft.threadId;
  return view;
}

export function toChatSnapshot(view: ChatView, now: number): ChatSnapshot {
  const snapshot: ChatSnapshot = {
    id: view.chat.id,
    kind: view.kind,
    title: 'title' in view.chat ? view.chat.title : view.chat.first_name,
    messages: view.messages.map(toMessageView),
    drafts: view.drafts.map(toDraftView),
  };
  if (view.chatAction !== undefined && view.chatAction.until > now) {
    snapshot.chatAction = { action: view.chatAction.action, until: view.chatAction.until };
  }
  return snapshot;
}
