import { describe, expect, it } from 'vitest';
import { PlaygroundArgsError, parsePlaygroundArgs } from '../../src/playground/parse-args.js';
import { createPlaygroundConfig } from '../../src/playground/playground-config.js';

const base = {
  telegram: { token: '1000000001:playground-offline-token', apiRoot: 'http://127.0.0.1:1234' },
  databasePath: '/tmp/x/playground.db',
  logLevel: 'info',
  userId: 100001,
};

describe('playground configuration', () => {
  it('without models in the environment runs only the offline demo, against the emulator', () => {
    const setup = createPlaygroundConfig({
      ...base,
      env: {
        TELEGRAM_BOT_TOKEN: '123:real-token-that-is-long-enough',
        DATABASE_PATH: './data/streamgram.db',
      },
    });
    expect(setup.configuredProviders).toBe(false);
    expect(setup.warning).toBeUndefined();
    expect(setup.config.models.map((m) => m.id)).toEqual(['demo:fast', 'demo:thinking']);
    expect(setup.config.defaultModel.id).toBe('demo:fast');
    expect(setup.config.providers).toEqual([]);
    expect(setup.config.telegram).toEqual(base.telegram);
    expect(setup.config.databasePath).toBe(base.databasePath);
    expect(setup.config.port).toBe(0);
    expect(setup.config.allowedUsers.everyone).toBe(true);
    expect(setup.config.adminUsers.userIds.has(100001)).toBe(true);
    expect(setup.models.every((m) => m.demo)).toBe(true);
  });

  it('uses configured models when their keys are there, keeps their default and adds the demo after them', () => {
    const setup = createPlaygroundConfig({
      ...base,
      env: {
        MODELS: 'openai:gpt-5,anthropic:claude-sonnet-4-5',
        DEFAULT_MODEL: 'anthropic:claude-sonnet-4-5',
        OPENAI_API_KEY: 'sk-test-0123456789',
        ANTHROPIC_API_KEY: 'sk-ant-0123456789',
        WEBHOOK_URL: 'https://example.com/hook',
        WEBHOOK_SECRET: 'a-secret-of-sixteen-chars',
        STREAM_MODE: 'edit',
      },
    });
    expect(setup.configuredProviders).toBe(true);
    expect(setup.config.models.map((m) => m.id)).toEqual([
      'openai:gpt-5',
      'anthropic:claude-sonnet-4-5',
      'demo:fast',
      'demo:thinking',
    ]);
    expect(setup.config.defaultModel.id).toBe('anthropic:claude-sonnet-4-5');
    expect(setup.config.providers.map((p) => p.name)).toEqual(['openai', 'anthropic']);
    expect(setup.config.webhook).toBeUndefined();
    expect(setup.config.streamMode).toBe('edit');
    expect(setup.models.map((m) => [m.id, m.demo])).toEqual([
      ['openai:gpt-5', false],
      ['anthropic:claude-sonnet-4-5', false],
      ['demo:fast', true],
      ['demo:thinking', true],
    ]);
  });

  it('falls back to the demo with a warning when MODELS lacks its keys', () => {
    const setup = createPlaygroundConfig({ ...base, env: { MODELS: 'openai:gpt-5', STREAM_MODE: 'draft' } });
    expect(setup.configuredProviders).toBe(false);
    expect(setup.warning).toContain('OPENAI_API_KEY');
    expect(setup.config.models.map((m) => m.id)).toEqual(['demo:fast', 'demo:thinking']);
    expect(setup.config.streamMode).toBe('draft');
  });
});

describe('playground arguments', () => {
  it('takes --port, then PLAYGROUND_PORT, then the default', () => {
    expect(parsePlaygroundArgs([], {}, 4777)).toEqual({ port: 4777, help: false });
    expect(parsePlaygroundArgs([], { PLAYGROUND_PORT: '5000' }, 4777).port).toBe(5000);
    expect(parsePlaygroundArgs(['--port', '0'], { PLAYGROUND_PORT: '5000' }, 4777).port).toBe(0);
    expect(parsePlaygroundArgs(['--port=6000'], {}, 4777).port).toBe(6000);
    expect(parsePlaygroundArgs(['--help'], {}, 4777).help).toBe(true);
  });

  it('names the bad option', () => {
    expect(() => parsePlaygroundArgs(['--port', 'abc'], {}, 4777)).toThrow('--port must be a port number');
    expect(() => parsePlaygroundArgs([], { PLAYGROUND_PORT: '70000' }, 4777)).toThrow(/PLAYGROUND_PORT/);
    expect(() => parsePlaygroundArgs(['--port'], {}, 4777)).toThrow(PlaygroundArgsError);
    expect(() => parsePlaygroundArgs(['--verbose'], {}, 4777)).toThrow('unknown option --verbose');
  });
});
