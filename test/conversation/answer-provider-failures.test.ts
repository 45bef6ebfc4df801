import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../support/fake-model/index.js';
import { botMessages, failedCalls, hasKeyboard, longAnswer, useAnswerWorld } from './answer-e2e-support.js';

// A model provider failing, end to end: what the user is told, and what is stored.

const start = useAnswerWorld();

describe('a provider failing, end to end', () => {
  it.each([
    {
      name: '401 (bad API key)',
      provider: 'openai',
      scenario: { error: { kind: 'authentication' } },
      told: /could not sign in to openai.*API key/,
    },
    {
      name: '429 with retry-after',
      provider: 'openai',
      scenario: { error: { kind: 'rate-limit', retryAfterSeconds: 7 } },
      told: /too many requests.*7 s/,
    },
    {
      name: '500',
      provider: 'openai',
      scenario: { error: { kind: 'server' } },
      told: /server error/,
    },
    {
      name: '529 overloaded',
      provider: 'anthropic',
      scenario: { error: { kind: 'overloaded' } },
      told: /overloaded/,
    },
  ] satisfies { name: string; provider: 'openai' | 'anthropic'; scenario: FakeScenario; told: RegExp }[])(
    'before the first token: $name is told briefly and no answer text is stored',
    async ({ provider, scenario, told }) => {
      const { world, store } = await start({
        STREAM_MODE: 'auto',
        DEFAULT_MODEL: provider === 'openai' ? 'openai:gpt-test' : 'anthropic:claude-test',
      });
      const { telegram } = world;
      world[provider].enqueue(scenario);
      const user = telegram.createUser({ firstName: 'Ada' });
      const question = telegram.userSends({ chat: user.id, text: 'Are you there?' });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'error', content: '' });
      expect(world[provider].requests).toHaveLength(1);

      const messages = botMessages(world, user.id);
      expect(messages).toHaveLength(1);
      const [notice] = messages;
      expect(notice?.text).toMatch(/^⚠️ /);
      expect(notice?.text).toMatch(told);
      expect(notice?.text?.length).toBeLessThan(160);
      expect(notice?.entities).toEqual([{ type: 'italic', offset: 0, length: notice?.text?.length }]);
      expect(notice?.replyToMessageId).toBe(question.message_id);
      expect(hasKeyboard(notice)).toBe(false);
      expect(telegram.draft(user.id)).toBeUndefined();
      expect(answer?.telegramMessageIds).toEqual([notice?.messageId]);
      expect(failedCalls(world, user.id)).toEqual([]);
    },
  );

  it.each([
    {
      name: 'the connection cut mid-stream (OpenAI, edit)',
      mode: 'edit',
      provider: 'openai',
      cut: { disconnectAt: 300 },
      told: /connection to openai was lost/,
    },
    {
      name: 'an overloaded error event mid-stream (Anthropic, drafts)',
      mode: 'auto',
      provider: 'anthropic',
      cut: { errorEvent: { at: 300, kind: 'overloaded' } },
      told: /overloaded/,
    },
  ] satisfies {
    name: string;
    mode: 'auto' | 'edit';
    provider: 'openai' | 'anthropic';
    cut: FakeScenario;
    told: RegExp;
  }[])(
    'after the first token: $name keeps the text shown, adds a notice and stores it interrupted',
    async ({ mode, provider, cut, told }) => {
      const { world, store } = await start({
        STREAM_MODE: mode,
        DEFAULT_MODEL: provider === 'openai' ? 'openai:gpt-test' : 'anthropic:claude-test',
      });
      const { telegram } = world;
      const text = longAnswer(800);
      world[provider].enqueue({ text, tokensPerSecond: 120, ...cut });
      const user = telegram.createUser({ firstName: 'Ada' });
      telegram.userSends({ chat: user.id, text: 'Tell me something.' });

      const [answer] = await store.waitForFinished(1);
      expect(answer?.status).toBe('interrupted');
      const received = answer?.content ?? '';
      expect(received.length).toBeGreaterThanOrEqual(300);
      expect(received.length).toBeLessThan(text.length);
      expect(text.startsWith(received)).toBe(true);

      const messages = botMessages(world, user.id);
      expect(messages).toHaveLength(1);
      const [final] = messages;
      const shown = final?.text ?? '';
      const [body, notice] = splitNotice(shown);
      // Everything the model wrote before the failure stays visible, then the notice on its own line.
      expect(body).toBe(received.trimEnd());
      expect(notice).toMatch(/^⚠️ Interrupted: /);
      expect(notice).toMatch(told);
      expect(final?.entities.at(-1)).toEqual({
        type: 'italic',
        offset: shown.length - notice.length,
        length: notice.length,
      });
      expect(hasKeyboard(final)).toBe(false);
      expect(telegram.draft(user.id)).toBeUndefined();
      expect(answer?.telegramMessageIds).toEqual([final?.messageId]);
    },
  );
});

/** The final text of an interrupted answer: the answer so far, a blank line, the notice. */
function splitNotice(shown: string): [string, string] {
  const at = shown.lastIndexOf('\n\n');
  return at < 0 ? ['', shown] : [shown.slice(0, at), shown.slice(at + 2)];
}
