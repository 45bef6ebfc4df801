import { type InlineKeyboard, TelegramCallError, type TelegramSink } from '../telegram-sink.js';
import type { TelegramText } from '../telegram-text.js';
import type { AnswerState, Call, CommitItem, PendingProbe } from './answer-state.js';
import type { ChatMemory } from './chat-memory.js';
import { decideAfterFailure, type FailureEffect } from './decide-after-failure.js';
import { sameTelegramText } from './frame-text.js';
import type { DeliveryOptions } from './options.js';
import type { RateGate } from './rate-gate.js';
import type { DeliveryFailure, DeliveryLogger, DeliveryStats, DeliveryTimers } from './types.js';

export interface AnswerCallsDeps {
  sink: TelegramSink;
  gate: RateGate;
  memory: ChatMemory;
  timers: DeliveryTimers;
  logger: DeliveryLogger;
  options: DeliveryOptions;
  state: AnswerState;
  stats: DeliveryStats;
  chat: {
    chatId: number;
    draftId: number;
    threadId: number | undefined;
    replyToMessageId: number | undefined;
    stopKeyboard: InlineKeyboard | undefined;
  };
  /** The answer became visible: "typing…" is no longer needed. */
  onVisible: () => void;
  /** Drafts were refused and nothing shows yet: "typing…" instead. */
  onNeedTyping: () => void;
  end: (reason: DeliveryFailure) => void;
}

export interface AnswerCalls {
  /** Performs the call and applies its success; false when no call was needed after all. Throws failures. */
  execute(call: Call): Promise<boolean>;
  /** Applies a failed call's outcome, as decide-after-failure.ts decides it. */
  applyFailure(call: Call, error: unknown): void;
  /** A 429 from any call of this answer (chat actions too): holds the chat in the gate. */
  noteRateLimit(error: TelegramCallError): void;
}

/**
 * The calls one answer makes through the sink, and how their outcomes change its state. Success is
 * applied here directly (it only records what Telegram now shows); failures go through the pure
 * `decideAfterFailure`, whose patch and effects are applied here.
 */
export function createAnswerCalls(deps: AnswerCallsDeps): AnswerCalls {
  const { sink, memory, timers, logger, state, stats } = deps;
  const { chatId, draftId, threadId, stopKeyboard } = deps.chat;
  const log = { chatId, draftId };
  const ended = () => state.phase === 'done';
  const threadOption = (): { threadId?: number } => (threadId === undefined ? {} : { threadId });

  async function execute(call: Call): Promise<boolean> {
    switch (call.kind) {
      case 'draft': {
        state.lastDraftAt = timers.now();
        await sink.sendDraft(chatId, draftId, payload(call.text), { ...threadOption(), canStop: true });
        if (ended()) return true;
        state.draftShown = call.text;
        state.placeholderSent = true;
        markVisible(call.text);
        return true;
      }
      case 'live-send': {
        const { messageId } = await sendMessage(call.text, stopKeyboard);
        if (ended()) return true;
        state.live = { messageId, shown: call.text, keyboard: stopKeyboard !== undefined };
        markVisible(call.text);
        return true;
      }
      case 'live-edit': {
        await editMessage(call.live.messageId, call.text, call.live.keyboard ? stopKeyboard : undefined);
        if (ended()) return true;
        call.live.shown = call.text;
        markVisible(call.text);
        return true;
      }
      case 'commit': {
        const item = call.item;
        const content = state.plainFallback ? { text: item.text.text, entities: [] } : item.text;
        if (state.transport === 'edit' && state.live) {
          const target = state.live;
          // The live message already shows this part and has no keyboard to remove: it is final as it is.
          const unchanged = sameTelegramText(target.shown, content) && !target.keyboard;
          if (!unchanged) await editMessage(target.messageId, content, null);
          if (ended()) return !unchanged;
          state.live = undefined;
          committed(item, target.messageId);
          return !unchanged;
        }
        const { messageId } = await sendMessage(content, undefined);
        if (ended()) return true;
        committed(item, messageId);
        return true;
      }
      case 'probe': {
        // Same text and markup: `not-modified` (or an edit that now shows exactly our text) means this id
        // is the message our ambiguous send created.
        await editMessage(call.messageId, call.probe.text, call.probe.keyboard);
        if (ended()) return true;
        adoptProbed(call.probe, call.messageId);
        return true;
      }
    }
  }

  async function sendMessage(content: TelegramText, keyboard: InlineKeyboard | undefined) {
    const replyTo = state.sentMessages === 0 && !state.replyDisabled ? deps.chat.replyToMessageId : undefined;
    const result = await sink.sendMessage(chatId, payload(content), {
      ...threadOption(),
      ...(replyTo === undefined ? {} : { replyToMessageId: replyTo }),
      ...(keyboard === undefined ? {} : { replyMarkup: keyboard }),
    });
    state.sentMessages += 1;
    memory.noteMessageId(chatId, result.messageId, true);
    return result;
  }

  async function editMessage(
    messageId: number,
    content: TelegramText,
    keyboard: InlineKeyboard | null | undefined,
  ) {
    try {
      await sink.editMessage(
        chatId,
        messageId,
        payload(content),
        keyboard === undefined ? {} : { replyMarkup: keyboard },
      );
    } catch (error) {
      if (!(error instanceof TelegramCallError && error.kind === 'not-modified')) throw error;
    }
  }

  function markVisible(content: TelegramText): void {
    if (content.text === '' || state.visible) return;
    state.visible = true;
    stats.firstVisibleAt = timers.now();
    deps.onVisible();
  }

  function committed(item: CommitItem, messageId: number): void {
    state.messageIds.push(messageId);
    stats.parts = state.messageIds.length;
    state.attempts = 0;
    state.plainFallback = false;
    markVisible(item.text);
    if (item.from === 'final') {
      state.finalQueue?.shift();
    } else {
      const part = state.ready.shift();
      if (part) state.cursor = part.end;
      // The draft now shows text that is already a message: show the next part there.
      state.draftShown = undefined;
      state.dirty = true;
    }
  }

  function adoptProbed(pending: PendingProbe, messageId: number): void {
    state.probe = undefined;
    state.attempts = 0;
    state.sentMessages += 1;
    memory.noteMessageId(chatId, messageId, true);
    logger.info({ ...log, messageId }, 'an ambiguous send had reached Telegram; adopted its message');
    if (pending.item) {
      committed(pending.item, messageId);
      return;
    }
    state.live = { messageId, shown: pending.text, keyboard: pending.keyboard !== undefined };
    markVisible(pending.text);
    state.dirty = true;
  }

  function noteRateLimit(error: TelegramCallError): void {
    stats.rateLimited += 1;
    const retryAfterMs = (error.details.retryAfterSeconds ?? 1) * 1000;
    logger.warn({ ...log, method: error.method, retryAfterMs }, 'rate limited by Telegram; holding the chat');
    deps.gate.reportRateLimit(chatId, retryAfterMs);
  }

  function runEffect(effect: FailureEffect, error: unknown): void {
    switch (effect.kind) {
      case 'log': {
        const details = { ...log, ...effect.details, ...(effect.withError ? { err: error } : {}) };
        logger[effect.level](details, effect.message);
        return;
      }
      case 'hold-chat':
        if (error instanceof TelegramCallError) noteRateLimit(error);
        return;
      case 'count-retry':
        stats.retries += 1;
        return;
      case 'drafts-refused':
        memory.get(chatId).draftRefused = true;
        if (effect.startTyping) deps.onNeedTyping();
        return;
      case 'end':
        deps.end(effect.reason);
        return;
    }
  }

  return {
    execute,
    noteRateLimit,
    applyFailure(call, error) {
      const kind = error instanceof TelegramCallError ? error.kind : undefined;
      const outcome = decideAfterFailure(state, call, kind, {
        now: timers.now(),
        highestMessageId: memory.get(chatId).highestMessageId,
        stopKeyboard,
        options: deps.options,
      });
      Object.assign(state, outcome.patch);
      for (const effect of outcome.effects) runEffect(effect, error);
    },
  };
}

/** Rendered parts carry their source cursor; Telegram gets only text and entities. */
function payload(content: TelegramText): TelegramText {
  return { text: content.text, entities: content.entities };
}
