import { describe, expect, it } from 'vitest';
import { PROTOCOLS, useBothProtocols } from './both-protocols.js';
import { collect } from './collect-stream.js';

const start = useBothProtocols();
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe.each(PROTOCOLS)('%s adapter: a consumer that throws', (name) => {
  it('stops the stream with its own error, not a provider error, and aborts the HTTP request', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: 'word '.repeat(200), tokenChars: 5, tokensPerSecond: 50 });
    const mistake = new TypeError('the consumer broke');
    const result = await collect(
      (emit) => provider.stream(request, new AbortController().signal, emit),
      (event) => {
        if (event.type === 'text-delta') throw mistake;
      },
    );
    expect(result.error).toBe(mistake);
    expect(result.events).toHaveLength(1);
    expect(await server.requests[0]?.settled).toBe('client-aborted');
  });
});
