import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../support/fake-model/index.js';
import { hasKeyboard } from '../../support/visible.js';
import {
  answers,
  sendAndWaitReply,
  startWorld,
  type TestWorld,
  TIMEOUT_MS,
  waitForAnswers,
} from './support.js';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const withoutSystem = (messages: readonly RecordedMessage[]) => messages.filter((m) => m.role !== 'system');

describe('conversations', () => {
  it('/new starts afresh; replying to an older answer continues from that answer', async () => {
    world = await startWorld();
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    openai.enqueue({ text: 'A1' }, { text: 'A2' }, { text: 'A3' }, { text: 'A4' });
    telegram.userSends({ chat: user.id, text: 'Q1' });
    await waitForAnswers(world, 1);
    telegram.userSends({ chat: user.id, text: 'Q2' });
    await waitForAnswers(world, 2);
    expect(withoutSystem(openai.requests[1]?.messages ?? [])).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);

    const reply = await sendAndWaitReply(telegram, { chat: user.id, text: '/new' });
    expect(reply.text).toMatch(/^🆕 New conversation/);
    telegram.userSends({ chat: user.id, text: 'Q3' });
    await waitForAnswers(world, 3);
    expect(withoutSystem(openai.requests[2]?.messages ?? [])).toEqual([{ role: 'user', content: 'Q3' }]);
    const alias = await sendAndWaitReply(telegram, { chat: user.id, text: '/reset' });
    expect(alias.text).toMatch(/^🆕 New conversation/);

    // A reply to the first answer picks up the old conversation at that point.
    const firstAnswer = JSON.parse(answers(world)[0]?.telegram_message_ids ?? '[]')[0] as number;
    telegram.userSends({ chat: user.id, text: 'Back to A1', replyToMessageId: firstAnswer });
    await waitForAnswers(world, 4);
    expect(withoutSystem(openai.requests[3]?.messages ?? [])).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Back to A1' },
    ]);
  });

  it('/system sets the chat’s system prompt, /start shows it, and /system alone restores the default', async () => {
    world = await startWorld({ SYSTEM_PROMPT: 'You are the default prompt.' });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const set = await sendAndWaitReply(telegram, { chat: user.id, text: '/system Answer like a pirate.' });
    expect(set.text).toContain('System prompt set for this chat:\nAnswer like a pirate.');
    const start = await sendAndWaitReply(telegram, { chat: user.id, text: '/start' });
    expect(start.text).toContain('System prompt: Answer like a pirate.');
    telegram.userSends({ chat: user.id, text: 'Hello' });
    await waitForAnswers(world, 1);
    expect(openai.requests[0]?.system).toBe('Answer like a pirate.');

    const reset = await sendAndWaitReply(telegram, { chat: user.id, text: '/system' });
    expect(reset.text).toContain('System prompt reset to the default:\nYou are the default prompt.');
    telegram.userSends({ chat: user.id, text: 'Hello again' });
    await waitForAnswers(world, 2);
    expect(openai.requests[1]?.system).toBe('You are the default prompt.');
  });

  it('trims the history to the model’s context budget from the oldest end, whole turns only; error notices are never sent back', async () => {
    world = await startWorld({ CONTEXT_TOKENS: '500', MODEL_CONTEXT_TOKENS: 'anthropic:claude-test=100000' });
    const { telegram, openai, anthropic } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const long = (label: string) => `${label} ${'lorem ipsum '.repeat(80)}`.trim();
    openai.enqueue({ text: long('A1') }, { error: { kind: 'server' } }, { text: long('A3') }, { text: 'A4' });
    for (const [index, question] of ['Q1', 'Q2 fails', 'Q3', 'Q4'].entries()) {
      telegram.userSends({ chat: user.id, text: question });
      await waitForAnswers(world, index + 1);
    }
    expect(answers(world).map((answer) => answer.status)).toEqual([
      'complete',
      'error',
      'complete',
      'complete',
    ]);
    // About 250 tokens a turn: with 500 for everything, only the newest turn fits beside the prompt.
    expect(withoutSystem(openai.requests[3]?.messages ?? [])).toEqual([
      { role: 'user', content: 'Q3' },
      { role: 'assistant', content: long('A3') },
      { role: 'user', content: 'Q4' },
    ]);

    // Another model, another budget: the whole conversation fits, the failed turn still left out.
    await sendAndWaitReply(telegram, { chat: user.id, text: '/model claude-test' });
    telegram.userSends({ chat: user.id, text: 'Q5' });
    await waitForAnswers(world, 5);
    expect(anthropic.requests[0]?.messages.map((message) => message.content)).toEqual([
      'Q1',
      long('A1'),
      'Q3',
      long('A3'),
      'Q4',
      'A4',
      'Q5',
    ]);
  });

  it('answers one question at a time per chat: a second message waits for the first; other chats do not wait', async () => {
    world = await startWorld();
    const { telegram, openai } = world;
    const ada = telegram.createUser({ firstName: 'Ada' });
    const bob = telegram.createUser({ firstName: 'Bob' });
    openai.setHandler((request) => {
      const last = request.messages.at(-1)?.content;
      if (last === 'slow')
        return { text: 'Slow answer, word by word, taking its time.', tokensPerSecond: 15 };
      return { text: `Answer to ${String(last)}` };
    });
    telegram.userSends({ chat: ada.id, text: 'slow' });
    await openai.waitForRequest(0, TIMEOUT_MS);
    telegram.userSends({ chat: ada.id, text: 'next' });
    telegram.userSends({ chat: bob.id, text: 'meanwhile' });
    const bobs = await waitForAnswers(world, 1, bob.id);
    expect(bobs[0]?.content).toBe('Answer to meanwhile');
    // Bob was answered while Ada's first answer was still being written, and her second had not started.
    expect(openai.requests[0]?.outcome).toBeUndefined();
    expect(openai.requests.map((request) => request.messages.at(-1)?.content)).toEqual(['slow', 'meanwhile']);

    const adas = await waitForAnswers(world, 2, ada.id);
    expect(adas.map((answer) => answer.content)).toEqual([
      'Slow answer, word by word, taking its time.',
      'Answer to next',
    ]);
    const nextRequest = openai.requests.find((request) => request.messages.at(-1)?.content === 'next');
    expect(nextRequest?.receivedAt).toBeGreaterThanOrEqual(openai.requests[0]?.receivedAt ?? 0);
    expect(withoutSystem(nextRequest?.messages ?? []).map((message) => message.content)).toEqual([
      'slow',
      'Slow answer, word by word, taking its time.',
      'next',
    ]);
  });

  it('with BUSY_POLICY=replace a new message stops the answer being written and is answered instead', async () => {
    world = await startWorld({ BUSY_POLICY: 'replace' });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    openai.enqueue(
      { text: 'I will never finish this sentence because', stallAt: 10 },
      { text: 'Fresh answer.' },
    );
    telegram.userSends({ chat: user.id, text: 'first' });
    await telegram.waitFor(() => (telegram.lastBotMessage(user.id)?.text ?? '') !== '' || undefined, {
      timeoutMs: TIMEOUT_MS,
    });
    telegram.userSends({ chat: user.id, text: 'actually, this' });
    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const stored = await waitForAnswers(world, 2);
    expect(stored.map((answer) => answer.status)).toEqual(['cancelled', 'complete']);
    const stopped = telegram.message(user.id, JSON.parse(stored[0]?.telegram_message_ids ?? '[]')[0]);
    expect(stopped?.text).toMatch(/⏹ Stopped: a newer message arrived\.$/);
  });

  it('answers a long paste split by the Telegram app once, as one message', async () => {
    world = await startWorld();
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const part1 = `Please review this log:\n${'line of a long log file\n'.repeat(170)}`.trim();
    const part2 = 'and the tail of it, ending here.';
    expect(part1.length).toBeGreaterThan(3500);
    telegram.userSends({ chat: user.id, text: part1 });
    telegram.userSends({ chat: user.id, text: part2 });
    const [stored] = await waitForAnswers(world, 1);
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: `${part1}\n${part2}` });
    const questions = world.query<{ content: string; telegram_message_ids: string }>(
      "SELECT content, telegram_message_ids FROM messages WHERE role = 'user'",
    );
    expect(questions).toHaveLength(1);
    expect(JSON.parse(questions[0]?.telegram_message_ids ?? '[]')).toHaveLength(2);
    expect(stored?.status).toBe('complete');
  });

  it('ignores a duplicate update (same update_id, as after a restart)', async () => {
    world = await startWorld();
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    telegram.userSends({ chat: user.id, text: 'Only once, please' });
    await waitForAnswers(world, 1);
    const update = telegram
      .calls({ method: 'getUpdates' })
      .flatMap((call) => (call.result as { update_id: number }[]) ?? [])[0];
    expect(update).toBeDefined();
    telegram.redeliverUpdate(update?.update_id ?? 0);
    // A later message proves the redelivered one was handled (and skipped) before it.
    telegram.userSends({ chat: user.id, text: 'Second question' });
    await waitForAnswers(world, 2);
    expect(openai.requests.map((request) => request.messages.at(-1)?.content)).toEqual([
      'Only once, please',
      'Second question',
    ]);
    await world.restart();
    telegram.redeliverUpdate(update?.update_id ?? 0);
    telegram.userSends({ chat: user.id, text: 'Third question' });
    await waitForAnswers(world, 3);
    expect(openai.requests).toHaveLength(3);
    expect(world.logs.join('')).toContain('duplicate update ignored');
    expect(hasKeyboard(telegram.lastBotMessage(user.id) ?? {})).toBe(false);
  });
});
