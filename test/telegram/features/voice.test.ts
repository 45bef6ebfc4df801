import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeTranscriptionServer,
  startFakeTranscriptionServer,
} from '../../support/fake-model/index.js';
import { useStreamgram } from '../../support/use-streamgram.js';
import { botSays } from '../../support/visible.js';

const start = useStreamgram();
let whisper: FakeTranscriptionServer | undefined;
afterEach(async () => {
  await whisper?.close();
  whisper = undefined;
});

describe('voice messages', () => {
  it('transcribes a voice note, shows what was heard, answers it and records both usages', async () => {
    whisper = await startFakeTranscriptionServer();
    const world = await start({
      env: {
        STREAM_MODE: 'edit',
        TRANSCRIPTION_MODEL: 'whisper:whisper-test',
        WHISPER_BASE_URL: whisper.baseURL,
        WHISPER_API_KEY: 'whisper-secret-key-123',
      },
    });
    const { telegram, openai } = world;
    whisper.enqueue({
      text: 'What is the capital of France?',
      usage: { input_tokens: 20, output_tokens: 8 },
    });
    openai.enqueue({ text: 'Paris.', usage: { inputTokens: 30, outputTokens: 2 } });
    const user = telegram.createUser({ firstName: 'Ada' });
    const voice = Buffer.from('OggS\0 pretend opus frames');
    telegram.userSendsMedia({ chat: user.id, kind: 'voice', file: { bytes: voice, mimeType: 'audio/ogg' } });
    const text = await botSays(world, user.id, (t) => t.endsWith('Paris.'));
    expect(text).toBe('🎤 What is the capital of France?\n\nParis.');
    expect(whisper.transcriptions).toHaveLength(1);
    expect(whisper.transcriptions[0]?.model).toBe('whisper-test');
    expect(whisper.transcriptions[0]?.bytes.equals(voice)).toBe(true);
    expect(openai.requests[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'What is the capital of France?',
    });

    const usage = await sendAndRead(world, user.id);
    expect(usage).toContain('whisper-test');
    await world.app.stop();
    const db = new Database(world.databasePath, { readonly: true });
    try {
      expect(
        db.prepare('SELECT provider, model, input_tokens, output_tokens FROM usage ORDER BY id').all(),
      ).toEqual([
        { provider: 'openai', model: 'gpt-test', input_tokens: 30, output_tokens: 2 },
        { provider: 'whisper', model: 'whisper-test', input_tokens: 20, output_tokens: 8 },
      ]);
    } finally {
      db.close();
    }
  });

  it('says how to enable voice without TRANSCRIPTION_MODEL, fetching nothing', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' } });
    const user = world.telegram.createUser({ firstName: 'Ada' });
    world.telegram.userSendsMedia({ chat: user.id, kind: 'voice' });
    await botSays(world, user.id, (t) => t.includes('TRANSCRIPTION_MODEL'));
    expect(world.telegram.calls({ method: 'getFile' })).toHaveLength(0);
  });

  it('shows “typing…” while a slow transcription runs, and none once the answer starts', async () => {
    whisper = await startFakeTranscriptionServer();
    // Drafts: the answer's own delivery sends no chat action, so every one seen is the media's.
    const world = await start({
      env: { STREAM_MODE: 'draft', TRANSCRIPTION_MODEL: 'whisper:w', WHISPER_BASE_URL: whisper.baseURL },
    });
    whisper.enqueue({ text: 'Tell me a joke', delayMs: 1500 });
    world.openai.enqueue({ text: 'A joke.' });
    const user = world.telegram.createUser({ firstName: 'Ada' });
    world.telegram.userSendsMedia({ chat: user.id, kind: 'voice' });
    await botSays(world, user.id, (t) => t.endsWith('A joke.'));
    const actions = world.telegram.calls({ method: 'sendChatAction' });
    // One after a short grace; refreshed only every 4.5 s (the pace is the unit test's business).
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(actions[0]?.params).toMatchObject({ chat_id: user.id, action: 'typing' });
    // The answer's first call: a draft frame, or the final message when the text came at once.
    const answerStart = world.telegram
      .calls()
      .find((call) => call.method === 'sendMessageDraft' || call.method === 'sendMessage');
    expect(answerStart).toBeDefined();
    expect(actions.every((call) => call.seq < (answerStart?.seq ?? 0))).toBe(true);
  });

  it('tells the user when the transcription endpoint fails, and asks no model', async () => {
    whisper = await startFakeTranscriptionServer();
    const world = await start({
      env: { STREAM_MODE: 'edit', TRANSCRIPTION_MODEL: 'whisper:w', WHISPER_BASE_URL: whisper.baseURL },
    });
    whisper.enqueue({ status: 500 });
    const user = world.telegram.createUser({ firstName: 'Ada' });
    world.telegram.userSendsMedia({ chat: user.id, kind: 'video_note' });
    await botSays(world, user.id, (t) => t.includes('couldn’t transcribe'));
    expect(world.openai.requests).toHaveLength(0);
  });
});

async function sendAndRead(world: Awaited<ReturnType<typeof start>>, chatId: number): Promise<string> {
  const before = world.telegram.lastBotMessage(chatId)?.messageId ?? 0;
  world.telegram.userSends({ chat: chatId, text: '/usage' });
  return world.telegram.waitFor(
    () => {
      const message = world.telegram.lastBotMessage(chatId);
      return message !== undefined && message.messageId > before ? message.text : undefined;
    },
    { timeoutMs: 15_000 },
  ) as Promise<string>;
}
