import { describe, expect, it } from 'vitest';
import { type AnswerEvent, streamWithTools } from '../../src/conversation/stream-with-tools.js';
import { createDemoProvider } from '../../src/playground/demo-provider.js';
import { createBuiltinTools } from '../../src/tools/builtin/builtin-tools.js';

const fast = { tokensPerSecond: 5000, firstTokenDelayMs: 0, tickMs: 1 };
const tools = new Map(
  createBuiltinTools({ enabled: ['current_time', 'calculator'], timeZone: 'UTC' }).map((t) => [
    t.definition.name,
    t,
  ]),
);
const settings = { timeoutMs: 5_000, maxSteps: 3, maxResultChars: 2_000 };

async function ask(question: string) {
  const events: AnswerEvent[] = [];
  const transcript = { messages: [] };
  await streamWithTools(
    createDemoProvider(fast),
    { model: 'fast', messages: [{ role: 'user', content: question }] },
    tools,
    settings,
    new AbortController().signal,
    transcript,
    (event) => events.push(event),
  );
  const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
  return { events, text, transcript };
}

describe('demo model with the built-in tools', () => {
  it('calls the calculator for arithmetic and answers from the result', async () => {
    const { events, text } = await ask('What is 12 * (3 + 4)?');
    expect(events.find((e) => e.type === 'tool-started')).toMatchObject({
      call: { name: 'calculator', arguments: { expression: '12 * (3 + 4)' } },
    });
    expect(text).toMatch(/^Let me work that out with the calculator\.\n\n\*\*calculator\*\* says: 84/);
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('calls current_time when asked for the time', async () => {
    const { text, transcript } = await ask('What time is it?');
    expect(text).toContain('**current_time** says:');
    expect(transcript.messages).toHaveLength(2);
  });

  it('answers plainly without tools', async () => {
    const { events } = await ask('Hello there');
    expect(events.some((e) => e.type === 'tool-started')).toBe(false);
  });
});
