import type { EmulatorEvent, TimelineEvent } from '../emulator/index.js';

/** How one answer felt to the user, measured from what the emulator saw. */
export interface AnswerMetrics {
  /** Playground-local id (1, 2, ...). */
  id: number;
  chatId: number;
  /** The question, shortened. */
  question: string;
  startedAt: number;
  /** First sign of life: typing status, an empty "Thinking…" draft, or text. */
  firstFeedbackMs?: number;
  /** First visible text (a draft frame or a message with text). */
  firstTextMs?: number;
  /** Visible changes: draft frames, edits and messages. */
  updates: number;
  /** Messages the answer took. */
  parts: number;
  /** 429 answers Telegram gave to calls for this chat during the answer. */
  tooManyRequests: number;
  /** Time of the latest visible change. */
  lastChangeAt: number;
  /**
   * `streaming` until the answer looks finished (no draft showing and no Stop button left);
   * then the bot's own status when it was reported, else `done`.
   */
  state: 'streaming' | 'done' | 'complete' | 'interrupted' | 'cancelled' | 'error';
  /** The tool calls the bot reported for this answer, e.g. `calculator ✓ 0.1 s`, in order. */
  tools: string[];
}

export interface AnswerTrackerDeps {
  botUsername: string;
  onChange(answer: AnswerMetrics): void;
  /** Answers kept for the panel; default 50. */
  keep?: number;
}

export interface AnswerTracker {
  observe(event: EmulatorEvent): void;
  /** The bot reported how an answer ended (from its log): settles the chat's current answer. */
  finished(chatId: number, status: 'complete' | 'interrupted' | 'cancelled' | 'error'): void;
  /** The bot reported a finished tool call (from its log): listed under the chat's current answer. */
  toolCall(chatId: number, line: string): void;
  answers(): AnswerMetrics[];
}

interface ChatTrack {
  current?: AnswerMetrics;
  botMessages: Set<number>;
  /** Message ids whose last known keyboard had a Stop button. */
  stopButtons: Set<number>;
  draftShowing: boolean;
}

/** Reported by the bot itself: nothing after it belongs to the answer. */
const FINAL = new Set<AnswerMetrics['state']>(['complete', 'interrupted', 'cancelled', 'error']);

const isStopData = (data: unknown) => typeof data === 'string' && /^stop\b/i.test(data);

/**
 * Follows each chat: a question the bot will answer starts an answer; what the bot shows afterwards
 * is attributed to it until the next question. "Finished" is inferred (no draft, no Stop button) and
 * flips back if more arrives, since a multi-part draft answer briefly looks finished between parts.
 */
export function createAnswerTracker(deps: AnswerTrackerDeps): AnswerTracker {
  const chats = new Map<number, ChatTrack>();
  const history: AnswerMetrics[] = [];
  const keep = deps.keep ?? 50;
  const mention = `@${deps.botUsername.toLowerCase()}`;
  let nextId = 1;

  const track = (chatId: number): ChatTrack => {
    let chat = chats.get(chatId);
    if (chat === undefined) {
      chat = { botMessages: new Set(), stopButtons: new Set(), draftShowing: false };
      chats.set(chatId, chat);
    }
    return chat;
  };

  const changed = (answer: AnswerMetrics) => deps.onChange({ ...answer, tools: [...answer.tools] });

  const addressed = (chatId: number, event: Extract<TimelineEvent, { type: 'message' }>) => {
    const text = event.text ?? '';
    if (text.trim() === '' || text.startsWith('/')) return false;
    if (chatId > 0) return true;
    if (text.toLowerCase().includes(mention)) return true;
    return event.replyToMessageId !== undefined && track(chatId).botMessages.has(event.replyToMessageId);
  };

  const settle = (chat: ChatTrack, answer: AnswerMetrics) => {
    if (answer.state !== 'streaming') return;
    if (!chat.draftShowing && chat.stopButtons.size === 0 && answer.parts > 0) {
      answer.state = 'done';
    }
  };

  const seen = (chat: ChatTrack, answer: AnswerMetrics, at: number, hasText: boolean) => {
    const elapsed = Math.max(0, at - answer.startedAt);
    answer.firstFeedbackMs ??= elapsed;
    if (hasText) answer.firstTextMs ??= elapsed;
    answer.updates++;
    answer.lastChangeAt = at;
    if (answer.state === 'done') answer.state = 'streaming';
    settle(chat, answer);
    changed(answer);
  };

  const onTimeline = (event: TimelineEvent) => {
    const chat = track(event.chatId);
    const answer = chat.current;
    switch (event.type) {
      case 'message': {
        if (event.from === 'user') {
          if (!addressed(event.chatId, event)) {
            // A command's reply (/model, /usage) is not part of a finished answer.
            if (answer !== undefined && answer.state !== 'streaming') delete chat.current;
            return;
          }
          const question = (event.text ?? '')
            .replace(new RegExp(`@${deps.botUsername}\\b`, 'gi'), '')
            .replace(/\s+/g, ' ')
            .trim();
          const started: AnswerMetrics = {
            id: nextId++,
            chatId: event.chatId,
            question: question.length > 80 ? `${question.slice(0, 79)}…` : question,
            startedAt: event.at,
            updates: 0,
            parts: 0,
            tooManyRequests: 0,
            lastChangeAt: event.at,
            state: 'streaming',
            tools: [],
          };
          if (answer?.state === 'streaming') {
            answer.state = 'done';
            changed(answer);
          }
          chat.current = started;
          history.push(started);
          if (history.length > keep) history.shift();
          changed(started);
          return;
        }
        chat.botMessages.add(event.messageId);
        updateStopButton(chat, event.messageId, event.replyMarkup);
        if (answer === undefined || FINAL.has(answer.state)) return;
        answer.parts++;
        seen(chat, answer, event.at, (event.text ?? '') !== '');
        return;
      }
      case 'edit':
        if (event.from !== 'bot') return;
        updateStopButton(chat, event.messageId, event.replyMarkup);
        if (answer === undefined || FINAL.has(answer.state)) return;
        if (event.change === 'reply_markup') {
          settle(chat, answer);
          changed(answer);
          return;
        }
        seen(chat, answer, event.at, (event.text ?? '') !== '');
        return;
      case 'draft':
        chat.draftShowing = true;
        if (answer !== undefined && !FINAL.has(answer.state)) seen(chat, answer, event.at, event.text !== '');
        return;
      case 'draft-cleared':
        chat.draftShowing = false;
        if (answer !== undefined) {
          settle(chat, answer);
          changed(answer);
        }
        return;
      case 'deleted':
        chat.stopButtons.delete(event.messageId);
        return;
      case 'chat-action':
        if (answer !== undefined && answer.firstFeedbackMs === undefined) {
          answer.firstFeedbackMs = Math.max(0, event.at - answer.startedAt);
          changed(answer);
        }
        return;
      default:
        return;
    }
  };

  const updateStopButton = (chat: ChatTrack, messageId: number, markup: unknown) => {
    const rows = (markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    if (rows?.flat().some((button) => isStopData(button.callback_data))) chat.stopButtons.add(messageId);
    else chat.stopButtons.delete(messageId);
  };

  return {
    observe(event) {
      if (event.kind === 'timeline') onTimeline(event.event);
      else if (event.kind === 'call' && event.call.status === 429 && event.call.chatId !== undefined) {
        const answer = chats.get(event.call.chatId)?.current;
        if (answer?.state === 'streaming') {
          answer.tooManyRequests++;
          changed(answer);
        }
      }
    },
    finished(chatId, status) {
      const answer = chats.get(chatId)?.current;
      if (answer === undefined) return;
      answer.state = status;
      changed(answer);
    },
    toolCall(chatId, line) {
      const answer = chats.get(chatId)?.current;
      if (answer === undefined || FINAL.has(answer.state)) return;
      answer.tools.push(line);
      changed(answer);
    },
    answers: () => history.map((answer) => ({ ...answer, tools: [...answer.tools] })),
  };
}
