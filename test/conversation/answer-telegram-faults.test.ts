import { describe, expect, it } from 'vitest';
import { contentText } from '../support/fake-model/scenario.js';
import {
  botMessages,
  botSendEvents,
  failedCalls,
  hasKeyboard,
  longAnswer,
  useAnswerWorld,
} from './answer-e2e-support.js';

// What Telegram does to a streaming bot: flood waits, deleted messages, lost answers, blocked bots.
// Each test checks what the user ends up seeing and what the bot stored.

const start = useAnswerWorld();

describe('delivery through Telegram’s failures, end to end', () => {
  it('delivers every final text exactly once through a storm of 429s, without slowing the model', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' }, { limits: 'none', seed: 7 });
    const { telegram, openai } = world;
    const chats = [
      ...Array.from({ length: 6 }, (_, index) => ({
        id: telegram.createUser({ firstName: `User ${index}` }).id,
        group: false,
      })),
      ...Array.from({ length: 2 }, (_, index) => ({
        id: telegram.createGroup({ title: `Group ${index}` }).id,
        group: true,
      })),
    ];
    const answerFor = (index: number) => longAnswer(500 + 60 * index, `Chat ${index}`);
    openai.setHandler((request) => {
      const question = contentText(request.messages.at(-1));
      const index = Number(/question (\d+)/.exec(question)?.[1]);
      return { text: answerFor(index), tokensPerSecond: 60 };
    });
    const completedAt = new Map<number, number>();
    const held = chats[0]!.id;
    const holdSeconds = 10;

    // A quarter of the bot's calls answered 429 with retry_after 1–5 s, and one chat told to wait 10 s.
    telegram.setRandomFaults({ rate429: 0.25, retryAfterRange: [1, 5] });
    telegram.failNext({ status: 429, chatId: held, retryAfter: holdSeconds });
    const sender = telegram.createUser({ firstName: 'Grouper' });
    for (const [index, chat] of chats.entries()) {
      telegram.userSends({
        chat: chat.id,
        ...(chat.group ? { from: sender.id } : {}),
        text: `${chat.group ? `@${telegram.bot.username} ` : ''}question ${index}`,
      });
    }
    for (let index = 0; index < chats.length; index++) {
      const request = await openai.waitForRequest(index, 20_000);
      void request.settled.then(() => completedAt.set(request.index, Date.now()));
    }

    const answers = await store.waitForFinished(chats.length, { timeoutMs: 55_000 });
    telegram.setRandomFaults(null);
    expect(telegram.stats().tooManyRequests).toBeGreaterThan(3);

    for (const [index, chat] of chats.entries()) {
      const text = answerFor(index);
      const answer = answers.find((candidate) => candidate.chatId === chat.id);
      expect(answer).toMatchObject({ status: 'complete', content: text });
      // Exactly once: one message ever sent in the chat, showing the whole answer.
      const sent = botSendEvents(world, chat.id);
      expect(sent).toHaveLength(1);
      const [message] = botMessages(world, chat.id);
      expect(message?.text).toBe(text);
      expect(hasKeyboard(message)).toBe(false);
      expect(answer?.telegramMessageIds).toEqual([message?.messageId]);
    }

    // The model streams were read at full speed: every one completed, the held chat's long before its
    // text could be shown.
    for (const request of openai.requests) {
      expect(request.outcome).toBe('completed');
      // 4-character tokens at 60 per second; the slack is for a busy machine, far below the holds.
      const nominalMs = (request.charsSent / 4 / 60) * 1000;
      expect(completedAt.get(request.index)! - request.receivedAt).toBeLessThan(nominalMs + 3_000);
    }
    const heldRequest = openai.requests.find((request) =>
      contentText(request.messages.at(-1)).endsWith('question 0'),
    )!;
    const heldCompletedAt = completedAt.get(heldRequest.index)!;
    expect(heldCompletedAt - heldRequest.receivedAt).toBeLessThan(holdSeconds * 1000 - 2_000);
    const heldFinal = botSendEvents(world, held)[0]!;
    expect(heldFinal.at).toBeGreaterThan(heldCompletedAt);

    // The long hold was respected: after the 429 the bot left that chat alone until retry_after passed.
    const heldCalls = telegram.calls({ chatId: held });
    const first429 = heldCalls.find((call) => call.error?.retryAfter === holdSeconds)!;
    const next = heldCalls.find((call) => call.seq > first429.seq);
    expect(next?.at).toBeGreaterThanOrEqual(first429.at + holdSeconds * 1000 - 50);
  }, 90_000);

  it('holds only the chat told to wait long, even when other chats meet short 429s at the same moment', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram, openai } = world;
    const [long, shortA, shortB, calm] = Array.from(
      { length: 4 },
      (_, index) => telegram.createUser({ firstName: `User ${index}` }).id,
    ) as [number, number, number, number];
    openai.setDefaultScenario({ text: 'A short answer that streams quickly.', tokensPerSecond: 100 });
    const holdSeconds = 10;
    telegram.failNext({ status: 429, chatId: shortA, retryAfter: 1 });
    telegram.failNext({ status: 429, chatId: shortB, retryAfter: 1 });
    telegram.failNext({ status: 429, chatId: long, retryAfter: holdSeconds });

    // Three chats limited within a second looks like the bot-wide limit; the long wait is one chat's own.
    telegram.userSends({ chat: shortA, text: 'first' });
    telegram.userSends({ chat: shortB, text: 'second' });
    await telegram.waitFor(
      () => [shortA, shortB].every((chat) => telegram.calls({ chatId: chat, status: 429 }).length > 0),
      { timeoutMs: 20_000 },
    );
    telegram.userSends({ chat: long, text: 'third' });
    telegram.userSends({ chat: calm, text: 'fourth' });
    const long429 = await telegram.waitFor(() => telegram.calls({ chatId: long, status: 429 })[0], {
      timeoutMs: 20_000,
    });

    await store.waitForFinished(3, { timeoutMs: 30_000 });
    const finalAt = (chat: number) => botSendEvents(world, chat)[0]?.at;
    for (const chat of [shortA, shortB, calm]) {
      expect(botMessages(world, chat)[0]?.text).toBe('A short answer that streams quickly.');
      expect(finalAt(chat)).toBeLessThan(long429.at + (holdSeconds - 4) * 1000);
    }
    const [longAnswer] = await store.waitForFinished(1, { chatId: long, timeoutMs: 30_000 });
    expect(longAnswer?.status).toBe('complete');
    expect(finalAt(long)).toBeGreaterThanOrEqual(long429.at + holdSeconds * 1000 - 50);
  }, 60_000);

  it('continues in a new message when the user deletes the live message mid-stream', async () => {
    const { world, store } = await start({ STREAM_MODE: 'edit' });
    const { telegram } = world;
    const text = longAnswer(1_200);
    world.openai.enqueue({ text, tokensPerSecond: 60 });
    const user = telegram.createUser({ firstName: 'Eve' });
    telegram.userSends({ chat: user.id, text: 'Tell me a long story.' });

    const live = await telegram.waitFor(() => botMessages(world, user.id)[0], { timeoutMs: 20_000 });
    telegram.userDeletesMessage({ chat: user.id, messageId: live.messageId });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({ status: 'complete', content: text });
    const messages = botMessages(world, user.id);
    expect(messages).toHaveLength(1);
    const [final] = messages;
    expect(final?.messageId).not.toBe(live.messageId);
    expect(final?.text).toBe(text);
    expect(hasKeyboard(final)).toBe(false);
    expect(telegram.message(user.id, live.messageId)?.deleted).toBe(true);
    expect(answer?.telegramMessageIds).toEqual([final?.messageId]);
  });

  it.each([
    { mode: 'auto', what: 'the final sendMessage that commits the draft' },
    { mode: 'edit', what: 'the first sendMessage of the live message' },
  ] as const)(
    'does not duplicate a message when the connection drops after Telegram processed $what ($mode)',
    async ({ mode }) => {
      const { world, store } = await start({ STREAM_MODE: mode });
      const { telegram } = world;
      const text = longAnswer(600);
      world.openai.enqueue({ text, tokensPerSecond: 120 });
      const user = telegram.createUser({ firstName: 'Mallory' });
      telegram.userSends({ chat: user.id, text: 'Answer once, please.' });
      telegram.dropConnectionAfterProcessing({ method: 'sendMessage', chatId: user.id });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: text });
      const dropped = telegram
        .calls({ method: 'sendMessage', chatId: user.id })
        .filter((call) => call.dropped);
      expect(dropped).toHaveLength(1);
      const sent = botSendEvents(world, user.id);
      expect(sent).toHaveLength(1);
      const messages = botMessages(world, user.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toBe(text);
      expect(hasKeyboard(messages[0])).toBe(false);
      expect(answer?.telegramMessageIds).toEqual([messages[0]?.messageId]);
    },
  );

  it.each(['Bad Request: not enough rights to send text messages to the chat', 'Bad Request: TOPIC_CLOSED'])(
    'stops generating when a group stops letting the bot write mid-stream (%s)',
    async (description) => {
      const { world, store } = await start({ STREAM_MODE: 'auto' });
      const { telegram, openai } = world;
      const text = longAnswer(4_000);
      openai.enqueue({ text, tokensPerSecond: 40 });
      const group = telegram.createGroup({ title: 'Strict admins' });
      const user = telegram.createUser({ firstName: 'Admin' });
      telegram.userSends({
        chat: group.id,
        from: user.id,
        text: `@${telegram.bot.username} talk for a while`,
      });

      await telegram.waitFor(() => botMessages(world, group.id)[0], { timeoutMs: 20_000 });
      const seq = telegram.lastSeq();
      telegram.failNext({ status: 400, chatId: group.id, description, times: 1_000 });

      const request = await openai.waitForRequest(0);
      expect(await request.settled).toBe('client-aborted');
      const [answer] = await store.waitForFinished(1);
      expect(answer?.status).toBe('interrupted');
      expect(text.startsWith(answer?.content ?? '')).toBe(true);
      // One refused call is enough to know: no frames or retries keep knocking.
      expect(telegram.calls({ chatId: group.id, afterSeq: seq }).length).toBeLessThanOrEqual(2);
    },
  );

  it('stops generating when the user blocks the bot mid-stream, and does not retry', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram, openai } = world;
    const text = longAnswer(4_000);
    openai.enqueue({ text, tokensPerSecond: 40 });
    const user = telegram.createUser({ firstName: 'Bob' });
    telegram.userSends({ chat: user.id, text: 'Talk for a long time.' });

    await telegram.waitFor(() => (telegram.draft(user.id)?.text ?? '').length > 0, { timeoutMs: 20_000 });
    telegram.blockBot(user.id);

    const request = await openai.waitForRequest(0);
    // The model request is cut: nobody will read the rest of this answer.
    expect(await request.settled).toBe('client-aborted');
    expect(request.charsSent).toBeLessThan(text.length);
    const [answer] = await store.waitForFinished(1);
    expect(answer?.status).toBe('interrupted');
    expect(text.startsWith(answer?.content ?? '')).toBe(true);
    expect(answer?.telegramMessageIds).toEqual([]);

    const blockedCalls = telegram.calls({ chatId: user.id }).filter((call) => call.status === 403);
    expect(blockedCalls.length).toBeGreaterThanOrEqual(1);
    expect(blockedCalls.length).toBeLessThanOrEqual(2);
    const seq = telegram.lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(telegram.calls({ chatId: user.id, afterSeq: seq })).toEqual([]);
    expect(failedCalls(world, user.id).every((call) => call.includes('blocked'))).toBe(true);
  });
});
