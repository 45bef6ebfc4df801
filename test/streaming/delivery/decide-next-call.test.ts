import { describe, expect, it } from 'vitest';
import { type AnswerState, initialAnswerState } from '../../../src/streaming/delivery/answer-state.js';
import { decideFrameCall, decideTurn, decideWake } from '../../../src/streaming/delivery/decide-next-call.js';
import type { TelegramText } from '../../../src/streaming/telegram-text.js';

const plain = (text: string): TelegramText => ({ text, entities: [] });
const part = (text: string, textOffset = text.length) => ({
  ...plain(text),
  end: { reasoningOffset: 0, textOffset, prefix: '' },
});

/** A draft-mode answer that has just started, with `patch` applied. */
function state(patch: Partial<AnswerState> = {}): AnswerState {
  return { ...initialAnswerState({ transport: 'draft', showReasoning: true, startedAt: 0 }), ...patch };
}
const edit = (patch: Partial<AnswerState> = {}) => state({ transport: 'edit', ...patch });
const live = { messageId: 10, shown: plain('Hello'), keyboard: true };
const probe = { text: plain('Hi'), keyboard: undefined, item: undefined, candidates: [5, 6] };

describe('decideWake', () => {
  it.each([
    {
      name: 'a new draft answer asks for its placeholder',
      s: state(),
      want: { kind: 'ask', priority: 'placeholder' },
    },
    { name: 'a new edit answer waits for text', s: edit(), want: { kind: 'idle' } },
    {
      name: 'text that shows nothing yet asks first',
      s: edit({ text: 'a', dirty: true }),
      want: { kind: 'ask', priority: 'first' },
    },
    {
      name: 'reasoning counts as content in edit mode (the thinking line)',
      s: edit({ reasoning: 'hmm', dirty: true }),
      want: { kind: 'ask', priority: 'first' },
    },
    {
      name: 'hidden reasoning in a draft is no content: still the placeholder',
      s: state({ reasoning: 'hmm', showReasoning: false, placeholderSent: true, dirty: true }),
      want: { kind: 'ask', priority: 'placeholder' },
    },
    {
      name: 'a visible answer updates',
      s: edit({ text: 'ab', visible: true, dirty: true }),
      want: { kind: 'ask', priority: 'update' },
    },
    { name: 'nothing changed: idle', s: edit({ text: 'ab', visible: true }), want: { kind: 'idle' } },
    {
      name: 'a keep-alive is due',
      s: state({ placeholderSent: true, keepAliveDue: true }),
      want: { kind: 'ask', priority: 'placeholder' },
    },
    {
      name: 'complete parts of a visible answer go as final',
      s: edit({ visible: true, ready: [part('a')] }),
      want: { kind: 'ask', priority: 'final' },
    },
    {
      name: 'finishing with nothing shown yet: reveal',
      s: edit({ phase: 'finishing', text: 'a' }),
      want: { kind: 'ask', priority: 'reveal' },
    },
    {
      name: 'finishing, visible: final',
      s: edit({ phase: 'finishing', visible: true }),
      want: { kind: 'ask', priority: 'final' },
    },
    {
      name: 'every final part is out: end',
      s: edit({ phase: 'finishing', finalQueue: [] }),
      want: { kind: 'end' },
    },
    {
      name: 'a probe still runs: not the end yet',
      s: edit({ phase: 'finishing', finalQueue: [], probe, visible: true }),
      want: { kind: 'ask', priority: 'final' },
    },
    {
      name: 'a backoff runs: sleep until it ends',
      s: edit({ phase: 'finishing', notBefore: 1500 }),
      want: { kind: 'sleep', until: 1500 },
    },
    {
      name: 'the backoff is over',
      s: edit({ phase: 'finishing', notBefore: 1000 }),
      want: { kind: 'ask', priority: 'reveal' },
    },
    { name: 'done: idle', s: edit({ phase: 'done', dirty: true }), want: { kind: 'idle' } },
  ])('$name', ({ s, want }) => {
    expect(decideWake(s, 1000)).toEqual(want);
  });
});

describe('decideTurn', () => {
  it.each([
    {
      name: 'a probe checks its first candidate',
      s: edit({ probe }),
      own: [],
      want: { kind: 'call', call: { kind: 'probe', probe, messageId: 5 } },
    },
    {
      name: 'our own messages are never candidates',
      s: edit({ probe }),
      own: [5],
      want: { kind: 'call', call: { kind: 'probe', probe, messageId: 6 } },
    },
    {
      name: 'only our own messages left: drop the probe',
      s: edit({ probe }),
      own: [5, 6],
      want: { kind: 'drop-probe' },
    },
    {
      name: 'finishing: render the final parts first',
      s: edit({ phase: 'finishing' }),
      own: [],
      want: { kind: 'build-final' },
    },
    {
      name: 'finishing: the first final part',
      s: edit({ phase: 'finishing', finalQueue: [plain('a'), plain('b')] }),
      own: [],
      want: { kind: 'call', call: { kind: 'commit', item: { text: plain('a'), from: 'final' } } },
    },
    {
      name: 'finishing, all sent: end',
      s: edit({ phase: 'finishing', finalQueue: [] }),
      own: [],
      want: { kind: 'end' },
    },
    {
      name: 'a blank complete part is skipped',
      s: edit({ ready: [part(' \n')] }),
      own: [],
      want: { kind: 'skip-blank' },
    },
    {
      name: 'a complete part is committed before any frame',
      s: edit({ ready: [part('a')], dirty: true }),
      own: [],
      want: { kind: 'call', call: { kind: 'commit', item: { text: part('a'), from: 'ready' } } },
    },
    { name: 'otherwise the live frame', s: edit({ dirty: true }), own: [], want: { kind: 'render-frame' } },
  ])('$name', ({ s, own, want }) => {
    expect(decideTurn(s, own)).toEqual(want);
  });
});

describe('decideFrameCall', () => {
  const empty = plain('');
  it.each([
    {
      name: 'rendering found a complete part: commit it',
      s: state({ ready: [part('a')] }),
      frame: plain('b'),
      keepAlive: false,
      want: { kind: 'commit', item: { text: part('a'), from: 'ready' } },
    },
    {
      name: 'draft: nothing to show yet, the placeholder',
      s: state(),
      frame: undefined,
      keepAlive: false,
      want: { kind: 'draft', text: empty, placeholder: true },
    },
    {
      name: 'draft: the placeholder went already',
      s: state({ placeholderSent: true }),
      frame: undefined,
      keepAlive: false,
      want: undefined,
    },
    {
      name: 'draft: a keep-alive re-sends the placeholder',
      s: state({ placeholderSent: true }),
      frame: plain(' '),
      keepAlive: true,
      want: { kind: 'draft', text: empty, placeholder: true },
    },
    {
      name: 'draft: new text',
      s: state({ draftShown: plain('a') }),
      frame: plain('ab'),
      keepAlive: false,
      want: { kind: 'draft', text: plain('ab'), placeholder: false },
    },
    {
      name: 'draft: unchanged text is not sent',
      s: state({ draftShown: plain('a') }),
      frame: plain('a'),
      keepAlive: false,
      want: undefined,
    },
    {
      name: 'draft: unchanged but the draft would vanish',
      s: state({ draftShown: plain('a') }),
      frame: plain('a'),
      keepAlive: true,
      want: { kind: 'draft', text: plain('a'), placeholder: false },
    },
    { name: 'edit: nothing to show', s: edit(), frame: undefined, keepAlive: false, want: undefined },
    { name: 'edit: never empty text', s: edit(), frame: plain('  '), keepAlive: false, want: undefined },
    {
      name: 'edit: the first frame is a send',
      s: edit(),
      frame: plain('Hi'),
      keepAlive: false,
      want: { kind: 'live-send', text: plain('Hi') },
    },
    {
      name: 'edit: then edits',
      s: edit({ live }),
      frame: plain('Hello!'),
      keepAlive: false,
      want: { kind: 'live-edit', text: plain('Hello!'), live },
    },
    {
      name: 'edit: an unchanged frame is not sent',
      s: edit({ live }),
      frame: plain('Hello'),
      keepAlive: false,
      want: undefined,
    },
  ])('$name', ({ s, frame, keepAlive, want }) => {
    expect(decideFrameCall(s, frame, keepAlive)).toEqual(want);
  });
});
