import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type {
  ApiUpdate,
  BotApiEmulator,
  BotApiEmulatorOptions,
  MessageState,
} from '../../../src/emulator/index.js';
import { type StreamgramWorld, startStreamgram } from '../../support/start-streamgram.js';

/** Generous: a busy 2-core machine runs several test files at once, each with a whole bot inside. */
export const TIMEOUT_MS = 20_000;

/**
 * The whole bot against the emulator (no rate limits: they are not the point here) in edit mode
 * unless a test says otherwise, with a read-only view of its SQLite file.
 */
export async function startWorld(
  env: Record<string, string> = {},
  emulator: BotApiEmulatorOptions = {},
): Promise<TestWorld> {
  const world = await startStreamgram({
    env: { STREAM_MODE: 'edit', ...env },
    emulator: { limits: 'none', ...emulator },
  });
  let db: Database.Database | undefined;
  const database = () => {
    db ??= new Database(world.databasePath, { readonly: true, fileMustExist: true });
    return db;
  };
  return Object.assign(world, {
    query<T>(sql: string, ...params: unknown[]): T[] {
      return database()
        .prepare(sql)
        .all(...params) as T[];
    },
    async close() {
      db?.close();
      db = undefined;
      await world.stop();
    },
  });
}

/** For a test file: returns `start`, a `startWorld` whose world is closed after each test. */
export function useTestWorld(): typeof startWorld {
  let current: TestWorld | undefined;
  afterEach(async () => {
    const world = current;
    current = undefined;
    await world?.close();
  });
  return async (env, emulator) => {
    current = await startWorld(env, emulator);
    return current;
  };
}

export type TestWorld = StreamgramWorld & {
  /** Reads the bot's database beside the running bot (WAL lets readers in). */
  query<T>(sql: string, ...params: unknown[]): T[];
  close(): Promise<void>;
};

export interface StoredAnswer {
  id: number;
  chat_id: number;
  user_id: number | null;
  content: string;
  reasoning: string | null;
  status: string;
  model: string;
  telegram_message_ids: string;
}

export function answers(world: TestWorld, chatId?: number): StoredAnswer[] {
  return chatId === undefined
    ? world.query<StoredAnswer>("SELECT * FROM messages WHERE role = 'assistant' ORDER BY id")
    : world.query<StoredAnswer>(
        "SELECT * FROM messages WHERE role = 'assistant' AND chat_id = ? ORDER BY id",
        chatId,
      );
}

/** Waits until `count` answers (in the chat, when given) are stored as finished; returns them all. */
export function waitForAnswers(world: TestWorld, count: number, chatId?: number): Promise<StoredAnswer[]> {
  return world.telegram.waitFor(
    () => {
      const stored = answers(world, chatId);
      return stored.length >= count && stored.every((answer) => answer.status !== 'streaming')
        ? stored
        : undefined;
    },
    { timeoutMs: TIMEOUT_MS, message: `${count} finished answers` },
  );
}

/** The bot's messages in a chat sent after `afterSeq` (a bookmark from `telegram.lastSeq()`). */
export function botMessagesAfter(telegram: BotApiEmulator, chat: number, afterSeq: number): MessageState[] {
  const ids = new Set(
    telegram
      .timeline(chat, { type: 'message', afterSeq })
      .filter((event) => event.type === 'message' && event.from === 'bot')
      .map((event) => (event.type === 'message' ? event.messageId : 0)),
  );
  return telegram.visibleMessages(chat).filter((message) => ids.has(message.messageId));
}

/** Sends a message (usually a command) and waits for the first message the bot sends after it. */
export async function sendAndWaitReply(
  telegram: BotApiEmulator,
  input: { chat: number; from?: number; text: string; replyToMessageId?: number; threadId?: number },
): Promise<MessageState> {
  const bookmark = telegram.lastSeq();
  telegram.userSends(input);
  return telegram.waitFor(() => botMessagesAfter(telegram, input.chat, bookmark)[0], {
    timeoutMs: TIMEOUT_MS,
    message: `a reply to ${input.text.slice(0, 40)}`,
  });
}

/** Presses a button and waits for the bot's answer to the callback query. */
export async function pressAndWaitAnswer(
  telegram: BotApiEmulator,
  input: { chat: number; from?: number; messageId: number; data: string },
): Promise<{ text?: string; showAlert: boolean }> {
  const id = telegram.pressButton(input);
  return telegram.waitFor(() => telegram.callbackQuery(id)?.answer, {
    timeoutMs: TIMEOUT_MS,
    message: `an answer to the ${input.data} button`,
  });
}

/** The text of the first `pre` entity of a message: the monospace table. */
export function preText(message: MessageState): string {
  const pre = message.entities.find((entity) => entity.type === 'pre');
  if (!pre || message.text === undefined) throw new Error('the message has no pre block');
  return message.text.slice(pre.offset, pre.offset + pre.length);
}

export type { ApiUpdate };
