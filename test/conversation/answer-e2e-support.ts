import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { BotApiEmulatorOptions, MessageState } from '../../src/emulator/index.js';
import type { TimelineEvent } from '../../src/emulator/state/timeline.js';
import type { StreamgramWorld } from '../support/start-streamgram.js';
import { useStreamgram } from '../support/use-streamgram.js';

/** Generous: a busy 2-core machine runs two test files at once, each with a whole bot inside. */
export const E2E_TIMEOUT_MS = 25_000;

export interface StoredAnswer {
  id: number;
  chatId: number;
  userId: number | null;
  content: string;
  status: string;
  model: string | null;
  telegramMessageIds: number[];
  /** When the answer was stored as finished (clock ms); null while streaming. */
  finishedAt: number | null;
}

export interface StoredUsage {
  userId: number | null;
  chatId: number;
  messageId: number | null;
  provider: string;
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
}

interface AnswerRow {
  id: number;
  chat_id: number;
  user_id: number | null;
  content: string;
  status: string;
  model: string | null;
  telegram_message_ids: string;
  finished_at: number | null;
}

/**
 * A read-only view of the bot's SQLite file, open beside the running bot (WAL lets readers in), so
 * tests can wait until an answer is stored and then check what was stored.
 */
export function openStoredAnswers(world: StreamgramWorld) {
  const db = new Database(world.databasePath, { readonly: true, fileMustExist: true });
  const answerRows = db.prepare<[], AnswerRow>(
    `SELECT id, chat_id, user_id, content, status, model, telegram_message_ids, finished_at
       FROM messages WHERE role = 'assistant' ORDER BY id`,
  );
  const userRows = db.prepare<[], { chat_id: number; content: string }>(
    `SELECT chat_id, content FROM messages WHERE role = 'user' ORDER BY id`,
  );
  const usageRows = db.prepare<[], Record<string, unknown>>(
    `SELECT user_id, chat_id, message_id, provider, model, input_tokens, output_tokens FROM usage ORDER BY id`,
  );

  const answers = (): StoredAnswer[] =>
    answerRows.all().map((row) => ({
      id: row.id,
      chatId: row.chat_id,
      userId: row.user_id,
      content: row.content,
      status: row.status,
      model: row.model,
      telegramMessageIds: JSON.parse(row.telegram_message_ids) as number[],
      finishedAt: row.finished_at,
    }));

  return {
    answers,
    questions: () => userRows.all().map((row) => ({ chatId: row.chat_id, content: row.content })),
    usage: (): StoredUsage[] =>
      usageRows.all().map((row) => ({
        userId: row.user_id as number | null,
        chatId: row.chat_id as number,
        messageId: row.message_id as number | null,
        provider: row.provider as string,
        model: row.model as string,
        inputTokens: row.input_tokens as number | null,
        outputTokens: row.output_tokens as number | null,
      })),
    /** Waits until `count` answers in `chatId` (all chats when absent) have left `streaming`. */
    async waitForFinished(
      count = 1,
      options: { chatId?: number; timeoutMs?: number } = {},
    ): Promise<StoredAnswer[]> {
      const finished = () =>
        answers().filter(
          (answer) =>
            answer.status !== 'streaming' &&
            (options.chatId === undefined || answer.chatId === options.chatId),
        );
      return world.telegram.waitFor(() => (finished().length >= count ? finished() : undefined), {
        timeoutMs: options.timeoutMs ?? E2E_TIMEOUT_MS,
        intervalMs: 25,
        message: `${count} finished answer(s)`,
      });
    },
    close: () => db.close(),
  };
}

export type StoredAnswers = ReturnType<typeof openStoredAnswers>;

/** The bot's visible messages in a chat, oldest first. */
export function botMessages(world: StreamgramWorld, chatId: number): MessageState[] {
  return world.telegram.visibleMessages(chatId).filter((message) => message.from === 'bot');
}

/** Telegram calls to a chat that failed, as `method: description` (a clean stream has none). */
export function failedCalls(world: StreamgramWorld, chatId: number): string[] {
  return world.telegram
    .calls({ chatId, ok: false })
    .map((call) => `${call.method}: ${call.error?.description ?? `status ${call.status}`}`);
}

/** What the bot did in a chat, as the user saw it (the user's own messages and edits left out). */
export function botTimeline(events: TimelineEvent[]): TimelineEvent[] {
  return events.filter((event) => !('from' in event) || event.from === 'bot');
}

/** Every message the bot ever sent to a chat (deleted ones too), in order: duplicates show here. */
export function botSendEvents(world: StreamgramWorld, chatId: number) {
  return world.telegram
    .timeline(chatId, { type: 'message' })
    .filter(
      (event): event is Extract<TimelineEvent, { type: 'message' }> =>
        event.type === 'message' && event.from === 'bot',
    );
}

export { hasKeyboard } from '../support/visible.js';

/**
 * Plain prose of exactly `length` characters in paragraphs of a few sentences, separated by blank
 * lines: it renders to itself, so what the user sees can be compared with what the model wrote.
 */
export function longAnswer(length: number, seed = 'Streaming'): string {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const paragraphs: string[] = [];
  let total = 0;
  for (let paragraph = 0; total < length + 200; paragraph++) {
    const sentences = Array.from(
      { length: 3 + (paragraph % 4) },
      (_, sentence) =>
        `${seed} ${paragraph}.${sentence} ${Array.from({ length: 8 }, (_, k) => words[(paragraph + sentence + k) % words.length]).join(' ')}.`,
    );
    const text = sentences.join(' ');
    paragraphs.push(text);
    total += text.length + 2;
  }
  const full = paragraphs.join('\n\n');
  // End on a word, not inside a blank line, then pad to the exact length.
  let cut = full.slice(0, length).trimEnd();
  while (cut.length < length) cut += 'x';
  return cut;
}

/**
 * For a test file: returns `start(env, emulator?)`, which starts a world and opens a read-only view of
 * its database; both are closed after the test.
 */
export function useAnswerWorld() {
  const startWorld = useStreamgram();
  let store: StoredAnswers | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
  });
  return async (env: Record<string, string>, emulator: BotApiEmulatorOptions = { limits: 'none' }) => {
    const world = await startWorld({ env, emulator });
    store = openStoredAnswers(world);
    return { world, store };
  };
}
