import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  chatStatus,
  createChatState,
  orderedMessages,
} from '../../src/playground/web/chat-state.js';

const snapshot = {
  bot: { id: 1, username: 'bot', name: 'Streamgram' },
  user: { id: 100, name: 'You' },
  chats: [
    { id: 100, kind: 'private', title: 'You', messages: [], drafts: [] },
    { id: -5, kind: 'group', title: 'Group', messages: [], drafts: [] },
  ],
  commands: {},
  limits: { preset: 'telegram', values: {} },
  models: [],
  faults: { pendingProvider: [], providerFaults: true },
  calls: [],
  answers: [],
  logs: [],
  now: 0,
};
const STOP = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop:1' }]] };
const timeline = (event: Record<string, unknown>) => ({
  type: 'timeline',
  event: { seq: 1, entities: [], ...event },
});

describe('the page’s chat state', () => {
  it('follows messages, edits (which drop the keyboard unless repeated) and deletions', () => {
    const state = createChatState(snapshot);
    expect(
      applyEvent(
        state,
        timeline({
          type: 'message',
          chatId: -5,
          at: 10,
          messageId: 2,
          from: 'bot',
          text: 'Hi',
          replyMarkup: STOP,
        }),
      ),
    ).toEqual({ what: 'messages', chatId: -5 });
    applyEvent(
      state,
      timeline({ type: 'message', chatId: -5, at: 5, messageId: 1, from: 'user', text: '@bot hi' }),
    );
    const group = state.chats.get(-5);
    expect(orderedMessages(group).map((m: { text: string }) => m.text)).toEqual(['@bot hi', 'Hi']);
    expect(group.messages.get(2)).toMatchObject({ senderName: 'Streamgram', replyMarkup: STOP });

    applyEvent(
      state,
      timeline({
        type: 'edit',
        chatId: -5,
        at: 20,
        messageId: 2,
        from: 'bot',
        text: 'Hi there',
        change: 'text',
        editCount: 1,
        replyMarkup: STOP,
      }),
    );
    expect(group.messages.get(2)).toMatchObject({ text: 'Hi there', editCount: 1, replyMarkup: STOP });
    applyEvent(
      state,
      timeline({
        type: 'edit',
        chatId: -5,
        at: 30,
        messageId: 2,
        from: 'bot',
        text: 'Hi there!',
        change: 'text',
        editCount: 2,
      }),
    );
    expect(group.messages.get(2).replyMarkup).toBeUndefined();

    applyEvent(state, timeline({ type: 'deleted', chatId: -5, at: 40, messageId: 1, by: 'user' }));
    expect([...group.messages.keys()]).toEqual([2]);
    expect(
      applyEvent(
        state,
        timeline({ type: 'message', chatId: 999, at: 0, messageId: 1, from: 'bot', text: 'x' }),
      ).what,
    ).toBe('nothing');
  });

  it('shows a draft until it is cleared, and typing until the bot sends', () => {
    const state = createChatState(snapshot);
    const chat = state.chats.get(100);
    applyEvent(state, timeline({ type: 'chat-action', chatId: 100, at: 1000, action: 'typing' }));
    expect(chatStatus(chat, 2000)).toEqual({ text: 'typing…', active: true });
    expect(chatStatus(chat, 7000)).toEqual({ text: 'bot', active: false });
    applyEvent(
      state,
      timeline({ type: 'draft', chatId: 100, at: 1100, draftId: 7, text: 'Hel', canStop: true, frame: 1 }),
    );
    expect(chat.drafts.get(0)).toMatchObject({ draftId: 7, text: 'Hel', canStop: true, stopped: false });
    applyEvent(state, timeline({ type: 'stop-pressed', chatId: 100, at: 1200, draftId: 7 }));
    expect(chat.drafts.get(0).stopped).toBe(true);
    // A clear for another draft id leaves this one alone.
    applyEvent(
      state,
      timeline({ type: 'draft-cleared', chatId: 100, at: 1300, draftId: 6, reason: 'expired' }),
    );
    expect(chat.drafts.size).toBe(1);
    applyEvent(
      state,
      timeline({ type: 'draft-cleared', chatId: 100, at: 1300, draftId: 7, reason: 'message-sent' }),
    );
    expect(chat.drafts.size).toBe(0);
    applyEvent(
      state,
      timeline({ type: 'message', chatId: 100, at: 1400, messageId: 3, from: 'bot', text: 'Hello' }),
    );
    expect(chatStatus(chat, 1500).active).toBe(false);
  });

  it('turns callback answers with text into toasts and keeps calls, answers and logs', () => {
    const state = createChatState(snapshot);
    expect(
      applyEvent(
        state,
        timeline({
          type: 'callback-answer',
          chatId: 100,
          at: 0,
          callbackQueryId: 'x',
          text: 'Model: demo:fast',
          showAlert: false,
        }),
      ),
    ).toEqual({
      what: 'toast',
      chatId: 100,
      toast: { text: 'Model: demo:fast', alert: false },
    });
    expect(
      applyEvent(
        state,
        timeline({ type: 'callback-answer', chatId: 100, at: 0, callbackQueryId: 'y', showAlert: false }),
      ).what,
    ).toBe('nothing');
    applyEvent(state, {
      type: 'call',
      call: { seq: 1, at: 0, method: 'sendMessage', chatId: 100, status: 429, ok: false, durationMs: 1 },
    });
    applyEvent(state, { type: 'answer', answer: { id: 1, chatId: 100, state: 'streaming' } });
    applyEvent(state, { type: 'answer', answer: { id: 1, chatId: 100, state: 'complete' } });
    applyEvent(state, { type: 'limits', preset: 'none', values: { global: null } });
    applyEvent(state, {
      type: 'commands',
      commands: { '100': [{ command: 'model', description: 'Choose' }] },
    });
    expect(state.calls).toHaveLength(1);
    expect(state.answers.get(1).state).toBe('complete');
    expect(state.limits.preset).toBe('none');
    expect(state.commands['100']).toHaveLength(1);
  });
});
