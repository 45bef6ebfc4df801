import type { BotApiEmulator, CallRecord, MessageState } from '../../src/emulator/index.js';

/** Questions say `Question q12`; the model answers `answerText('q12')`, so every final text is known. */
export function answerText(id: string): string {
  return `Answer ${id}: the shared budget kept every chat in order and nothing was lost here.`;
}

const QUESTION_ID = /\bq\d+\b/g;

/**
 * The question id (`q12`) in a model request's last message: the last one named, since a question
 * asked after an interrupted one reaches the model in one user turn with it ("Question q8\n\nQuestion q38").
 */
export function questionIdOf(content: unknown): string | undefined {
  return typeof content === 'string' ? content.match(QUESTION_ID)?.at(-1) : undefined;
}

/** One question a user asked, and what its answer must say. */
export interface AskedQuestion {
  id: string;
  chatId: number;
  kind: 'private' | 'group';
  /** The user's message (its id is what a notice replies to). */
  messageId: number;
  expected: string;
}

export interface LoadChats {
  /** Private chats: the chat id is the user's id. */
  privateChats: number[];
  groups: { id: number; members: number[] }[];
}

let counter = 0;

export function createLoadChats(
  telegram: BotApiEmulator,
  shape: { privateChats: number; groups: number; membersPerGroup: number },
): LoadChats {
  const privateChats = Array.from({ length: shape.privateChats }, (_, index) => {
    return telegram.createUser({ firstName: `Private${index}` }).id;
  });
  const groups = Array.from({ length: shape.groups }, (_, index) => ({
    id: telegram.createGroup({ title: `Group ${index}` }).id,
    members: Array.from(
      { length: shape.membersPerGroup },
      (_, member) => telegram.createUser({ firstName: `G${index}M${member}` }).id,
    ),
  }));
  return { privateChats, groups };
}

/** One question in a chat (a group question mentions the bot, from the next member in turn). */
/** `beforeSend` sees the question id first (e.g. to script its answer). */
export function ask(
  telegram: BotApiEmulator,
  chat: { id: number; members?: number[] },
  beforeSend?: (id: string) => void,
): AskedQuestion {
  counter += 1;
  const id = `q${counter}`;
  beforeSend?.(id);
  const members = chat.members;
  const kind = members === undefined ? 'private' : 'group';
  const from = members === undefined ? chat.id : (members[counter % members.length] ?? chat.id);
  const text = kind === 'group' ? `@${telegram.bot.username} Question ${id}` : `Question ${id}`;
  const message = telegram.userSends({ chat: chat.id, from, text });
  return { id, chatId: chat.id, kind, messageId: message.message_id, expected: answerText(id) };
}

/** `perChat` questions in every chat of `chats`, all at once. */
export function askEverywhere(
  telegram: BotApiEmulator,
  chats: LoadChats,
  perChat: { private: number; group: number },
  beforeSend?: (id: string) => void,
): AskedQuestion[] {
  const asked: AskedQuestion[] = [];
  for (let round = 0; round < Math.max(perChat.private, perChat.group); round++) {
    if (round < perChat.private)
      for (const id of chats.privateChats) asked.push(ask(telegram, { id }, beforeSend));
    if (round < perChat.group) for (const group of chats.groups) asked.push(ask(telegram, group, beforeSend));
  }
  return asked;
}

export function botMessages(telegram: BotApiEmulator, chatId: number): MessageState[] {
  return telegram.visibleMessages(chatId).filter((message) => message.from === 'bot');
}

/** What the user of a question sees in the end. */
export type Outcome = 'answered' | 'interrupted' | 'missing' | 'duplicated';

const INTERRUPTED = /interrupted/i;

export function outcomeOf(telegram: BotApiEmulator, question: AskedQuestion): Outcome {
  const messages = botMessages(telegram, question.chatId);
  const finals = messages.filter((message) => message.text === question.expected).length;
  const notices = messages.filter(
    (message) => message.replyToMessageId === question.messageId && INTERRUPTED.test(message.text ?? ''),
  ).length;
  if (finals > 1 || notices > 1) return 'duplicated';
  // A crashed writer may have shown the whole text before it died (its row still said started):
  // the notice is what the user was told, and nothing was written twice.
  if (notices === 1) return 'interrupted';
  return finals === 1 ? 'answered' : 'missing';
}

/**
 * Per chat, the bot's messages must be exactly the expected answers in question order: nothing lost,
 * nothing twice, nothing else. Returns one line per chat that differs (empty when all are right).
 */
export function orderProblems(telegram: BotApiEmulator, questions: readonly AskedQuestion[]): string[] {
  const byChat = new Map<number, string[]>();
  for (const question of questions) {
    const list = byChat.get(question.chatId) ?? [];
    list.push(question.expected);
    byChat.set(question.chatId, list);
  }
  const problems: string[] = [];
  for (const [chatId, expected] of byChat) {
    const seen = botMessages(telegram, chatId).map((message) => message.text ?? '');
    if (JSON.stringify(seen) !== JSON.stringify(expected))
      problems.push(`chat ${chatId}: expected ${JSON.stringify(expected)}, saw ${JSON.stringify(seen)}`);
  }
  return problems;
}

/** Methods Telegram's limits do not count (the emulator's sliding model frees them too). */
const FREE_METHODS = new Set([
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'setMyCommands',
  'getMyCommands',
  'deleteMyCommands',
  'getFile',
]);

/** The most calls that arrived inside any `windowMs` (the emulator records arrival times). */
export function maxCallsInWindow(calls: readonly CallRecord[], windowMs = 1_000): number {
  const times = calls
    .filter((call) => !FREE_METHODS.has(call.method) && call.status !== 429)
    .map((call) => call.at)
    .sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

export function countOutcomes(
  telegram: BotApiEmulator,
  questions: readonly AskedQuestion[],
): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { answered: 0, interrupted: 0, missing: 0, duplicated: 0 };
  for (const question of questions) counts[outcomeOf(telegram, question)]++;
  return counts;
}

/** What the user of a question saw, for failure messages: the bot's messages in that chat. */
export function describeChat(telegram: BotApiEmulator, question: AskedQuestion): string {
  const messages = botMessages(telegram, question.chatId).map(
    (message) =>
      `#${message.messageId}${message.replyToMessageId === undefined ? '' : ` re #${message.replyToMessageId}`}: ${(message.text ?? '').slice(0, 60)}`,
  );
  return `${question.id} (#${question.messageId} in ${question.kind} ${question.chatId}, ${outcomeOf(telegram, question)}): ${messages.join(' | ')}`;
}
