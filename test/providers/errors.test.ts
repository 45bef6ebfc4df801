import { APIError as AnthropicAPIError, AnthropicError } from '@anthropic-ai/sdk';
import { APIError as OpenAIAPIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyAnthropicError } from '../../src/providers/classify-anthropic-error.js';
import { classifyOpenAIError } from '../../src/providers/classify-openai-error.js';
import {
  ProviderConnectionLostError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderServerError,
  redactSecrets,
} from '../../src/providers/errors.js';

const context = { provider: 'p', model: 'm', apiKey: 'secret-key-123456', requestTimeoutMs: 1000 };

function terminated(): TypeError {
  return new TypeError('terminated', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  });
}

describe('provider errors', () => {
  it('carry provider, model, status and a readable message', () => {
    const error = new ProviderRateLimitedError({
      provider: 'openai',
      model: 'gpt-5',
      status: 429,
      retryAfterSeconds: 3,
    });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.name).toBe('ProviderRateLimitedError');
    expect(error.message).toBe('openai gpt-5: rate limited, retry after 3 s (HTTP 429)');
  });

  it('redactSecrets removes the key and key-like strings', () => {
    expect(redactSecrets('bad key secret-key-123456 here', ['secret-key-123456'])).toBe(
      'bad key [redacted] here',
    );
    expect(redactSecrets('Incorrect API key provided: sk-proj-abc***wxyz1234', [])).toBe(
      'Incorrect API key provided: [redacted]',
    );
  });

  it('a cut connection is connection-lost whichever way the SDK surfaces it', () => {
    expect(classifyOpenAIError(terminated(), context)).toBeInstanceOf(ProviderConnectionLostError);
    expect(classifyAnthropicError(terminated(), context)).toBeInstanceOf(ProviderConnectionLostError);
    // messages.stream() re-wraps it as a plain AnthropicError('terminated').
    const wrapped = new AnthropicError('terminated');
    (wrapped as { cause?: unknown }).cause = terminated();
    expect(classifyAnthropicError(wrapped, context)).toBeInstanceOf(ProviderConnectionLostError);
  });

  it('a stream error event (no status) is classified by its type', () => {
    const overloaded = new AnthropicAPIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers(),
    );
    expect(classifyAnthropicError(overloaded, context)).toMatchObject({
      overloaded: true,
      status: undefined,
    });
    const rateLimited = new AnthropicAPIError(
      undefined,
      { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } },
      undefined,
      new Headers(),
    );
    expect(classifyAnthropicError(rateLimited, context)).toBeInstanceOf(ProviderRateLimitedError);
    const openAIStreamError = new OpenAIAPIError(
      undefined,
      { message: 'boom', type: 'server_error', param: null, code: null },
      undefined,
      new Headers(),
    );
    expect(classifyOpenAIError(openAIStreamError, context)).toBeInstanceOf(ProviderServerError);
  });

  it('anything else is a plain ProviderError with a redacted detail', () => {
    const error = classifyOpenAIError(new SyntaxError('Unexpected token in secret-key-123456'), context);
    expect(error.constructor).toBe(ProviderError);
    expect(error.kind).toBe('unknown');
    expect(error.message).not.toContain('secret-key-123456');
  });
});
