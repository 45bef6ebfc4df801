/**
 * The shell of one answer's delivery: it asks the gate for turns, has the decision
 * (decide-next-call.ts) name the call, lets answer-calls.ts perform it and apply its outcome to the
 * state (answer-state.ts), and arms the one timer. No decision is made here.
 */
import { appendText } from '../append-text.js';
import { TelegramCallError, type TelegramSink } from '../telegram-sink.js';
import { createAnswerCalls } from './answer-calls.js';
import { buildFinalQueue, type FrameDeps, renderLiveFrame } from './answer-frames.js';
import { type AnswerState, type Call, initialAnswerState } from './answer-state.js';
import { type CallPriority, PRIORITY_RANK } from './call-priority.js';
import type { ChatMemory } from './chat-memory.js';
import {
  callPriority,
  decideFrameCall,
  decideTurn,
  decideWake,
  keepAliveWanted,
} from './decide-next-call.js';
import { DeliveryStoppedError } from './delivery-stopped-error.js';
import type { CallPermit, RateGate } from './gate-types.js';
import type { DeliveryOptions } from './options.js';
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
      else if (error.kind === 'rate-limited') calls.noteRateLimit(error);
    },
  });
  const calls = createAnswerCalls({
    sink,
    gate,
    memory,
    timers,
    logger,
    options,
    state,
    stats,
    chat: { chatId, draftId, threadId, replyToMessageId: start.replyToMessageId, stopKeyboard },
    onVisible: () => typing.stop(),
    onNeedTyping: () => typing.start(),
    end: (reason) => end(reason),
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
      called = await calls.execute(call);
      if (called && call.kind !== 'probe' && !ended()) stats.frames += 1;
    } catch (error) {
      if (!ended()) calls.applyFailure(call, error);
    }
    if (called) permit.release();
    return called;
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
      state.text = appendText(state.text, delta);
      state.dirty = true;
      wake();
    },

    appendReasoning(delta) {
      if (state.phase !== 'streaming' || delta === '') return;
      state.reasoning = appendText(state.reasoning, delta);
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
        if (finishOptions.record !== undefined) state.record = finishOptions.record;
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
