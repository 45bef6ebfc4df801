import { describe, expect, it } from 'vitest';
import { createCalculatorTool } from '../../src/tools/builtin/calculator.js';
import { runToolCalls } from '../../src/tools/run-tool-calls.js';
import type { Tool } from '../../src/tools/types.js';

function tool(name: string, run: Tool['run']): Tool {
  return { source: 'test', definition: { name, description: name, inputSchema: { type: 'object' } }, run };
}

const hang = tool(
  'hang',
  (_args, signal) =>
    new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
);
const deaf = tool('deaf', () => new Promise(() => {}));
const big = tool('big', async () => ({ text: 'x'.repeat(5000) }));
const broken = tool('broken', async () => {
  throw new Error('disk on fire');
});
const tools = new Map([createCalculatorTool(), hang, deaf, big, broken].map((t) => [t.definition.name, t]));
const settings = { timeoutMs: 200, maxResultChars: 100 };

describe('runToolCalls', () => {
  it('runs calls in parallel and answers every one, failures included', async () => {
    const started: string[] = [];
    const done = await runToolCalls(
      [
        { call: { id: 'a', name: 'calculator', arguments: { expression: '6*7' } } },
        { call: { id: 'b', name: 'hang', arguments: {} } },
        { call: { id: 'c', name: 'deaf', arguments: {} } },
        { call: { id: 'd', name: 'big', arguments: {} } },
        { call: { id: 'e', name: 'broken', arguments: {} } },
        { call: { id: 'f', name: 'nope', arguments: {} } },
        {
          call: { id: 'g', name: 'calculator', arguments: {} },
          parseError: 'the arguments are not valid JSON',
        },
      ],
      tools,
      settings,
      new AbortController().signal,
      { onStart: (call) => started.push(call.id) },
    );
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const byId = Object.fromEntries(done.map((d) => [d.call.id, d.result]));
    expect(byId.a).toEqual({ role: 'tool', toolCallId: 'a', name: 'calculator', content: '42' });
    expect(byId.b).toMatchObject({ isError: true, content: expect.stringMatching(/did not answer within/) });
    expect(byId.c).toMatchObject({ isError: true, content: expect.stringMatching(/did not answer within/) });
    expect(byId.d?.content).toMatch(/^x{100}\n\[truncated: the result had 5000 characters/);
    expect(byId.e).toMatchObject({ isError: true, content: 'The tool failed: disk on fire' });
    expect(byId.f).toMatchObject({ isError: true, content: 'There is no tool named "nope".' });
    expect(byId.g).toMatchObject({
      isError: true,
      content: expect.stringMatching(/not run: the arguments are not valid JSON/),
    });
  });

  it('rejects when stopped, ending a hanging tool through its signal', async () => {
    const stop = new AbortController();
    let toolSawAbort = false;
    const watched = tool(
      'watched',
      (_args, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            toolSawAbort = true;
            reject(new Error('cancelled'));
          }),
        ),
    );
    const running = runToolCalls(
      [{ call: { id: 'a', name: 'watched', arguments: {} } }],
      new Map([['watched', watched]]),
      { timeoutMs: 60_000, maxResultChars: 100 },
      stop.signal,
      { onStart: () => setTimeout(() => stop.abort(new Error('stopped by user')), 10) },
    );
    await expect(running).rejects.toThrow('stopped by user');
    expect(toolSawAbort).toBe(true);
  });
});
