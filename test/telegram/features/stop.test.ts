import { describe, expect, it } from 'vitest';
import { hasKeyboard } from '../../support/visible.js';
import {
  answers,
  pressAndWaitAnswer,
  type TestWorld,
  TIMEOUT_MS,
  useTestWorld,
  waitForAnswers,
} from './support.js';

const start = useTestWorld();

const TEXT = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu.';

/** Waits for the live message of edit mode: some text shown, the Stop button under it. */
function waitForLiveMessage(w: TestWorld, chat: number) {
  return w.telegram.waitFor(
    () => {
      const message = w.telegram.lastBotMessage(chat);
      return message?.text?.startsWith('Alpha') && hasKeyboard(message) ? message : undefined;
    },
    { timeoutMs: TIMEOUT_MS, message: 'the live message with its Stop button' },
  );
}

function usageRows(w: TestWorld) {
  return w.query<{ message_id: number; input_tokens: number | null }>(
    'SELECT message_id, input_tokens FROM usage',
  );
}

describe('stopping an answer', () => {
  it('/stop aborts the provider request at once, even with a question waiting behind it; the shown text stays, marked stopped', async () => {
    const world = await start();
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    // The model sends a little and then goes silent: only a stop can end this answer.
    openai.enqueue({ text: TEXT, stallAt: 20, tokenChars: 4 }, { text: 'Second answer.' });
    telegram.userSends({ chat: user.id, text: 'Tell me the Greek alphabet' });
    const live = await waitForLiveMessage(world, user.id);
    telegram.userSends({ chat: user.id, text: 'And then something else' });
    telegram.userSends({ chat: user.id, text: '/stop' });

    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const stored = await waitForAnswers(world, 2);
    expect(stored.map((answer) => answer.status)).toEqual(['cancelled', 'complete']);
    const stopped = telegram.message(user.id, live.messageId);
    expect(stopped?.text).toMatch(/^Alpha beta gamma .*\n\n⏹ Stopped\.$/s);
    expect(hasKeyboard(stopped ?? {})).toBe(false);
    expect(stored[0]?.content).toBe(TEXT.slice(0, (stored[0]?.content ?? '').length));
    // The request is on record though the provider reported no usage for it.
    expect(usageRows(world)[0]).toEqual({ message_id: stored[0]?.id, input_tokens: null });
    // The waiting question was answered next, with the stopped answer as history.
    expect(openai.requests[1]?.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'Tell me the Greek alphabet' },
      { role: 'assistant', content: stored[0]?.content },
      { role: 'user', content: 'And then something else' },
    ]);
  });

  it('the inline Stop button does the same; a button for another chat’s answer stops nothing', async () => {
    const world = await start();
    const { telegram, openai } = world;
    const ada = telegram.createUser({ firstName: 'Ada' });
    const bob = telegram.createUser({ firstName: 'Bob' });
    openai.enqueue({ text: TEXT, stallAt: 20 });
    telegram.userSends({ chat: ada.id, text: 'Greek letters please' });
    const live = await waitForLiveMessage(world, ada.id);
    const data = (live.replyMarkup as { inline_keyboard: { callback_data: string }[][] })
      .inline_keyboard[0]?.[0]?.callback_data;
    expect(data).toBe(`stop:${answers(world)[0]?.id}`);

    // Bob's client sends Ada's answer id from a message in his own chat.
    const bookmark = telegram.lastSeq();
    telegram.injectRawUpdate({
      callback_query: {
        id: 'forged-stop',
        from: { id: bob.id, is_bot: false, first_name: 'Bob' },
        chat_instance: '2',
        message: { message_id: 1, date: 0, chat: { id: bob.id, type: 'private' } },
        data,
      },
    });
    const refusal = await telegram.waitFor(
      () => telegram.calls({ method: 'answerCallbackQuery', afterSeq: bookmark })[0],
      { timeoutMs: TIMEOUT_MS },
    );
    expect(refusal.params.text).toBe('This answer is already finished.');
    expect(openai.requests[0]?.outcome).toBeUndefined();

    const answer = await pressAndWaitAnswer(telegram, {
      chat: ada.id,
      messageId: live.messageId,
      data: data ?? '',
    });
    expect(answer.text).toBe('Stopped.');
    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const [stored] = await waitForAnswers(world, 1);
    expect(stored?.status).toBe('cancelled');
    expect(telegram.message(ada.id, live.messageId)?.text).toMatch(/⏹ Stopped\.$/);
  });

  it('the draft’s own stop button (stopped_message_generation) aborts the request; the final message keeps the text', async () => {
    const world = await start({ STREAM_MODE: 'auto' });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    openai.enqueue({ text: TEXT, stallAt: 20 });
    telegram.userSends({ chat: user.id, text: 'Greek letters please' });
    const draft = await telegram.waitFor(
      () => {
        const current = telegram.draft(user.id);
        return current?.canStop && current.text.startsWith('Alpha') ? current : undefined;
      },
      { timeoutMs: TIMEOUT_MS, message: 'a stoppable draft with text' },
    );
    telegram.stopGeneration({ chat: user.id, draftId: draft.draftId });

    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const [stored] = await waitForAnswers(world, 1);
    expect(stored?.status).toBe('cancelled');
    const final = telegram.lastBotMessage(user.id);
    expect(final?.text).toMatch(/^Alpha beta .*\n\n⏹ Stopped\.$/s);
  });

  it('/stop with nothing running says so', async () => {
    const world = await start();
    const { telegram } = world;
    const user = telegram.createUser();
    const bookmark = telegram.lastSeq();
    telegram.userSends({ chat: user.id, text: '/stop' });
    const reply = await telegram.waitFor(() =>
      telegram
        .timeline(user.id, { type: 'message', afterSeq: bookmark })
        .find((event) => 'from' in event && event.from === 'bot'),
    );
    expect(reply.type === 'message' && reply.text).toBe('Nothing to stop: no answer is being written.');
  });
});
