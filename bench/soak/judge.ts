import type { BotApiEmulator, MessageState } from '../../src/emulator/index.js';
import type { AnswerPlan } from './plan.js';

export interface AskedQuestion {
  plan: AnswerPlan;
  chatId: number;
  chatKind: 'private' | 'group';
  userId: number;
  model: string;
  /** The user's Telegram message. */
  messageId: number;
  sentAt: number;
  warmUp: boolean;
}

/** The stored answer to one question (the assistant row whose parent is the user's message). */
export interface StoredAnswer {
  status: string;
  content: string;
  telegramMessageIds: number[];
}

export interface Verdict {
  question: AskedQuestion;
  /** The stored status, or `not stored`. */
  status: string;
  /** The bot messages the user saw for this answer, in order. */
  parts: MessageState[];
  /** No final message was ever shown: nothing at all, or the live message still has its Stop button. */
  lost: boolean;
  /** Why the delivered answer counts as duplicated or altered. */
  duplicate?: string;
}

/** Whitespace differs where parts are split and notices joined; the words must not. */
export const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

const keyOf = (chatId: number, messageId: number) => `${chatId}:${messageId}`;
export const storedKey = keyOf;

function hasKeyboard(message: MessageState): boolean {
  const keyboard = (message.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard;
  return keyboard !== undefined && keyboard.length > 0;
}

/**
 * The bot messages of each answer, from what the chat shows: an answer's first message replies to the
 * question, and the bot's next messages without a reply belong to the same answer (one answer at a
 * time per chat).
 */
function answersShown(telegram: BotApiEmulator, chatId: number, asked: Set<number>) {
  const byQuestion = new Map<number, MessageState[]>();
  let current: MessageState[] | undefined;
  for (const message of telegram.visibleMessages(chatId)) {
    if (message.from !== 'bot') continue;
    const replyTo = message.replyToMessageId;
    if (replyTo !== undefined && asked.has(replyTo)) {
      current = byQuestion.get(replyTo) ?? [];
      byQuestion.set(replyTo, current);
    }
    current?.push(message);
  }
  return byQuestion;
}

function findDuplicate(
  question: AskedQuestion,
  parts: MessageState[],
  stored: StoredAnswer | undefined,
  lost: boolean,
) {
  const texts = parts.map((part) => part.text ?? '');
  if (texts.some((text, index) => texts.indexOf(text) !== index)) return 'a part was delivered twice';
  // A lost answer's text is incomplete by definition: it counts as lost, not altered.
  if (!stored || lost) return undefined;
  const shown = normalize(texts.join('\n'));
  const script = normalize(question.plan.text);
  if (stored.status === 'complete') {
    if (normalize(stored.content) !== script) return 'the stored text differs from what the model streamed';
    if (shown !== script) return 'the text shown differs from what the model streamed';
  }
  if (stored.status === 'interrupted') {
    const notice = shown.lastIndexOf('⚠️');
    const body = notice < 0 ? shown : shown.slice(0, notice).trim();
    if (notice < 0) return 'an interrupted answer without its notice';
    if (body !== normalize(stored.content)) return 'the text shown differs from the stored text';
    if (!script.startsWith(normalize(stored.content)))
      return 'the stored text is not what the model streamed';
  }
  if (stored.status === 'error' && (parts.length !== 1 || !shown.startsWith('⚠️'))) {
    return 'more than the error notice was shown';
  }
  return undefined;
}

export function judge(
  telegram: BotApiEmulator,
  questions: readonly AskedQuestion[],
  stored: ReadonlyMap<string, StoredAnswer>,
): Verdict[] {
  const shownByChat = new Map<number, Map<number, MessageState[]>>();
  for (const chatId of new Set(questions.map((question) => question.chatId))) {
    const asked = new Set(questions.filter((q) => q.chatId === chatId).map((q) => q.messageId));
    shownByChat.set(chatId, answersShown(telegram, chatId, asked));
  }
  return questions.map((question) => {
    const parts = shownByChat.get(question.chatId)?.get(question.messageId) ?? [];
    const answer = stored.get(keyOf(question.chatId, question.messageId));
    const last = parts.at(-1);
    const lost = last === undefined || hasKeyboard(last);
    const duplicate = findDuplicate(question, parts, answer, lost);
    return {
      question,
      status: answer?.status ?? 'not stored',
      parts,
      lost,
      ...(duplicate === undefined ? {} : { duplicate }),
    };
  });
}
