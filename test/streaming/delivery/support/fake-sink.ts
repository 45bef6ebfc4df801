import {
  type InlineKeyboard,
  TelegramCallError,
  type TelegramFailureKind,
  type TelegramSink,
} from '../../../../src/streaming/telegram-sink.js';
import type { TelegramText } from '../../../../src/streaming/telegram-text.js';

export type SinkMethod = 'sendDraft' | 'sendMessage' | 'editMessage' | 'sendChatAction';

export interface RecordedCall {
  method: SinkMethod;
  chatId: number;
  /** Clock time when the call reached the sink. */
  at: number;
  text?: TelegramText;
  draftId?: number;
  messageId?: number;
  options: Record<string, unknown>;
  /** `ok`, or the failure kind the call answered with. */
  outcome?: 'ok' | TelegramFailureKind;
}

export interface StoredMessage {
  messageId: number;
  text: TelegramText;
  keyboard: InlineKeyboard | undefined;
  edits: number;
}

/** A scripted answer for the next call that matches. */
export interface ScriptedFailure {
  method?: SinkMethod;
  chatId?: number;
  match?: (call: RecordedCall) => boolean;
  kind: TelegramFailureKind;
  retryAfterSeconds?: number;
  /** Telegram acted on the call before the failure came back (what makes `network-ambiguous` hard). */
  applied?: boolean;
  /** How many matching calls fail this way; default 1. */
  times?: number;
}

/**
 * A recording fake of the Telegram calls delivery makes. It keeps the chat state Telegram would
 * (messages with sequential ids, drafts), answers like Telegram (`not-modified`, `message-gone`,
 * empty text refused), can be scripted to fail and can be paused to play a slow Telegram.
 */
export function createFakeSink(settings: { now?: () => number; firstMessageId?: number } = {}) {
  const now = settings.now ?? (() => Date.now());
  const calls: RecordedCall[] = [];
  const chats = new Map<
    number,
    { nextId: number; messages: Map<number, StoredMessage>; foreign: Set<number> }
  >();
  const drafts = new Map<number, { draftId: number; text: TelegramText }>();
  const script: (ScriptedFailure & { left: number })[] = [];
  let paused: { promise: Promise<void>; resume: () => void } | undefined;
  let inFlight = 0;

  function chat(chatId: number) {
    let state = chats.get(chatId);
    if (!state) {
      state = { nextId: settings.firstMessageId ?? 100, messages: new Map(), foreign: new Set() };
      chats.set(chatId, state);
    }
    return state;
  }

  function scripted(call: RecordedCall) {
    const index = script.findIndex(
      (entry) =>
        (entry.method === undefined || entry.method === call.method) &&
        (entry.chatId === undefined || entry.chatId === call.chatId) &&
        (entry.match === undefined || entry.match(call)),
    );
    if (index < 0) return undefined;
    const entry = script[index]!;
    entry.left -= 1;
    if (entry.left <= 0) script.splice(index, 1);
    return entry;
  }

  function fail(call: RecordedCall, kind: TelegramFailureKind, retryAfterSeconds?: number): never {
    call.outcome = kind;
    throw new TelegramCallError(call.method, kind, `fake ${kind}`, {
      chatId: call.chatId,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  /** Records the call, waits while paused, then applies it (or the scripted failure). */
  async function handle<T>(call: RecordedCall, apply: () => T): Promise<T> {
    calls.push(call);
    inFlight += 1;
    try {
      while (paused) await paused.promise;
      const failure = scripted(call);
      if (failure && !failure.applied) fail(call, failure.kind, failure.retryAfterSeconds);
      const result = apply();
      if (failure) fail(call, failure.kind, failure.retryAfterSeconds);
      call.outcome = 'ok';
      return result;
    } finally {
      inFlight -= 1;
    }
  }

  const sameText = (a: TelegramText, b: TelegramText) =>
    a.text === b.text && JSON.stringify(a.entities) === JSON.stringify(b.entities);

  const sink: TelegramSink = {
    sendDraft: (chatId, draftId, text, options) =>
      handle({ method: 'sendDraft', chatId, at: now(), text, draftId, options: { ...options } }, () => {
        if (draftId === 0) throw new Error('draft id must be non-zero');
        if (text.text.length > 4096) throw new Error('draft too long');
        drafts.set(chatId, { draftId, text });
      }),

    sendMessage: (chatId, text, options) => {
      const call: RecordedCall = { method: 'sendMessage', chatId, at: now(), text, options: { ...options } };
      return handle(call, () => {
        if (text.text.trim() === '') fail(call, 'bad-request');
        if (text.text.length > 4096) fail(call, 'too-long');
        const state = chat(chatId);
        const messageId = state.nextId++;
        state.messages.set(messageId, { messageId, text, keyboard: options.replyMarkup, edits: 0 });
        drafts.delete(chatId);
        call.messageId = messageId;
        return { messageId };
      });
    },

    editMessage: (chatId, messageId, text, options) => {
      const call: RecordedCall = {
        method: 'editMessage',
        chatId,
        at: now(),
        text,
        messageId,
        options: { ...options },
      };
      return handle(call, () => {
        const state = chat(chatId);
        const message = state.messages.get(messageId);
        if (!message || state.foreign.has(messageId)) fail(call, 'message-gone');
        if (text.text.trim() === '') fail(call, 'bad-request');
        // Like editMessageText: no reply_markup removes the keyboard.
        const keyboard = options.replyMarkup ?? undefined;
        if (sameText(message.text, text) && JSON.stringify(message.keyboard) === JSON.stringify(keyboard)) {
          fail(call, 'not-modified');
        }
        message.text = text;
        message.keyboard = keyboard;
        message.edits += 1;
      });
    },

    sendChatAction: (chatId, action, options) =>
      handle(
        { method: 'sendChatAction', chatId, at: now(), options: { action, ...options } },
        () => undefined,
      ),
  };

  return {
    sink,
    calls,
    /** Messages as Telegram holds them now, in id order. */
    messages(chatId: number): StoredMessage[] {
      return [...chat(chatId).messages.values()].sort((a, b) => a.messageId - b.messageId);
    },
    draft(chatId: number) {
      return drafts.get(chatId);
    },
    /** Someone else wrote in the chat: takes the next message id (not editable by the bot). */
    foreignMessage(chatId: number): number {
      const state = chat(chatId);
      const messageId = state.nextId++;
      state.foreign.add(messageId);
      state.messages.set(messageId, {
        messageId,
        text: { text: 'user', entities: [] },
        keyboard: undefined,
        edits: 0,
      });
      return messageId;
    },
    /** The user deletes a message. */
    deleteMessage(chatId: number, messageId: number): void {
      chat(chatId).messages.delete(messageId);
    },
    failNext(failure: ScriptedFailure): void {
      script.push({ ...failure, left: failure.times ?? 1 });
    },
    pause(): void {
      if (paused) return;
      let resume!: () => void;
      const promise = new Promise<void>((resolve) => {
        resume = resolve;
      });
      paused = { promise, resume };
    },
    resume(): void {
      const current = paused;
      paused = undefined;
      current?.resume();
    },
    get inFlight() {
      return inFlight;
    },
    callsTo(chatId: number, method?: SinkMethod): RecordedCall[] {
      return calls.filter(
        (call) => call.chatId === chatId && (method === undefined || call.method === method),
      );
    },
  };
}

export type FakeSink = ReturnType<typeof createFakeSink>;
