import { describe, expect, it } from 'vitest';
import { sendAndWaitReply } from '../telegram/features/support.js';
import { botMessages, E2E_TIMEOUT_MS, useAnswerWorld } from './answer-e2e-support.js';

// Tools end to end: a question in the emulator, the fake model calls a built-in tool through the real
// SDK, the bot runs it, sends the result back and the answer goes on in the same message.

const start = useAnswerWorld();
const toolChoiceSent = (body: unknown) => (body as { tool_choice?: unknown } | undefined)?.tool_choice;
const toolsSent = (body: unknown) => (body as { tools?: unknown[] } | undefined)?.tools;

describe('answering with tools', () => {
  it(
    'OpenAI: runs the calculator, continues the answer and stores the summed usage once',
    async () => {
      const { world, store } = await start({ STREAM_MODE: 'edit', TIME_ZONE: 'Asia/Tokyo' });
      world.openai.enqueue({
        text: 'Let me compute that.',
        toolCalls: [
          {
            id: 'call_calc',
            name: 'calculator',
            arguments: '{"expression":"6 * (3 + 4)"}',
            argumentChars: 4,
          },
          { id: 'call_time', name: 'current_time', arguments: '{}' },
        ],
        usage: { inputTokens: 100, outputTokens: 30 },
      });
      // The second request waits a little, so the frame with the finished tool lines is shown.
      world.openai.enqueue({
        text: 'It is 42.',
        usage: { inputTokens: 160, outputTokens: 5 },
        firstTokenDelayMs: 2500,
      });
      const user = world.telegram.createUser({ firstName: 'Ada' });
      world.telegram.userSends({ chat: user.id, text: 'What is 6 times 7?' });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: 'Let me compute that.\n\nIt is 42.' });
      // One message, written on across the tool round: the text before the call is kept, not repeated,
      // under a collapsed record of the calls.
      const shown = botMessages(world, user.id);
      expect(shown).toHaveLength(1);
      const record = /^🔧 calculator · "6 \* \(3 \+ 4\)" ✓ \d+\.\d s\n🔧 current_time ✓ \d+\.\d s$/;
      const [recordText, answerText] = (shown[0]?.text ?? '').split('\n\n', 2);
      expect(recordText).toMatch(record);
      expect(shown[0]?.text).toBe(`${recordText}\n\nLet me compute that.\n\nIt is 42.`);
      expect(answerText).toBe('Let me compute that.');
      expect(shown[0]?.entities).toContainEqual({
        type: 'expandable_blockquote',
        offset: 0,
        length: recordText?.length,
      });
      // While the tools ran, the message showed a line per call under the text written so far.
      const frames = world.telegram
        .timeline(user.id)
        .map((event) => ('text' in event ? String(event.text) : ''))
        // The live frames (the final text opens with the record instead).
        .filter((frameText) => frameText.startsWith('Let me') && frameText.includes('🔧'));
      expect(frames.at(-1)).toMatch(
        /^Let me compute that\.\n\n🔧 calculator · "6 \* \(3 \+ 4\)" ✓ \d+\.\d s\n🔧 current_time ✓ \d+\.\d s$/,
      );

      expect(world.openai.requests).toHaveLength(2);
      const first = world.openai.requests[0]?.body as { tools?: { function: { name: string } }[] };
      expect(first.tools?.map((tool) => tool.function.name).sort()).toEqual(['calculator', 'current_time']);
      const second = world.openai.requests[1]?.messages ?? [];
      expect(second.slice(-3)).toEqual([
        {
          role: 'assistant',
          content: 'Let me compute that.',
          tool_calls: [
            {
              id: 'call_calc',
              type: 'function',
              function: { name: 'calculator', arguments: '{"expression":"6 * (3 + 4)"}' },
            },
            { id: 'call_time', type: 'function', function: { name: 'current_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_calc', content: '42' },
        { role: 'tool', tool_call_id: 'call_time', content: expect.stringContaining('time zone Asia/Tokyo') },
      ]);
      expect(store.usage()).toEqual([
        expect.objectContaining({ messageId: answer?.id, inputTokens: 260, outputTokens: 35 }),
      ]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'Anthropic: a malformed call gets an error result and the answer still ends well',
    async () => {
      const { world, store } = await start({ DEFAULT_MODEL: 'anthropic:claude-test' });
      world.anthropic.enqueue({
        text: '',
        toolCalls: [{ id: 'toolu_bad', name: 'calculator', arguments: '{"expression": "1+' }],
      });
      world.anthropic.enqueue({ text: 'Sorry, I could not compute that.' });
      const user = world.telegram.createUser({ firstName: 'Bo' });
      world.telegram.userSends({ chat: user.id, text: 'Compute 1+?' });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: 'Sorry, I could not compute that.' });
      const second = world.anthropic.requests[1]?.messages ?? [];
      expect(second.at(-1)).toEqual({
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_bad',
            content: expect.stringMatching(/not run: the arguments are not valid JSON/),
            is_error: true,
          },
        ],
      });
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'MAX_TOOL_STEPS: after the last allowed round the model must answer in text (tool_choice none)',
    async () => {
      const { world, store } = await start({ MAX_TOOL_STEPS: '1' });
      world.openai.enqueue({
        text: '',
        toolCalls: [{ name: 'calculator', arguments: '{"expression":"2+2"}' }],
      });
      world.openai.enqueue({ text: 'Four.' });
      const user = world.telegram.createUser({ firstName: 'Cy' });
      world.telegram.userSends({ chat: user.id, text: '2+2?' });
      const [answer] = await store.waitForFinished(1);
      expect(answer?.content).toBe('Four.');
      expect(toolsSent(world.openai.requests[0]?.body)).toHaveLength(2);
      expect(toolsSent(world.openai.requests[1]?.body)).toHaveLength(2);
      expect(toolChoiceSent(world.openai.requests[1]?.body)).toBe('none');
      expect(toolChoiceSent(world.openai.requests[0]?.body)).toBeUndefined();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'BUILTIN_TOOLS=none sends no tools at all',
    async () => {
      const { world, store } = await start({ BUILTIN_TOOLS: 'none' });
      world.openai.enqueue({ text: 'Plain.' });
      const user = world.telegram.createUser({ firstName: 'Di' });
      world.telegram.userSends({ chat: user.id, text: 'Hi' });
      await store.waitForFinished(1);
      expect(toolsSent(world.openai.requests[0]?.body)).toBeUndefined();
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'a follow-up sees the earlier tool call and result, also after /model switches to Anthropic',
    async () => {
      const { world, store } = await start({});
      world.openai.enqueue({
        text: 'Computing.',
        toolCalls: [{ id: 'call_sq', name: 'calculator', arguments: '{"expression":"sqrt(144)"}' }],
      });
      world.openai.enqueue({ text: 'It is 12.' });
      world.openai.enqueue({ text: 'Still 12.' });
      world.anthropic.enqueue({ text: 'Yes, 12.' });
      const user = world.telegram.createUser({ firstName: 'Eve' });
      world.telegram.userSends({ chat: user.id, text: 'sqrt(144)?' });
      await store.waitForFinished(1);

      world.telegram.userSends({ chat: user.id, text: 'Sure?' });
      await store.waitForFinished(2);
      expect(world.openai.requests[2]?.messages.slice(1)).toEqual([
        { role: 'user', content: 'sqrt(144)?' },
        {
          role: 'assistant',
          content: 'Computing.',
          tool_calls: [
            {
              id: 'call_sq',
              type: 'function',
              function: { name: 'calculator', arguments: '{"expression":"sqrt(144)"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_sq', content: '12' },
        { role: 'assistant', content: 'It is 12.' },
        { role: 'user', content: 'Sure?' },
      ]);

      await sendAndWaitReply(world.telegram, { chat: user.id, text: '/model claude-test' });
      world.telegram.userSends({ chat: user.id, text: 'Really?' });
      await store.waitForFinished(3);
      expect(world.anthropic.requests[0]?.messages).toEqual([
        { role: 'user', content: 'sqrt(144)?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Computing.' },
            { type: 'tool_use', id: 'call_sq', name: 'calculator', input: { expression: 'sqrt(144)' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'call_sq', content: '12' }],
        },
        { role: 'assistant', content: 'It is 12.' },
        { role: 'user', content: 'Sure?' },
        { role: 'assistant', content: 'Still 12.' },
        { role: 'user', content: 'Really?' },
      ]);
    },
    E2E_TIMEOUT_MS,
  );
});
