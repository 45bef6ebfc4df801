import { describe, expect, it } from 'vitest';
import { PROTOCOLS, useBothProtocols } from './both-protocols.js';
import { collect } from './collect-stream.js';

const start = useBothProtocols();
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe.each(PROTOCOLS)('%s adapter: a consumer that throws', (name) => {
  it('mid-stream: the stream stops with that error, not a provider error, and the HTTP request is aborted', async () => {
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

  it('on the finish event: the stream rejects with that error as it was', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: 'Short.' });
    const mistake = new RangeError('the consumer broke at the end');
    const result = await collect(
      (emit) => provider.stream(request, new AbortController().signal, emit),
      (event) => {
        if (event.type === 'finish') throw mistake;
      },
    );
    expect(result.error).toBe(mistake);
    expect(result.text).toBe('Short.');
    expect(result.events.at(-1)?.type).toBe('finish');
  });
});
