import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useStreamgram } from './support/use-streamgram.js';
import { hasKeyboard } from './support/visible.js';

const start = useStreamgram();

describe('Streamgram end to end', () => {
  it('answers a private message with the model’s streamed text and stores question, answer and usage', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const { telegram, openai } = world;
    const answer = 'Hello! Streaming works: **bold** and `code`.';
    openai.enqueue({
      text: answer,
      tokensPerSecond: 40,
      usage: { inputTokens: 31, outputTokens: 12, cachedInputTokens: 8, reasoningTokens: 0 },
    });
    const user = telegram.createUser({ firstName: 'Ada', username: 'ada' });
    const question = telegram.userSends({ chat: user.id, from: user.id, text: 'Say hello' });

    const finalMessage = await telegram.waitFor(
      () => {
        const message = telegram.lastBotMessage(user.id);
        return message?.text === 'Hello! Streaming works: bold and code.' && !hasKeyboard(message)
          ? message
          : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(finalMessage.entities).toEqual([
      { type: 'bold', offset: 24, length: 4 },
      { type: 'code', offset: 33, length: 4 },
    ]);

    const request = openai.requests[0];
    expect(request?.model).toBe('gpt-test');
    expect(request?.messages.at(-1)).toEqual({ role: 'user', content: 'Say hello' });
    expect(request?.streamOptions).toEqual({ include_usage: true });

    await world.app.stop();
    const db = new Database(world.databasePath, { readonly: true });
    try {
      const messages = db
        .prepare('SELECT role, content, status, model, telegram_message_ids FROM messages ORDER BY id')
        .all();
      expect(messages).toEqual([
        {
          role: 'user',
          content: 'Say hello',
          status: 'complete',
          model: null,
          telegram_message_ids: `[${question.message_id}]`,
        },
        {
          role: 'assistant',
          content: answer,
          status: 'complete',
          model: 'openai:gpt-test',
          telegram_message_ids: `[${finalMessage.messageId}]`,
        },
      ]);
      const usage = db
        .prepare(
          'SELECT user_id, provider, model, input_tokens, cached_input_tokens, output_tokens FROM usage',
        )
        .all();
      expect(usage).toEqual([
        {
          user_id: user.id,
          provider: 'openai',
          model: 'gpt-test',
          input_tokens: 31,
          cached_input_tokens: 8,
          output_tokens: 12,
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('asks Anthropic models listed in MODEL_THINKING_TOKENS to think, with room left for the answer', async () => {
    const world = await start({
      env: {
        DEFAULT_MODEL: 'anthropic:claude-test',
        MODEL_THINKING_TOKENS: 'anthropic:claude-test=2048',
        MAX_OUTPUT_TOKENS: '1500',
        STREAM_MODE: 'edit',
      },
      emulator: { limits: 'none' },
    });
    const { telegram, anthropic, openai } = world;
    anthropic.enqueue({ reasoning: 'Let me think.', text: 'Thought it through.' });
    const user = telegram.createUser({ firstName: 'Thinker' });
    telegram.userSends({ chat: user.id, text: 'Think first' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text?.endsWith('Thought it through.'), {
      timeoutMs: 15_000,
    });
    const body = anthropic.requests[0]?.body as { thinking?: unknown; max_tokens?: number };
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body.max_tokens).toBe(2048 + 1024);

    // Models without a thinking budget are asked plainly.
    await world.restart({ env: { DEFAULT_MODEL: 'openai:gpt-test' } });
    openai.enqueue({ text: 'Plain.' });
    telegram.userSends({ chat: user.id, text: '/new' });
    telegram.userSends({ chat: user.id, text: 'No thinking' });
    await openai.waitForRequest(0, 15_000);
    expect((openai.requests[0]?.body as { thinking?: unknown } | undefined)?.thinking).toBeUndefined();
  });
});
