import { type InlineKeyboard, TelegramCallError, type TelegramSink } from '../telegram-sink.js';
import type { TelegramText } from '../telegram-text.js';
import type { ChatMemory } from './chat-memory.js';
import { DeliveryStoppedError } from './delivery-stopped-error.js';
import {
  appendNotice,
  isBlank,
  italic,
  reasoningTailCursor,
  sameTelegramText,
  thinkingLine,
} from './frame-text.js';
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
  ReasoningDisplay,
  RenderedPart,
  RenderTelegramParts,
  SourceCursor,
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

const START_CURSOR: SourceCursor = { reasoningOffset: 0, textOffset: 0, prefix: '' };
const EMPTY_TEXT: TelegramText = { text: '', entities: [] };

/** The live message in edit mode: the one being edited while its part grows. */
interface LiveMessage {
  messageId: number;
  shown: TelegramText;
  keyboard: boolean;
}

/** A `sendMessage` whose outcome was ambiguous, being checked id by id before anything else happens. */
interface PendingProbe {
  text: TelegramText;
  keyboard: InlineKeyboard | undefined;
  /** The commit this send was for; none when it was the first frame of a live message. */
  item: CommitItem | undefined;
  candidates: number[];
}

/** Something to make permanent: a complete part during streaming, or one of the final parts. */
interface CommitItem {
  text: TelegramText;
  from: 'ready' | 'final';
}

type Call =
  | { kind: 'draft'; text: TelegramText; placeholder: boolean }
  | { kind: 'live-send'; text: TelegramText }
  | { kind: 'live-edit'; text: TelegramText; live: LiveMessage }
  | { kind: 'commit'; item: CommitItem }
  | { kind: 'probe'; probe: PendingProbe; messageId: number };

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
  const finalReasoning: ReasoningDisplay = showReasoning ? 'collapsed' : 'hidden';

  let transport = start.transport;
  let phase: 'streaming' | 'finishing' | 'done' = 'streaming';
  let text = '';
  let reasoning = '';
  let notice: string | undefined;
  let record: string | undefined;
  let status: string | undefined;
  /** Where the first part not yet committed begins. */
  let cursor = START_CURSOR;
  /** Complete parts rendered but not committed yet; `ready[0]` begins at `cursor`. */
  let ready: RenderedPart[] = [];
  let finalQueue: TelegramText[] | undefined;
  const messageIds: number[] = [];
  let dirty = false;
  let visible = false;
  let sentMessages = 0;
  /** Set when the message to reply to is gone: later sends go without the reply. */
  let replyDisabled = false;
  let draftShown: TelegramText | undefined;
  let placeholderSent = false;
  /** Last draft attempt: a draft vanishes ~30 s after its last update, so keep-alives count from here. */
  let lastDraftAt = startedAt;
  let keepAliveDue = false;
  let live: LiveMessage | undefined;
  let thinkingSecondShown = -1;
  let probe: PendingProbe | undefined;
  let attempts = 0;
  let plainFallback = false;
  let notBefore = 0;
  let failure: DeliveryFailure | undefined;
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

  // ---- lifecycle ---------------------------------------------------------------------------

  /** A function, not an inline test: `phase` changes across awaits and inside `nextCall`. */
  function ended(): boolean {
    return phase === 'done';
  }

  function end(reason?: DeliveryFailure): void {
    if (phase === 'done') return;
    phase = 'done';
    if (reason && !failure) failure = reason;
    stats.finalAt = timers.now();
    typing.stop();
    waiting?.controller.abort();
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    if (reason) controller.abort(new DeliveryStoppedError(chatId, reason));
    const result: DeliveryResult = {
      messageIds: [...messageIds],
      parts: messageIds.length,
      delivered: failure === undefined,
    };
    if (failure) result.failure = failure;
    resolveSettled(result);
  }

  function wake(): void {
    if (phase === 'done' || busy) {
      upgradeWaitingPriority();
      return;
    }
    // Every final part is out: end now. Asking the gate first would hold the answer (and the chat's
    // next question, and the stored result) for a turn that makes no call, up to a refill interval.
    if (phase === 'finishing' && finalQueue?.length === 0 && !probe) {
      end();
      return;
    }
    if (!hasWork()) return;
    const now = timers.now();
    if (notBefore > now) {
      armTimer(notBefore);
      return;
    }
    busy = true;
    void takeTurn().catch((error: unknown) => {
      logger.error({ ...log, err: error }, 'delivery turn failed unexpectedly');
      busy = false;
    });
  }

  function hasWork(): boolean {
    if (phase === 'done') return false;
    if (probe || phase === 'finishing' || ready.length > 0) return true;
    if (transport === 'draft' && !placeholderSent && draftShown === undefined) return true;
    return dirty || keepAliveDue;
  }

  function priority(): CallPriority {
    if (phase === 'finishing' || ready.length > 0 || probe?.item) return visible ? 'final' : 'reveal';
    if (visible) return 'update';
    // The empty "Thinking…" draft must not take a turn from another answer's real first text; when
    // text arrives while it waits, the request is asked again at `first` and sends the text instead.
    return hasContent() ? 'first' : 'placeholder';
  }

  /** Something a frame would show: text, or reasoning where it is shown while streaming. */
  function hasContent(): boolean {
    if (text !== '') return true;
    return reasoning !== '' && (transport === 'edit' || showReasoning);
  }

  /** A request waiting at `update` must not make the final wait behind other chats' updates. */
  function upgradeWaitingPriority(): void {
    if (waiting && PRIORITY_RANK[priority()] < PRIORITY_RANK[waiting.priority]) waiting.controller.abort();
  }

  async function takeTurn(): Promise<void> {
    const requested = priority();
    const request = new AbortController();
    waiting = { controller: request, priority: requested };
    const permit = await gate.acquire({ chatId, chatType, priority: requested, signal: request.signal });
    waiting = undefined;
    if (!permit) {
      busy = false;
      // Withdrawn to ask again at a higher priority, or the gate is gone.
      if (request.signal.aborted && phase !== 'done') wake();
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
        if (keepAliveWanted() && timers.now() - lastDraftAt >= options.draftKeepAliveMs) keepAliveDue = true;
        wake();
        // While a keep-alive is due, the turn that sends it arms the next one.
        if (!keepAliveDue) armKeepAlive();
      },
      Math.max(0, at - timers.now()),
    );
  }

  function keepAliveWanted(): boolean {
    return phase === 'streaming' && transport === 'draft' && (placeholderSent || draftShown !== undefined);
  }

  function armKeepAlive(): void {
    if (keepAliveWanted() && !keepAliveDue) armTimer(lastDraftAt + options.draftKeepAliveMs);
  }

  // ---- deciding the next call (only when the gate has granted one) ---------------------------

  function renderParts(final: boolean): RenderedPart[] {
    return deps.render({ text, reasoning, ...(final && record ? { record } : {}) }, cursor, {
      final,
      reasoning: finalReasoning,
      limit: options.partLimit,
    });
  }

  function nextCall(): Call | undefined {
    if (probe) {
      const own = memory.get(chatId).ownMessageIds;
      while (probe.candidates.length > 0 && own.includes(probe.candidates[0]!)) probe.candidates.shift();
      const messageId = probe.candidates[0];
      if (messageId !== undefined) return { kind: 'probe', probe, messageId };
      probe = undefined;
    }
    if (phase === 'finishing') {
      finalQueue ??= buildFinalQueue();
      const first = finalQueue[0];
      if (!first) {
        end();
        return undefined;
      }
      return { kind: 'commit', item: { text: first, from: 'final' } };
    }
    while (ready[0] && isBlank(ready[0])) cursor = ready.shift()!.end;
    if (ready[0]) return { kind: 'commit', item: { text: ready[0], from: 'ready' } };

    const keepAlive = keepAliveDue;
    keepAliveDue = false;
    dirty = false;
    const frame = liveFrame();
    if (ready[0]) return { kind: 'commit', item: { text: ready[0], from: 'ready' } };

    if (transport === 'draft') {
      if (!frame || isBlank(frame)) {
        const placeholderWanted = (!placeholderSent && draftShown === undefined) || keepAlive;
        return placeholderWanted ? { kind: 'draft', text: EMPTY_TEXT, placeholder: true } : undefined;
      }
      if (sameTelegramText(frame, draftShown) && !keepAlive) return undefined;
      return { kind: 'draft', text: frame, placeholder: false };
    }
    if (!frame || isBlank(frame)) return undefined;
    if (!live) return { kind: 'live-send', text: frame };
    if (sameTelegramText(frame, live.shown)) return undefined;
    return { kind: 'live-edit', text: frame, live };
  }

  /** The live frame with the status line (a running tool) under it when there is room. */
  function liveFrame(): TelegramText | undefined {
    const frame = liveTextFrame();
    if (status === undefined) return frame;
    if (!frame || isBlank(frame)) return italic(status.slice(0, options.partLimit));
    return appendNotice([frame], status, options.partLimit)[0];
  }

  /** The newest rendering of the growing part; may discover complete parts (then left in `ready`). */
  function liveTextFrame(): TelegramText | undefined {
    if (text === '' && transport === 'edit') {
      if (reasoning === '') return undefined;
      const elapsed = timers.now() - startedAt;
      thinkingSecondShown = Math.floor(elapsed / 1000);
      return thinkingLine(elapsed);
    }
    if (text === '' && (!showReasoning || reasoning === '')) return undefined;
    let parts: RenderedPart[];
    try {
      parts =
        text === ''
          ? deps.render({ text: '', reasoning }, reasoningTailCursor(reasoning, options.reasoningTailChars), {
              final: false,
              reasoning: 'quote',
              limit: options.partLimit,
            })
          : renderParts(false);
    } catch (error) {
      logger.error({ ...log, err: error }, 'rendering a frame failed; frame skipped');
      return undefined;
    }
    // While only reasoning has arrived, the draft shows its latest part and nothing is committed.
    if (text === '') return parts.at(-1);
    if (parts.length > 1) {
      ready = parts.slice(0, -1);
      while (ready[0] && isBlank(ready[0])) cursor = ready.shift()!.end;
    }
    return parts.at(-1);
  }

  function buildFinalQueue(): TelegramText[] {
    let parts: TelegramText[] = [...ready];
    if (text !== '' || (showReasoning && reasoning !== '')) {
      if (ready.at(-1)) cursor = ready.at(-1)!.end;
      let rendered: TelegramText[];
      try {
        rendered = renderParts(true);
      } catch (error) {
        // The final text must not be lost to a renderer bug: send the rest as plain text.
        logger.error({ ...log, err: error }, 'rendering the final text failed; sending plain text');
        rendered = plainParts(text.slice(cursor.textOffset), options.partLimit);
      }
      parts.push(...rendered);
    }
    parts = parts.filter((part) => !isBlank(part));
    if (notice) parts = appendNotice(parts, notice, options.partLimit);
    if (parts.length === 0 && (messageIds.length === 0 || live)) parts = [italic(options.emptyAnswerText)];
    ready = [];
    return parts;
  }

  // ---- making the call ------------------------------------------------------------------------

  /**
   * Makes the call the state asks for now. Returns whether Telegram was called; when it was not, the
   * chat's budget is given back. A failure is handled before the permit is released, so a 429 holds the
   * chat before its next turn can be granted.
   */
  async function step(permit: CallPermit): Promise<boolean> {
    if (phase === 'done') return false;
    const call = nextCall();
    if (!call) return false;
    let called = true;
    try {
      called = await execute(call);
      if (called && call.kind !== 'probe' && !ended()) stats.frames += 1;
    } catch (error) {
      if (!ended()) handleFailure(call, error);
    }
    if (called) permit.release();
    return called;
  }

  async function execute(call: Call): Promise<boolean> {
    switch (call.kind) {
      case 'draft': {
        lastDraftAt = timers.now();
        await sink.sendDraft(chatId, draftId, payload(call.text), { ...threadOption(), canStop: true });
        if (phase === 'done') return true;
        draftShown = call.text;
        placeholderSent = true;
        markVisible(call.text);
        return true;
      }
      case 'live-send': {
        const { messageId } = await sendMessage(call.text, stopKeyboard);
        if (phase === 'done') return true;
        live = { messageId, shown: call.text, keyboard: stopKeyboard !== undefined };
        markVisible(call.text);
        return true;
      }
      case 'live-edit': {
        await editMessage(call.live.messageId, call.text, call.live.keyboard ? stopKeyboard : undefined);
        if (phase === 'done') return true;
        call.live.shown = call.text;
        markVisible(call.text);
        return true;
      }
      case 'commit': {
        const content = commitContent(call.item);
        if (transport === 'edit' && live) {
          const target = live;
          // The live message already shows this part and has no keyboard to remove: it is final as it is.
          const unchanged = sameTelegramText(target.shown, content) && !target.keyboard;
          if (!unchanged) await editMessage(target.messageId, content, null);
          if (phase === 'done') return !unchanged;
          live = undefined;
          committed(call.item, target.messageId);
          return !unchanged;
        }
        const { messageId } = await sendMessage(content, undefined);
        if (phase === 'done') return true;
        committed(call.item, messageId);
        return true;
      }
      case 'probe': {
        // Same text and markup: `not-modified` (or an edit that now shows exactly our text) means this id
        // is the message our ambiguous send created.
        await editMessage(call.messageId, call.probe.text, call.probe.keyboard);
        if (phase === 'done') return true;
        adoptProbed(call.probe, call.messageId);
        return true;
      }
    }
  }

  function commitContent(item: CommitItem): TelegramText {
    return plainFallback ? { text: item.text.text, entities: [] } : item.text;
  }

  async function sendMessage(content: TelegramText, keyboard: InlineKeyboard | undefined) {
    const replyTo = sentMessages === 0 && !replyDisabled ? start.replyToMessageId : undefined;
    const result = await sink.sendMessage(chatId, payload(content), {
      ...threadOption(),
      ...(replyTo === undefined ? {} : { replyToMessageId: replyTo }),
      ...(keyboard === undefined ? {} : { replyMarkup: keyboard }),
    });
    sentMessages += 1;
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

  function markVisible(content: TelegramText): void {
    if (content.text === '' || visible) return;
    visible = true;
    stats.firstVisibleAt = timers.now();
    typing.stop();
  }

  function committed(item: CommitItem, messageId: number): void {
    messageIds.push(messageId);
    stats.parts = messageIds.length;
    attempts = 0;
    plainFallback = false;
    markVisible(item.text);
    if (item.from === 'final') {
      finalQueue?.shift();
    } else {
      const part = ready.shift();
      if (part) cursor = part.end;
      // The draft now shows text that is already a message: show the next part there.
      draftShown = undefined;
      dirty = true;
    }
  }

  function adoptProbed(pending: PendingProbe, messageId: number): void {
    probe = undefined;
    attempts = 0;
    sentMessages += 1;
    memory.noteMessageId(chatId, messageId, true);
    logger.info({ ...log, messageId }, 'an ambiguous send had reached Telegram; adopted its message');
    if (pending.item) {
      committed(pending.item, messageId);
      return;
    }
    live = { messageId, shown: pending.text, keyboard: pending.keyboard !== undefined };
    markVisible(pending.text);
    dirty = true;
  }

  // ---- failures -------------------------------------------------------------------------------

  function noteRateLimit(error: TelegramCallError): void {
    stats.rateLimited += 1;
    const retryAfterMs = (error.details.retryAfterSeconds ?? 1) * 1000;
    logger.warn({ ...log, method: error.method, retryAfterMs }, 'rate limited by Telegram; holding the chat');
    gate.reportRateLimit(chatId, retryAfterMs);
  }

  function handleFailure(call: Call, error: unknown): void {
    const kind = error instanceof TelegramCallError ? error.kind : undefined;
    if (kind === 'chat-gone') {
      logger.warn({ ...log, err: error }, 'chat is gone; delivery stopped');
      end('chat-gone');
      return;
    }
    if (kind === 'rate-limited') noteRateLimit(error as TelegramCallError);
    if (kind === 'draft-refused') {
      switchToEdit();
      return;
    }
    switch (call.kind) {
      case 'draft':
        if (call.placeholder) placeholderSent = true;
        // A dropped frame is not retried, but after a hold the newest text must still go out.
        if (kind === 'rate-limited') dirty = true;
        else logger.debug({ ...log, kind, err: error }, 'draft frame dropped');
        return;
      case 'live-send':
        if (kind === 'network-ambiguous' && startProbe(call.text, stopKeyboard, undefined)) return;
        if (kind === 'message-gone') replyDisabled = true;
        if (kind === 'rate-limited' || kind === 'message-gone') dirty = true;
        else logger.debug({ ...log, kind, err: error }, 'first frame dropped');
        return;
      case 'live-edit':
        if (kind === 'message-gone') {
          logger.info(
            { ...log, messageId: call.live.messageId },
            'message deleted mid-stream; continuing in a new one',
          );
          live = undefined;
          dirty = true;
          return;
        }
        // Whether an ambiguous edit landed is unknown; the next frame sends the newest text anyway.
        if (kind === 'rate-limited' || kind === 'network-ambiguous') dirty = true;
        else logger.debug({ ...log, kind, err: error }, 'frame dropped');
        return;
      case 'commit':
        commitFailed(call, kind, error);
        return;
      case 'probe':
        probeFailed(call, kind, error);
        return;
    }
  }

  function commitFailed(call: { item: CommitItem }, kind: string | undefined, error: unknown): void {
    if (kind === 'rate-limited') return; // the gate holds the chat; the same commit goes after the hold
    const wasEdit = transport === 'edit' && live !== undefined;
    if (kind === 'message-gone' && (wasEdit || !replyDisabled)) {
      if (wasEdit) {
        logger.info(
          { ...log, messageId: live?.messageId },
          'message deleted before its final edit; sending it anew',
        );
        live = undefined;
      } else {
        replyDisabled = true; // the message to reply to is gone
      }
      return;
    }
    if (kind === 'bad-request' || kind === 'too-long' || kind === 'message-gone') {
      if (!plainFallback) {
        logger.warn({ ...log, kind, err: error }, 'Telegram refused a part; retrying it as plain text');
        plainFallback = true;
        stats.retries += 1;
        return;
      }
      logger.error({ ...log, kind, err: error }, 'Telegram refused a part even as plain text; part skipped');
      failure ??= 'rejected';
      plainFallback = false;
      if (call.item.from === 'final') finalQueue?.shift();
      else {
        const part = ready.shift();
        if (part) cursor = part.end;
      }
      live = undefined;
      return;
    }
    if (kind === 'network-ambiguous' && !wasEdit) {
      if (startProbe(commitContent(call.item), undefined, call.item)) return;
      logger.warn({ ...log }, 'ambiguous send with no known message id to check from; sending again');
    }
    retryLater(kind, error);
  }

  function probeFailed(
    call: { probe: PendingProbe; messageId: number },
    kind: string | undefined,
    error: unknown,
  ): void {
    if (kind === 'rate-limited') return;
    if (kind === 'message-gone' || kind === 'bad-request' || kind === 'too-long') {
      // Not ours (a user's message, or no message with this id): try the next id.
      call.probe.candidates.shift();
      if (call.probe.candidates.length === 0) {
        logger.info({ ...log }, 'the ambiguous send had not reached Telegram; sending again');
        probe = undefined;
        if (!call.probe.item) dirty = true;
      }
      return;
    }
    retryLater(kind, error);
  }

  /** Message ids are sequential per chat: the lost message, if it exists, is just above the highest id seen. */
  function startProbe(
    content: TelegramText,
    keyboard: InlineKeyboard | undefined,
    item: CommitItem | undefined,
  ) {
    const highest = memory.get(chatId).highestMessageId;
    if (highest === undefined || options.probeWindow <= 0) return false;
    const candidates = Array.from({ length: options.probeWindow }, (_, index) => highest + 1 + index);
    probe = { text: content, keyboard, item, candidates };
    logger.warn({ ...log, candidates }, 'send outcome unknown; checking whether it reached Telegram');
    return true;
  }

  function retryLater(kind: string | undefined, error: unknown): void {
    attempts += 1;
    stats.retries += 1;
    if (attempts >= options.finalRetry.maxAttempts) {
      logger.error({ ...log, kind, attempts, err: error }, 'final delivery kept failing; giving up');
      end('retries-exhausted');
      return;
    }
    const { baseMs, maxMs } = options.finalRetry;
    const delay = Math.min(maxMs, baseMs * 2 ** (attempts - 1));
    notBefore = timers.now() + delay;
    logger.warn({ ...log, kind, attempts, delay }, 'final delivery failed; retrying');
  }

  function switchToEdit(): void {
    logger.info({ ...log }, 'drafts refused in this chat; using send + edit');
    memory.get(chatId).draftRefused = true;
    transport = 'edit';
    draftShown = undefined;
    dirty = true;
    if (phase === 'streaming' && !visible && text === '') typing.start();
  }

  // ---- the public face ------------------------------------------------------------------------

  if (transport === 'edit') typing.start();
  else wake(); // the empty draft: "Thinking…" and the stop button at once

  return {
    draftId,
    signal: controller.signal,
    stats,
    settled,
    get transport() {
      return transport;
    },
    get finishing() {
      return phase !== 'streaming';
    },

    appendText(delta) {
      if (phase !== 'streaming' || delta === '') return;
      if (text === '') typing.stop();
      text += delta;
      dirty = true;
      wake();
    },

    appendReasoning(delta) {
      if (phase !== 'streaming' || delta === '') return;
      reasoning += delta;
      if (text !== '' || transport === 'draft') {
        if (!showReasoning) return;
      } else if (Math.floor((timers.now() - startedAt) / 1000) === thinkingSecondShown) {
        return; // the thinking line would not change
      }
      dirty = true;
      wake();
    },

    setStatus(line) {
      if (phase !== 'streaming' || line === status) return;
      status = line;
      dirty = true;
      wake();
    },

    finish(finishOptions: FinishOptions) {
      if (phase === 'streaming') {
        phase = 'finishing';
        if (finishOptions.notice !== undefined) notice = finishOptions.notice;
        if (finishOptions.record !== undefined) record = finishOptions.record;
        typing.stop();
        keepAliveDue = false;
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

function plainParts(text: string, limit: number): TelegramText[] {
  const parts: TelegramText[] = [];
  for (let offset = 0; offset < text.length; offset += limit) {
    parts.push({ text: text.slice(offset, offset + limit), entities: [] });
  }
  return parts;
}
