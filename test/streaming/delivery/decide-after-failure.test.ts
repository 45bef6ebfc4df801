import { describe, expect, it } from 'vitest';
import {
  type AnswerState,
  type Call,
  initialAnswerState,
} from '../../../src/streaming/delivery/answer-state.js';
import {
  decideAfterFailure,
  type FailureContext,
} from '../../../src/streaming/delivery/decide-after-failure.js';
import type { TelegramFailureKind } from '../../../src/streaming/telegram-sink.js';
import type { TelegramText } from '../../../src/streaming/telegram-text.js';

const plain = (text: string): TelegramText => ({ text, entities: [] });
const part = (text: string) => ({ ...plain(text), end: { reasoningOffset: 0, textOffset: 9, prefix: '' } });
const live = { messageId: 10, shown: plain('Hello'), keyboard: true };

function state(patch: Partial<AnswerState> = {}): AnswerState {
  return { ...initialAnswerState({ transport: 'edit', showReasoning: true, startedAt: 0 }), ...patch };
}

const context: FailureContext = {
  now: 1000,
  highestMessageId: 41,
  stopKeyboard: undefined,
  options: { probeWindow: 2, finalRetry: { baseMs: 500, maxMs: 30_000, maxAttempts: 3 } },
};

const draft: Call = { kind: 'draft', text: plain('a'), placeholder: false };
const placeholder: Call = { kind: 'draft', text: plain(''), placeholder: true };
const liveSend: Call = { kind: 'live-send', text: plain('Hi') };
const liveEdit: Call = { kind: 'live-edit', text: plain('Hi!'), live };
const commitFinal: Call = { kind: 'commit', item: { text: plain('end'), from: 'final' } };
const commitReady: Call = { kind: 'commit', item: { text: part('first'), from: 'ready' } };
const probe = { text: plain('end'), keyboard: undefined, item: commitFinal.item, candidates: [42, 43] };
const probeCall: Call = { kind: 'probe', probe, messageId: 42 };

/** Effects without the log lines' wording: what the shell does. */
const actions = (effects: { kind: string }[]) => effects.filter((effect) => effect.kind !== 'log');

describe('decideAfterFailure', () => {
  it.each([
    {
      name: 'chat gone: the answer ends',
      s: state(),
      call: liveEdit,
      kind: 'chat-gone',
      patch: {},
      acts: [{ kind: 'end', reason: 'chat-gone' }],
    },
    {
      name: 'a 429 on a frame: hold, and the newest frame goes after it',
      s: state(),
      call: liveEdit,
      kind: 'rate-limited',
      patch: { dirty: true },
      acts: [{ kind: 'hold-chat' }],
    },
    {
      name: 'a 429 on a draft too',
      s: state({ transport: 'draft' }),
      call: draft,
      kind: 'rate-limited',
      patch: { dirty: true },
      acts: [{ kind: 'hold-chat' }],
    },
    {
      name: 'a failed placeholder is not retried',
      s: state({ transport: 'draft' }),
      call: placeholder,
      kind: 'server',
      patch: { placeholderSent: true },
      acts: [],
    },
    {
      name: 'drafts refused: switch to send + edit, typing while nothing shows',
      s: state({ transport: 'draft', draftShown: plain('x') }),
      call: placeholder,
      kind: 'draft-refused',
      patch: { transport: 'edit', draftShown: undefined, dirty: true },
      acts: [{ kind: 'drafts-refused', startTyping: true }],
    },
    {
      name: 'the message to reply to is gone: send the first frame without the reply',
      s: state(),
      call: liveSend,
      kind: 'message-gone',
      patch: { replyDisabled: true, dirty: true },
      acts: [],
    },
    {
      name: 'an ambiguous first send: check the ids above the highest',
      s: state(),
      call: liveSend,
      kind: 'network-ambiguous',
      patch: { probe: { text: plain('Hi'), keyboard: undefined, item: undefined, candidates: [42, 43] } },
      acts: [],
    },
    {
      name: 'a first frame that failed otherwise is dropped',
      s: state(),
      call: liveSend,
      kind: 'server',
      patch: {},
      acts: [],
    },
    {
      name: 'the live message was deleted: continue in a new one',
      s: state({ live }),
      call: liveEdit,
      kind: 'message-gone',
      patch: { live: undefined, dirty: true },
      acts: [],
    },
    {
      name: 'an ambiguous edit: send the newest frame anyway',
      s: state({ live }),
      call: liveEdit,
      kind: 'network-ambiguous',
      patch: { dirty: true },
      acts: [],
    },
    {
      name: 'a 429 on a commit: the same commit goes after the hold',
      s: state({ live }),
      call: commitFinal,
      kind: 'rate-limited',
      patch: {},
      acts: [{ kind: 'hold-chat' }],
    },
    {
      name: 'the live message vanished before its final edit: send it anew',
      s: state({ live }),
      call: commitFinal,
      kind: 'message-gone',
      patch: { live: undefined },
      acts: [],
    },
    {
      name: 'refused markup: retry as plain text',
      s: state(),
      call: commitFinal,
      kind: 'bad-request',
      patch: { plainFallback: true },
      acts: [{ kind: 'count-retry' }],
    },
    {
      name: 'refused even as plain text: skip the final part',
      s: state({ plainFallback: true, finalQueue: [plain('end'), plain('more')], replyDisabled: true }),
      call: commitFinal,
      kind: 'message-gone',
      patch: { failure: 'rejected', plainFallback: false, live: undefined, finalQueue: [plain('more')] },
      acts: [],
    },
    {
      name: 'refused even as plain text: skip the ready part',
      s: state({ plainFallback: true, ready: [part('first')] }),
      call: commitReady,
      kind: 'too-long',
      patch: {
        failure: 'rejected',
        plainFallback: false,
        live: undefined,
        ready: [],
        cursor: part('first').end,
      },
      acts: [],
    },
    {
      name: 'a 5xx on a commit: back off',
      s: state({ attempts: 1 }),
      call: commitFinal,
      kind: 'server',
      patch: { attempts: 2, notBefore: 2000 },
      acts: [{ kind: 'count-retry' }],
    },
    {
      name: 'the last attempt: give up',
      s: state({ attempts: 2 }),
      call: commitFinal,
      kind: 'network-unsent',
      patch: { attempts: 3 },
      acts: [{ kind: 'count-retry' }, { kind: 'end', reason: 'retries-exhausted' }],
    },
    {
      name: 'an ambiguous final send: look for it',
      s: state({ plainFallback: true }),
      call: commitFinal,
      kind: 'network-ambiguous',
      patch: { probe: { ...probe, text: plain('end') } },
      acts: [],
    },
    {
      name: 'an ambiguous send with no id to look from: send again after a backoff',
      s: state(),
      call: commitFinal,
      kind: 'network-ambiguous',
      ctx: { highestMessageId: undefined },
      patch: { attempts: 1, notBefore: 1500 },
      acts: [{ kind: 'count-retry' }],
    },
    {
      name: 'a probed id is not ours: the next one',
      s: state({ probe }),
      call: probeCall,
      kind: 'message-gone',
      patch: { probe: { ...probe, candidates: [43] } },
      acts: [],
    },
    {
      name: 'no candidate was ours: the commit is sent again',
      s: state({ probe: { ...probe, candidates: [43] } }),
      call: { kind: 'probe', probe: { ...probe, candidates: [43] }, messageId: 43 } as Call,
      kind: 'bad-request',
      patch: { probe: undefined },
      acts: [],
    },
    {
      name: 'a lost first frame is sent again, as the newest frame',
      s: state({ probe: { ...probe, item: undefined, candidates: [43] } }),
      call: { kind: 'probe', probe: { ...probe, item: undefined, candidates: [43] }, messageId: 43 } as Call,
      kind: 'message-gone',
      patch: { probe: undefined, dirty: true },
      acts: [],
    },
    {
      name: 'a probe that hit a 5xx backs off',
      s: state({ probe }),
      call: probeCall,
      kind: 'server',
      patch: { attempts: 1, notBefore: 1500 },
      acts: [{ kind: 'count-retry' }],
    },
    {
      name: 'not a Telegram error (a bug): backs off like a 5xx',
      s: state(),
      call: commitFinal,
      kind: undefined,
      patch: { attempts: 1, notBefore: 1500 },
      acts: [{ kind: 'count-retry' }],
    },
  ] as {
    name: string;
    s: AnswerState;
    call: Call;
    kind: TelegramFailureKind | undefined;
    ctx?: Partial<FailureContext>;
    patch: Partial<AnswerState>;
    acts: object[];
  }[])('$name', ({ s, call, kind, ctx, patch, acts }) => {
    const outcome = decideAfterFailure(s, call, kind, { ...context, ...ctx });
    expect(outcome.patch).toEqual(patch);
    expect(actions(outcome.effects)).toEqual(acts);
  });

  it('never changes the state it is given', () => {
    const s = state({ plainFallback: true, finalQueue: [plain('end')], probe });
    const before = structuredClone(s);
    decideAfterFailure(s, commitFinal, 'bad-request', context);
    decideAfterFailure(s, probeCall, 'message-gone', context);
    expect(s).toEqual(before);
  });
});
