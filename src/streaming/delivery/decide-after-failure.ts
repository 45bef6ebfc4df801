import type { InlineKeyboard, TelegramFailureKind } from '../telegram-sink.js';
import type { TelegramText } from '../telegram-text.js';
import type { AnswerState, Call, CommitItem, PendingProbe } from './answer-state.js';
import type { DeliveryOptions } from './options.js';
import type { DeliveryFailure } from './types.js';

/**
 * What a failed call changes, as a pure function: the state patch and the effects the shell runs.
 * `kind` is undefined for an error that is not a Telegram call error (a bug): treated like a 5xx.
 */
export type FailureEffect =
  | { kind: 'end'; reason: DeliveryFailure }
  /** A 429: hold the chat in the gate for Telegram's `retry_after`. */
  | { kind: 'hold-chat' }
  /** Remember that the chat refuses drafts; show "typing…" if `startTyping`. */
  | { kind: 'drafts-refused'; startTyping: boolean }
  | { kind: 'count-retry' }
  | {
      kind: 'log';
      level: 'debug' | 'info' | 'warn' | 'error';
      message: string;
      details: object;
      /** Log the error itself too. */
      withError: boolean;
    };

export interface FailureOutcome {
  patch: Partial<AnswerState>;
  effects: FailureEffect[];
}

export interface FailureContext {
  now: number;
  /** The highest message id known in the chat: an ambiguous send is looked for just above it. */
  highestMessageId: number | undefined;
  stopKeyboard: InlineKeyboard | undefined;
  options: Pick<DeliveryOptions, 'probeWindow' | 'finalRetry'>;
}

type Kind = TelegramFailureKind | undefined;

const log = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  details: object = {},
  withError = false,
): FailureEffect => ({ kind: 'log', level, message, details, withError });

export function decideAfterFailure(
  state: AnswerState,
  call: Call,
  kind: Kind,
  ctx: FailureContext,
): FailureOutcome {
  if (kind === 'chat-gone') {
    return {
      patch: {},
      effects: [log('warn', 'chat is gone; delivery stopped', {}, true), end('chat-gone')],
    };
  }
  const hold: FailureEffect[] = kind === 'rate-limited' ? [{ kind: 'hold-chat' }] : [];
  if (kind === 'draft-refused') {
    return {
      patch: { transport: 'edit', draftShown: undefined, dirty: true },
      effects: [
        ...hold,
        log('info', 'drafts refused in this chat; using send + edit'),
        {
          kind: 'drafts-refused',
          startTyping: state.phase === 'streaming' && !state.visible && state.text === '',
        },
      ],
    };
  }
  const outcome = afterCallFailure(state, call, kind, ctx);
  return { patch: outcome.patch, effects: [...hold, ...outcome.effects] };
}

function end(reason: DeliveryFailure): FailureEffect {
  return { kind: 'end', reason };
}

function afterCallFailure(state: AnswerState, call: Call, kind: Kind, ctx: FailureContext): FailureOutcome {
  switch (call.kind) {
    case 'draft': {
      const patch: Partial<AnswerState> = call.placeholder ? { placeholderSent: true } : {};
      // A dropped frame is not retried, but after a hold the newest text must still go out.
      if (kind === 'rate-limited') return { patch: { ...patch, dirty: true }, effects: [] };
      return { patch, effects: [log('debug', 'draft frame dropped', { kind }, true)] };
    }
    case 'live-send': {
      if (kind === 'network-ambiguous') {
        const probe = startProbe(call.text, ctx.stopKeyboard, undefined, ctx);
        if (probe) return probe;
      }
      if (kind === 'message-gone') return { patch: { replyDisabled: true, dirty: true }, effects: [] };
      if (kind === 'rate-limited') return { patch: { dirty: true }, effects: [] };
      return { patch: {}, effects: [log('debug', 'first frame dropped', { kind }, true)] };
    }
    case 'live-edit': {
      if (kind === 'message-gone') {
        return {
          patch: { live: undefined, dirty: true },
          effects: [
            log('info', 'message deleted mid-stream; continuing in a new one', {
              messageId: call.live.messageId,
            }),
          ],
        };
      }
      // Whether an ambiguous edit landed is unknown; the next frame sends the newest text anyway.
      if (kind === 'rate-limited' || kind === 'network-ambiguous')
        return { patch: { dirty: true }, effects: [] };
      return { patch: {}, effects: [log('debug', 'frame dropped', { kind }, true)] };
    }
    case 'commit':
      return afterCommitFailure(state, call.item, kind, ctx);
    case 'probe':
      return afterProbeFailure(state, call.probe, call.messageId, kind, ctx);
  }
}

function afterCommitFailure(
  state: AnswerState,
  item: CommitItem,
  kind: Kind,
  ctx: FailureContext,
): FailureOutcome {
  // The gate holds the chat; the same commit goes after the hold.
  if (kind === 'rate-limited') return { patch: {}, effects: [] };
  const wasEdit = state.transport === 'edit' && state.live !== undefined;
  if (kind === 'message-gone' && wasEdit) {
    return {
      patch: { live: undefined },
      effects: [
        log('info', 'message deleted before its final edit; sending it anew', {
          messageId: state.live?.messageId,
        }),
      ],
    };
  }
  // The message to reply to is gone: send without the reply.
  if (kind === 'message-gone' && !state.replyDisabled) return { patch: { replyDisabled: true }, effects: [] };
  if (kind === 'bad-request' || kind === 'too-long' || kind === 'message-gone') {
    if (!state.plainFallback) {
      return {
        patch: { plainFallback: true },
        effects: [
          log('warn', 'Telegram refused a part; retrying it as plain text', { kind }, true),
          { kind: 'count-retry' },
        ],
      };
    }
    return {
      patch: {
        failure: state.failure ?? 'rejected',
        plainFallback: false,
        live: undefined,
        ...skipCommit(state, item),
      },
      effects: [log('error', 'Telegram refused a part even as plain text; part skipped', { kind }, true)],
    };
  }
  if (kind === 'network-ambiguous' && !wasEdit) {
    const content = state.plainFallback ? { text: item.text.text, entities: [] } : item.text;
    const probe = startProbe(content, undefined, item, ctx);
    if (probe) return probe;
    return withEffects(
      retryLater(state, kind, ctx),
      log('warn', 'ambiguous send with no known message id to check from; sending again'),
    );
  }
  return retryLater(state, kind, ctx);
}

/** The commit is given up: the final queue or the ready parts move past it. */
function skipCommit(state: AnswerState, item: CommitItem): Partial<AnswerState> {
  if (item.from === 'final') return state.finalQueue ? { finalQueue: state.finalQueue.slice(1) } : {};
  const part = state.ready[0];
  return part ? { ready: state.ready.slice(1), cursor: part.end } : {};
}

function afterProbeFailure(
  state: AnswerState,
  probe: PendingProbe,
  messageId: number,
  kind: Kind,
  ctx: FailureContext,
): FailureOutcome {
  if (kind === 'rate-limited') return { patch: {}, effects: [] };
  if (kind === 'message-gone' || kind === 'bad-request' || kind === 'too-long') {
    // Not ours (a user's message, or no message with this id): try the next id.
    const candidates = probe.candidates.slice(probe.candidates.indexOf(messageId) + 1);
    if (candidates.length > 0) return { patch: { probe: { ...probe, candidates } }, effects: [] };
    return {
      patch: { probe: undefined, ...(probe.item ? {} : { dirty: true }) },
      effects: [log('info', 'the ambiguous send had not reached Telegram; sending again')],
    };
  }
  return retryLater(state, kind, ctx);
}

/** Message ids are sequential per chat: the lost message, if it exists, is just above the highest id seen. */
function startProbe(
  text: TelegramText,
  keyboard: InlineKeyboard | undefined,
  item: CommitItem | undefined,
  ctx: FailureContext,
): FailureOutcome | undefined {
  const highest = ctx.highestMessageId;
  if (highest === undefined || ctx.options.probeWindow <= 0) return undefined;
  const candidates = Array.from({ length: ctx.options.probeWindow }, (_, index) => highest + 1 + index);
  return {
    patch: { probe: { text, keyboard, item, candidates } },
    effects: [log('warn', 'send outcome unknown; checking whether it reached Telegram', { candidates })],
  };
}

/** Exponential backoff for commits and probes after 5xx and network failures, up to `maxAttempts`. */
function retryLater(state: AnswerState, kind: Kind, ctx: FailureContext): FailureOutcome {
  const attempts = state.attempts + 1;
  const { baseMs, maxMs, maxAttempts } = ctx.options.finalRetry;
  if (attempts >= maxAttempts) {
    return {
      patch: { attempts },
      effects: [
        { kind: 'count-retry' },
        log('error', 'final delivery kept failing; giving up', { kind, attempts }, true),
        end('retries-exhausted'),
      ],
    };
  }
  const delay = Math.min(maxMs, baseMs * 2 ** (attempts - 1));
  return {
    patch: { attempts, notBefore: ctx.now + delay },
    effects: [
      { kind: 'count-retry' },
      log('warn', 'final delivery failed; retrying', { kind, attempts, delay }),
    ],
  };
}

function withEffects(outcome: FailureOutcome, ...effects: FailureEffect[]): FailureOutcome {
  return { patch: outcome.patch, effects: [...effects, ...outcome.effects] };
}
