import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../src/config.js';

const base = {
  TELEGRAM_BOT_TOKEN: '123456789:AAEhBP0av28bBKo6jOaZ2dFpnGdvCeqpVvq',
  MODELS: 'openai:gpt-5,deepseek:deepseek-chat',
  OPENAI_API_KEY: 'sk-openai-secret-1',
  DEEPSEEK_BASE_URL: 'https://api.deepseek.com/v1',
  ALLOWED_USERS: '42',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    createConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('media settings', () => {
  it('defaults: every model sees, 4 pictures, 20 MB, no transcription', () => {
    const { media } = createConfig(base);
    expect([...media.textOnlyModels]).toEqual([]);
    expect(media.maxImages).toBe(4);
    expect(media.maxFileBytes).toBe(20 * 1024 * 1024);
    expect(media.maxDocumentChars).toBe(100_000);
    expect(media.transcription).toBeUndefined();
  });

  it('reads text-only models and a transcription model on its own OpenAI-compatible provider', () => {
    const config = createConfig({
      ...base,
      TEXT_ONLY_MODELS: 'DeepSeek:deepseek-chat',
      TRANSCRIPTION_MODEL: 'groq:whisper-large-v3',
      GROQ_BASE_URL: 'https://api.groq.com/openai/v1',
      GROQ_API_KEY: 'gsk-groq-secret-3',
      MAX_FILE_MB: '5',
    });
    expect([...config.media.textOnlyModels]).toEqual(['deepseek:deepseek-chat']);
    expect(config.media.transcription).toEqual({
      provider: {
        name: 'groq',
        protocol: 'openai',
        apiKey: 'gsk-groq-secret-3',
        baseURL: 'https://api.groq.com/openai/v1',
      },
      model: 'whisper-large-v3',
    });
    expect(config.media.maxFileBytes).toBe(5 * 1024 * 1024);
    // The transcription key is scrubbed from logs like every other key.
    expect(config.secrets).toContain('gsk-groq-secret-3');
  });

  it('names the bad media settings', () => {
    expect(
      problemsOf({
        ...base,
        TEXT_ONLY_MODELS: 'openai:gpt-9',
        TRANSCRIPTION_MODEL: 'whisper',
      }),
    ).toEqual(
      expect.arrayContaining([
        'TEXT_ONLY_MODELS entry "openai:gpt-9" names a model that is not in MODELS',
        'TRANSCRIPTION_MODEL must be provider:model, e.g. openai:gpt-4o-mini-transcribe',
      ]),
    );
    expect(
      problemsOf({ ...base, TRANSCRIPTION_MODEL: 'anthropic:claude', ANTHROPIC_API_KEY: 'k-123456' }),
    ).toEqual(['TRANSCRIPTION_MODEL needs an OpenAI-compatible provider (Anthropic has no audio API)']);
  });
});
