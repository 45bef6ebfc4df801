import { describe, expect, it } from 'vitest';
import { answers, sendAndWaitReply, TIMEOUT_MS, useTestWorld, waitForAnswers } from './support.js';

const start = useTestWorld();

describe('budgets', () => {
  it('refuses a question over the daily limit, telling when it resets; admins and overrides are exempt', async () => {
    const world = await start({
      DAILY_TOKEN_LIMIT: '1000',
      ADMIN_USERS: '3003',
      USER_TOKEN_LIMITS: '@bob_b=none/',
    });
    const { telegram, openai } = world;
    const ada = telegram.createUser({ id: 1001, firstName: 'Ada' });
    const bob = telegram.createUser({ id: 1002, firstName: 'Bob', username: 'bob_b' });
    const boss = telegram.createUser({ id: 3003, firstName: 'Boss' });
    openai.setDefaultScenario({ text: 'Expensive answer.', usage: { inputTokens: 800, outputTokens: 300 } });

    telegram.userSends({ chat: ada.id, text: 'first' });
    await waitForAnswers(world, 1);
    const refusal = await sendAndWaitReply(telegram, { chat: ada.id, text: 'second' });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(refusal.text).toMatch(
      new RegExp(
        `^⛔ You have reached your daily limit of 1,000 tokens \\(1,100 used\\)\\. It resets at ${tomorrow} 00:00 UTC, in \\d+ (h \\d+ )?min\\. See /usage for details\\.$`,
      ),
    );
    expect(openai.requests).toHaveLength(1);
    const usage = await sendAndWaitReply(telegram, { chat: ada.id, text: '/usage' });
    expect(usage.text).toContain('Daily limit: 1,100 of 1,000 tokens used.');

    for (const user of [bob, boss]) {
      telegram.userSends({ chat: user.id, text: 'first' });
      await waitForAnswers(world, 1, user.id);
      telegram.userSends({ chat: user.id, text: 'second' });
      await waitForAnswers(world, 2, user.id);
    }
    expect(openai.requests).toHaveLength(5);
  });
});

const REASONING = 'The user asks for the meaning of life. Douglas Adams settled this long ago.';
const ANSWER = 'The answer is **42**.';

describe('reasoning', () => {
  it('shows reasoning in the draft while it arrives, collapses it above the final answer, and never sends it back', async () => {
    const world = await start({ STREAM_MODE: 'auto' });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    openai.enqueue(
      { reasoning: REASONING, text: ANSWER, tokensPerSecond: 60, tokenChars: 6 },
      { reasoning: REASONING, text: ANSWER, tokensPerSecond: 60, tokenChars: 6 },
    );
    telegram.userSends({ chat: user.id, text: 'What is the meaning of life?' });
    const [stored] = await waitForAnswers(world, 1);
    expect(stored?.reasoning).toBe(REASONING);

    const drafts = telegram.timeline(user.id, { type: 'draft' });
    expect(drafts.some((draft) => draft.type === 'draft' && draft.text.startsWith('The user'))).toBe(true);
    const final = telegram.lastBotMessage(user.id);
    expect(final?.text).toBe(`${REASONING}\n\nThe answer is 42.`);
    expect(final?.entities).toContainEqual({
      type: 'expandable_blockquote',
      offset: 0,
      length: REASONING.length,
    });
    expect(final?.entities).toContainEqual({ type: 'bold', offset: REASONING.length + 16, length: 2 });

    const off = await sendAndWaitReply(telegram, { chat: user.id, text: '/reasoning off' });
    expect(off.text).toMatch(/^Reasoning off/);
    const bookmark = telegram.lastSeq();
    telegram.userSends({ chat: user.id, text: 'And the question?' });
    const [, second] = await waitForAnswers(world, 2);
    expect(second?.reasoning).toBe(REASONING);
    const hidden = telegram.lastBotMessage(user.id);
    expect(hidden?.text).toBe('The answer is 42.');
    expect(hidden?.entities.some((entity) => entity.type === 'expandable_blockquote')).toBe(false);
    const laterDrafts = telegram.timeline(user.id, { type: 'draft', afterSeq: bookmark });
    expect(laterDrafts.some((draft) => draft.type === 'draft' && draft.text.includes('Douglas'))).toBe(false);
    // The model gets its earlier answer back without the reasoning.
    expect(openai.requests[1]?.messages.filter((m) => m.role === 'assistant')).toEqual([
      { role: 'assistant', content: ANSWER },
    ]);
    const status = await sendAndWaitReply(telegram, { chat: user.id, text: '/reasoning' });
    expect(status.text).toBe(
      'Reasoning is off in this chat. Send /reasoning on or /reasoning off to change it.',
    );
  });

  it('shows Anthropic thinking as a "Thinking…" line in edit mode, collapsed in the final text', async () => {
    const world = await start({ STREAM_MODE: 'edit', DEFAULT_MODEL: 'anthropic:claude-test' });
    const { telegram, anthropic } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    anthropic.enqueue({ reasoning: REASONING, text: ANSWER, tokensPerSecond: 20, tokenChars: 8 });
    telegram.userSends({ chat: user.id, text: 'What is the meaning of life?' });
    await telegram.waitFor(
      () =>
        telegram
          .timeline(user.id, { type: ['message', 'edit'] })
          .find((e) => 'text' in e && e.text?.startsWith('Thinking…')),
      { timeoutMs: TIMEOUT_MS, message: 'the Thinking… line' },
    );
    await waitForAnswers(world, 1);
    const final = telegram.lastBotMessage(user.id);
    expect(final?.text).toBe(`${REASONING}\n\nThe answer is 42.`);
    expect(final?.entities[0]).toEqual({
      type: 'expandable_blockquote',
      offset: 0,
      length: REASONING.length,
    });
    expect(answers(world)[0]?.reasoning).toBe(REASONING);
  });
});
