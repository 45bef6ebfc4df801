import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('scrubs every known secret and anything shaped like a bot token from every line', () => {
    const { lines, destination } = capture();
    const token = '987654321:AAF-secret-token-value-that-is-long';
    const logger = createLogger({ level: 'info', secrets: [token, 'sk-key-abcdef'], destination });
    logger.info({ url: `https://api.telegram.org/bot${token}/getMe` }, 'calling with sk-key-abcdef');
    logger.error({ err: new Error(`failed for 111111111:${'x'.repeat(35)}`) }, 'boom');
    const output = lines.join('');
    expect(output).not.toContain(token);
    expect(output).not.toContain('sk-key-abcdef');
    expect(output).not.toContain('x'.repeat(35));
    // The error text appears in both its message and its stack.
    expect(output.match(/\[redacted\]/g)).toHaveLength(4);
  });
});
