import { describe, expect, it } from 'vitest';
import { composeDemoAnswer, pickDemoTopic } from '../../src/playground/demo-answers.js';
import { createDemoProvider, DEMO_MODELS } from '../../src/playground/demo-provider.js';
import { splitIntoTokens } from '../../src/playground/demo-tokens.js';
import {
  ProviderAbortedError,
  ProviderConnectionLostError,
  ProviderServerError,
} from '../../src/providers/errors.js';
import type { ChatRequest, StreamEvent } from '../../src/providers/types.js';

const fast = { tokensPerSecond: 4000, firstTokenDelayMs: 5, tickMs: 5, random: () => 0.5 };

function request(content: string, model = 'fast', extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model, system: 'You are helpful.', messages: [{ role: 'user', content }], ...extra };
}

async function collect(
  stream: (emit: (event: StreamEvent) => void) => Promise<void>,
): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  await stream((event) => all.push(event));
  return all;
}

const textOf = (events: StreamEvent[], type: 'text-delta' | 'reasoning-delta') =>
  events.map((e) => (e.type === type ? e.text : '')).join('');

describe('demo model', () => {
  it('streams the whole canned Markdown answer in many small deltas, then one finish with usage', async () => {
    const demo = createDemoProvider(fast);
    const events = await collect((emit) =>
      demo.stream(request('show me some code'), new AbortController().signal, emit),
    );
    const text = textOf(events, 'text-delta');
    expect(text).toBe(composeDemoAnswer(request('show me some code'), { thinking: false }).text);
    expect(text).toContain('```typescript');
    const deltas = events.filter((e) => e.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(100);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: expect.any(Number), outputTokens: deltas.length, cachedInputTokens: 0 },
    });
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('thinking model streams reasoning before the text and reports reasoning tokens', async () => {
    const demo = createDemoProvider(fast);
    const events = await collect((emit) =>
      demo.stream(request('make a table', 'thinking'), new AbortController().signal, emit),
    );
    const firstText = events.findIndex((e) => e.type === 'text-delta');
    const lastReasoning = events.findLastIndex((e) => e.type === 'reasoning-delta');
    expect(lastReasoning).toBeGreaterThan(0);
    expect(lastReasoning).toBeLessThan(firstText);
    expect(textOf(events, 'reasoning-delta')).toContain('make a table');
    expect(textOf(events, 'text-delta')).toContain('| Chats |');
    const finish = events.at(-1);
    expect(finish?.type === 'finish' && finish.usage?.reasoningTokens).toBe(lastReasoning + 1);
  });

  it('has a long answer that needs several 4096-character messages', () => {
    const { text } = composeDemoAnswer(request('write something long'), { thinking: false });
    expect(text.length).toBeGreaterThan(2 * 4096);
  });

  it('picks answers by keyword and echoes unknown questions', () => {
    expect(pickDemoTopic('Write a LONG essay')).toBe('long');
    expect(pickDemoTopic('a python function please')).toBe('code');
    expect(pickDemoTopic('show the formatting')).toBe('formatting');
    expect(pickDemoTopic('hello!')).toBe('greeting');
    expect(composeDemoAnswer(request('what is love?'), { thinking: false }).text).toContain('what is love?');
  });

  it('counts earlier turns as cached input, in 128-token blocks', async () => {
    const demo = createDemoProvider(fast);
    const history = 'earlier words '.repeat(200);
    const events = await collect((emit) =>
      demo.stream(
        {
          model: 'fast',
          messages: [
            { role: 'user', content: history },
            { role: 'assistant', content: history },
            { role: 'user', content: 'hi' },
          ],
        },
        new AbortController().signal,
        emit,
      ),
    );
    const finish = events.at(-1);
    if (finish?.type !== 'finish' || finish.usage === undefined) throw new Error('no usage');
    expect(finish.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(finish.usage.cachedInputTokens! % 128).toBe(0);
    expect(finish.usage.cachedInputTokens).toBeLessThan(finish.usage.inputTokens);
  });

  it('stops at maxOutputTokens with reason length', async () => {
    const demo = createDemoProvider(fast);
    const events = await collect((emit) =>
      demo.stream(request('hello', 'fast', { maxOutputTokens: 10 }), new AbortController().signal, emit),
    );
    expect(events.filter((e) => e.type === 'text-delta')).toHaveLength(10);
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'length', usage: { outputTokens: 10 } });
  });

  it('throws ProviderAbortedError when the signal fires mid-stream, and before the first token', async () => {
    const demo = createDemoProvider({ ...fast, tokensPerSecond: 200 });
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    const run = demo.stream(request('write something long'), controller.signal, (event) => {
      seen.push(event);
      if (seen.length === 5) controller.abort();
    });
    await expect(run).rejects.toBeInstanceOf(ProviderAbortedError);
    expect(seen.length).toBeLessThan(20);
    expect(seen.some((e) => e.type === 'finish')).toBe(false);

    const early = new AbortController();
    const pending = collect((emit) =>
      createDemoProvider({ firstTokenDelayMs: 60_000 }).stream(request('hi'), early.signal, emit),
    );
    early.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted', provider: 'demo', model: 'fast' });
    const already = AbortSignal.abort();
    await expect(collect((emit) => demo.stream(request('hi'), already, emit))).rejects.toBeInstanceOf(
      ProviderAbortedError,
    );
  });

  it('fails its next request on demand: overloaded before any text, connection lost after some', async () => {
    const demo = createDemoProvider(fast);
    demo.failNextRequest('overloaded');
    demo.failNextRequest('connection-lost');
    expect(demo.pendingFailures()).toEqual(['overloaded', 'connection-lost']);

    const overloaded = collect((emit) => demo.stream(request('hi'), new AbortController().signal, emit));
    await expect(overloaded).rejects.toBeInstanceOf(ProviderServerError);
    await expect(overloaded).rejects.toMatchObject({ overloaded: true, status: 529 });

    const seen: StreamEvent[] = [];
    const cut = demo.stream(request('write something long'), new AbortController().signal, (event) => {
      seen.push(event);
    });
    await expect(cut).rejects.toBeInstanceOf(ProviderConnectionLostError);
    expect(seen.length).toBeGreaterThan(0);
    expect(demo.pendingFailures()).toEqual([]);
    // Then it is healthy again.
    const events = await collect((emit) => demo.stream(request('hi'), new AbortController().signal, emit));
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('streams at a realistic pace by default (tens of tokens per second, not all at once)', async () => {
    const demo = createDemoProvider({ firstTokenDelayMs: 0 });
    const started = performance.now();
    let tokens = 0;
    const reading = new AbortController();
    const run = demo.stream(request('show me some code'), reading.signal, (event) => {
      if (event.type === 'text-delta') tokens++;
      if (tokens === 20) reading.abort();
    });
    await expect(run).rejects.toBeInstanceOf(ProviderAbortedError);
    // 20 tokens at ~45/s take about 0.45 s; only a lower bound is safe on a busy machine.
    expect(performance.now() - started).toBeGreaterThan(200);
  });

  it('offers only the demo models', () => {
    expect(DEMO_MODELS.map((m) => m.id)).toEqual(['demo:fast', 'demo:thinking']);
  });
});

describe('splitIntoTokens', () => {
  it('gives the text back unchanged and keeps tokens short', () => {
    for (const text of [
      'Hello, **world**!\n\n```ts\nconst x = 1;\n```\n  ',
      '👋 émigré naïveté 12345678',
      '',
    ]) {
      const tokens = splitIntoTokens(text);
      expect(tokens.join('')).toBe(text);
      for (const token of tokens) expect(token.trim().length).toBeLessThanOrEqual(6);
    }
  });
});
