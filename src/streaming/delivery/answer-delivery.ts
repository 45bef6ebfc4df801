/**
 * The shell of one answer's delivery: it asks the gate for turns, performs the call the decision
 * names (decide-next-call.ts), writes outcomes back into the state (answer-state.ts; failures are
 * decided in decide-after-failure.ts) and arms the one timer. A little over 300 lines: the lifecycle,
 * the calls and their outcomes read best in one place, and every decision is elsewhere.
 */
import { type InlineKeyboard, TelegramCallError, type TelegramSink } from '../telegram-sink.js';
import type { TelegramText } from '../telegram-text.js';
import { buildFinalQueue, type FrameDeps, renderLiveFrame } from './answer-frames.js';
import {
  type AnswerState,
  type Call,
  type CommitItem,
  initialAnswerState,
  type PendingProbe,
} from './answer-state.js';
import type { ChatMemory } from './chat-memory.js';
import { decideAfterFailure, type FailureEffect } from './decide-after-failure.js';
import {
  callPriority,
  decideFrameCall,
  decideTurn,
  decideWake,
  keepAliveWanted,
} from './decide-next-call.js';
import { DeliveryStoppedError } from './delivery-stopped-error.js';
import { sameTelegramText } from './frame-text.js';
import type { DeliveryOptions } from './options.js';
import { type CallPermit, type CallPriority, PRIORITY_RANK, type RateGate } from './rate-gate.js';
import type {
  AnswerDelivery,
  DeliveryFailure,
  DeliveryLogger,
  DeliveryResult,
  DeliveryStats,
  DeliveryTimers,
  FinishOptions,
  RenderTelegramParts,
  StartAnswerOptions,
} from './types.js';
import { createTypingIndicator } from './typing-indicator.js';

export interface AnswerDeliveryDeps {
  sink: TelegramSink;
  render: RenderTelegramParts;
  gate: RateGate;
  timers: DeliveryTimers;
  logger: DeliveryLogger;
  options: DeliveryOptions;
  memory: ChatMemory;
}

export interface ManagedAnswerDelivery extends AnswerDelivery {
  /** Resolves when delivery has ended, however it ended. */
  readonly settled: Promise<DeliveryResult>;
  readonly finishing: boolean;
  /** Ends delivery at once with `closed` (engine shutdown). */
  close(): void;
}

/**
 * One answer's delivery: a latest-wins slot over the answer's visible message. Appends only record
 * text and mark the slot dirty; at most one gate request (or call) is under way per answer, and the
 * frame is rendered only when the gate grants the call, from the first uncommitted part.
 */
export function createAnswerDelivery(
  deps: AnswerDeliveryDeps,
  start: StartAnswerOptions & { transport: 'draft' | 'edit'; draftId: number },
): ManagedAnswerDelivery {
  const { sink, gate, timers, logger, options, memory } = deps;
  const { chatId, chatType, threadId, stopKeyboard, showReasoning, draftId } = start;
  const log = { chatId, draftId };
  const controller = new AbortController();
  const startedAt = timers.now();
  const stats: DeliveryStats = { startedAt, frames: 0, parts: 0, rateLimited: 0, retries: 0 };
  const state: AnswerState = initialAnswerState({ transport: start.transport, showReasoning, startedAt });
  const frameDeps: FrameDeps = { render: deps.render, options, logger, log, startedAt };
  // The shell's own bookkeeping: the turn under way and the one timer.
  let busy = false;
  let waiting: { controller: AbortController; priority: CallPriority } | undefined;
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;

  let resolveSettled!: (result: DeliveryResult) => void;
  const settled = new Promise<DeliveryResult>((resolve) => {
    resolveSettled = resolve;
  });

  const typing = createTypingIndicator({
    sink,
    gate,
    timers,
    chatId,
    chatType,
    threadId,
    intervalMs: options.typingIntervalMs,
    onError: (error) => {
      if (!(error instanceof TelegramCallError)) return;
      if (error.kind === 'chat-gone') end('chat-gone');
      else if (error.kind === 'rate-limited') noteRateLimit(error);
    },
  });

  // ---- lifecycle and scheduling ----------------------------------------------------------------

  /** A function, not an inline test: the phase changes across awaits. */
  const ended = () => state.phase === 'done';

  function end(reason?: DeliveryFailure): void {
    if (state.phase === 'done') return;
    state.phase = 'done';
    if (reason && !state.failure) state.failure = reason;
    stats.finalAt = timers.now();
    typing.stop();
    waiting?.controller.abort();
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    if (reason) controller.abort(new DeliveryStoppedError(chatId, reason));
    const { messageIds, failure } = state;
    const result: DeliveryResult = {
      messageIds: [...messageIds],
      parts: messageIds.length,
      delivered: !failure,
    };
    if (failure) result.failure = failure;
    resolveSettled(result);
  }

  function wake(): void {
    if (ended() || busy) {
      // A request waiting at `update` must not make the final wait behind other chats' updates.
      if (waiting && PRIORITY_RANK[callPriority(state)] < PRIORITY_RANK[waiting.priority])
        waiting.controller.abort();
      return;
    }
    const decision = decideWake(state, timers.now());
    if (decision.kind === 'end') end();
    else if (decision.kind === 'sleep') armTimer(decision.until);
    else if (decision.kind === 'ask') {
      busy = true;
      void takeTurn(decision.priority).catch((error: unknown) => {
        logger.error({ ...log, err: error }, 'delivery turn failed unexpectedly');
        busy = false;
      });
    }
  }

  async function takeTurn(priority: CallPriority): Promise<void> {
    const request = new AbortController();
    waiting = { controller: request, priority };
    const permit = await gate.acquire({ chatId, chatType, priority, signal: request.signal });
    waiting = undefined;
    if (!permit) {
      busy = false;
      // Withdrawn to ask again at a higher priority, or the gate is gone.
      if (request.signal.aborted && !ended()) wake();
      else end('closed');
      return;
    }
    let used = false;
    try {
      used = await step(permit);
    } finally {
      if (!used) permit.release({ unused: true });
      busy = false;
    }
    armKeepAlive();
    wake();
  }

  function armTimer(at: number): void {
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timerAt = at;
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        if (keepAliveWanted(state) && timers.now() - state.lastDraftAt >= options.draftKeepAliveMs) {
          state.keepAliveDue = true;
        }
        wake();
        // While a keep-alive is due, the turn that sends it arms the next one.
        if (!state.keepAliveDue) armKeepAlive();
      },
      Math.max(0, at - timers.now()),
    );
  }

  function armKeepAlive(): void {
    if (keepAliveWanted(state) && !state.keepAliveDue) armTimer(state.lastDraftAt + options.draftKeepAliveMs);
  }

  // ---- one granted turn ------------------------------------------------------------------------

  /** Applies the decision's preparatory steps until it names a call (or nothing to do). */
  function nextCall(): Call | undefined {
    for (;;) {
      const step = decideTurn(state, memory.get(chatId).ownMessageIds);
      switch (step.kind) {
        case 'call':
          return step.call;
        case 'drop-probe':
          state.probe = undefined;
          break;
        case 'build-final':
          state.finalQueue = buildFinalQueue(state, frameDeps);
          break;
        case 'skip-blank':
          state.cursor = state.ready.shift()!.end;
          break;
        case 'end':
          end();
          return undefined;
        case 'render-frame': {
          const keepAlive = state.keepAliveDue;
          state.keepAliveDue = false;
          state.dirty = false;
          return decideFrameCall(state, renderLiveFrame(state, frameDeps, timers.now()), keepAlive);
        }
      }
    }
  }

  /**
   * Makes the call the state asks for now. Returns whether Telegram was called; when it was not, the
   * chat's budget is given back. A failure is handled before the permit is released, so a 429 holds the
   * chat before its next turn can be granted.
   */
  async function step(permit: CallPermit): Promise<boolean> {
    if (ended()) return false;
    const call = nextCall();
    if (!call) return false;
    let called = true;
    try {
      called = await execute(call);
      if (called && call.kind !== 'probe' && !ended()) stats.frames += 1;
    } catch (error) {
      if (!ended()) applyFailure(call, error);
    }
    if (called) permit.release();
    return called;
  }

  /** Performs the call and applies its success; returns false when no call was needed after all. */
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
    const replyTo = state.sentMessages === 0 && !state.replyDisabled ? start.replyToMessageId : undefined;
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

  function threadOption(): { threadId?: number } {
    return threadId === undefined ? {} : { threadId };
  }

  // ---- outcomes ----------------------------------------------------------------------------------

  function markVisible(content: TelegramText): void {
    if (content.text === '' || state.visible) return;
    state.visible = true;
    stats.firstVisibleAt = timers.now();
    typing.stop();
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
    gate.reportRateLimit(chatId, retryAfterMs);
  }

  function applyFailure(call: Call, error: unknown): void {
    const kind = error instanceof TelegramCallError ? error.kind : undefined;
    const outcome = decideAfterFailure(state, call, kind, {
      now: timers.now(),
      highestMessageId: memory.get(chatId).highestMessageId,
      stopKeyboard,
      options,
    });
    Object.assign(state, outcome.patch);
    for (const effect of outcome.effects) runEffect(effect, error);
  }

  function runEffect(effect: FailureEffect, error: unknown): void {
    switch (effect.kind) {
      case 'log':
        logger[effect.level](
          { ...log, ...effect.details, ...(effect.withError ? { err: error } : {}) },
          effect.message,
        );
        return;
      case 'hold-chat':
        if (error instanceof TelegramCallError) noteRateLimit(error);
        return;
      case 'count-retry':
        stats.retries += 1;
        return;
      case 'drafts-refused':
        memory.get(chatId).draftRefused = true;
        if (effect.startTyping) typing.start();
        return;
      case 'end':
        end(effect.reason);
        return;
    }
  }

  // ---- the public face -----------------------------------------------------------------------------

  if (state.transport === 'edit') typing.start();
  else wake(); // the empty draft: "Thinking…" and the stop button at once

  return {
    draftId,
    signal: controller.signal,
    stats,
    settled,
    get transport() {
      return state.transport;
    },
    get finishing() {
      return state.phase !== 'streaming';
    },

    appendText(delta) {
      if (state.phase !== 'streaming' || delta === '') return;
      if (state.text === '') typing.stop();
      state.text += delta;
      state.dirty = true;
      wake();
    },

    appendReasoning(delta) {
      if (state.phase !== 'streaming' || delta === '') return;
      state.reasoning += delta;
      if (state.text !== '' || state.transport === 'draft') {
        if (!showReasoning) return;
      } else if (Math.floor((timers.now() - startedAt) / 1000) === state.thinkingSecondShown) {
        return; // the thinking line would not change
      }
      state.dirty = true;
      wake();
    },

    setStatus(line) {
      if (state.phase !== 'streaming' || line === state.status) return;
      state.status = line;
      state.dirty = true;
      wake();
    },

    finish(finishOptions: FinishOptions) {
      if (state.phase === 'streaming') {
        state.phase = 'finishing';
        if (finishOptions.notice !== undefined) state.notice = finishOptions.notice;
        typing.stop();
        state.keepAliveDue = false;
        wake();
      }
      return settled;
    },

    close() {
      end('closed');
    },
  };
}

/** Rendered parts carry their source cursor; Telegram gets only text and entities. */
function payload(content: TelegramText): TelegramText {
  return { text: content.text, entities: content.entities };
}
