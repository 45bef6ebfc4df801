import { afterEach, describe, expect, it } from 'vitest';
import type { MessageState } from '../../../src/emulator/index.js';
import {
  pressAndWaitAnswer,
  sendAndWaitReply,
  startWorld,
  type TestWorld,
  TIMEOUT_MS,
  waitForAnswers,
} from './support.js';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function buttons(message: MessageState): { text: string; callback_data?: string }[] {
  const markup = message.replyMarkup as { inline_keyboard?: { text: string; callback_data?: string }[][] };
  return (markup?.inline_keyboard ?? []).flat();
}

const toolNames = (body: unknown) =>
  ((body as { tools?: { function: { name: string } }[] }).tools ?? []).map((tool) => tool.function.name);

describe('/tools', () => {
  it('lists the built-in tools the model may call, with switches', async () => {
    world = await startWorld();
    const user = world.telegram.createUser({ firstName: 'Ada' });
    const reply = await sendAndWaitReply(world.telegram, { chat: user.id, text: '/tools' });
    expect(reply.text).toMatch(/up to 5 rounds per answer/);
    expect(reply.text).toContain('Built in:\n• current_time — The current date, time and weekday in UTC.');
    expect(reply.text).toContain('• calculator — Evaluates an arithmetic expression');
    expect(reply.text).toContain('Answers open with a collapsed list of the tools they called.');
    expect(buttons(reply)).toEqual([
      { text: '✅ Built in', callback_data: 'tools:src:builtin' },
      { text: '✅ List the calls in answers', callback_data: 'tools:record' },
    ]);
  });

  it('says so when no tool is enabled', async () => {
    world = await startWorld({ BUILTIN_TOOLS: 'none' });
    const user = world.telegram.createUser({ firstName: 'Bo' });
    const reply = await sendAndWaitReply(world.telegram, { chat: user.id, text: '/tools' });
    expect(reply.text).toBe('No tools are enabled: answers are written from the model alone.');
  });

  it(
    'a button switches the built-ins off for this chat only, and on again',
    async () => {
      world = await startWorld();
      const telegram = world.telegram;
      const ada = telegram.createUser({ firstName: 'Ada' });
      const bo = telegram.createUser({ firstName: 'Bo' });
      const reply = await sendAndWaitReply(telegram, { chat: ada.id, text: '/tools' });
      const answer = await pressAndWaitAnswer(telegram, {
        chat: ada.id,
        messageId: reply.messageId,
        data: 'tools:src:builtin',
      });
      expect(answer.text).toBe('Built in: off in this chat.');
      const edited = await telegram.waitFor(
        () => {
          const message = telegram.visibleMessages(ada.id).find((m) => m.messageId === reply.messageId);
          return message?.text?.includes('(off in this chat)') ? message : undefined;
        },
        { timeoutMs: TIMEOUT_MS, message: 'the keyboard message showing the switch' },
      );
      expect(buttons(edited)[0]).toEqual({ text: '⛔ Built in', callback_data: 'tools:src:builtin' });
      expect(
        world.query<{ disabled_tool_sources: string }>(
          'SELECT disabled_tool_sources FROM chats WHERE id = ?',
          ada.id,
        ),
      ).toEqual([{ disabled_tool_sources: '["builtin"]' }]);

      // Ada's chat sends no tools; Bo's chat still has them.
      world.openai.enqueue({ text: 'No tools here.' });
      world.openai.enqueue({ text: 'Tools here.' });
      telegram.userSends({ chat: ada.id, text: 'Hi' });
      await waitForAnswers(world, 1, ada.id);
      telegram.userSends({ chat: bo.id, text: 'Hi' });
      await waitForAnswers(world, 1, bo.id);
      expect(toolNames(world.openai.requests[0]?.body)).toEqual([]);
      expect(toolNames(world.openai.requests[1]?.body).sort()).toEqual(['calculator', 'current_time']);

      await pressAndWaitAnswer(telegram, {
        chat: ada.id,
        messageId: reply.messageId,
        data: 'tools:src:builtin',
      });
      world.openai.enqueue({ text: 'Tools again.' });
      telegram.userSends({ chat: ada.id, text: 'Again' });
      await waitForAnswers(world, 2, ada.id);
      expect(toolNames(world.openai.requests[2]?.body).sort()).toEqual(['calculator', 'current_time']);
    },
    TIMEOUT_MS * 2,
  );

  it('refuses a forged source button without storing anything', async () => {
    world = await startWorld();
    const { telegram } = world;
    const user = telegram.createUser({ firstName: 'Cy' });
    const reply = await sendAndWaitReply(telegram, { chat: user.id, text: '/tools' });
    const bookmark = telegram.lastSeq();
    telegram.injectRawUpdate({
      callback_query: {
        id: 'forged-tools',
        from: { id: user.id, is_bot: false, first_name: 'Cy' },
        chat_instance: '1',
        message: { message_id: reply.messageId, date: 0, chat: { id: user.id, type: 'private' } },
        data: 'tools:src:nothing-here',
      },
    });
    const call = await telegram.waitFor(
      () => telegram.calls({ method: 'answerCallbackQuery', afterSeq: bookmark })[0],
      { timeoutMs: TIMEOUT_MS },
    );
    expect(call.params.text).toBe('That tool source is not available. Send /tools again.');
    expect(world.query('SELECT disabled_tool_sources FROM chats WHERE id = ?', user.id)).toEqual([
      { disabled_tool_sources: '[]' },
    ]);
  });

  it(
    '/tools hide leaves the record out of answers; the button shows it again',
    async () => {
      world = await startWorld();
      const telegram = world.telegram;
      const user = telegram.createUser({ firstName: 'Di' });
      const hidden = await sendAndWaitReply(telegram, { chat: user.id, text: '/tools hide' });
      expect(hidden.text).toBe('Tool calls hidden: answers show only their text.');
      const calc = { id: 'c1', name: 'calculator', arguments: '{"expression":"6*7"}' };
      world.openai.enqueue({ text: '', toolCalls: [calc] });
      world.openai.enqueue({ text: 'It is 42.' });
      telegram.userSends({ chat: user.id, text: '6*7?' });
      await waitForAnswers(world, 1, user.id);
      const last = () =>
        telegram
          .visibleMessages(user.id)
          .filter((m) => m.from === 'bot')
          .at(-1);
      expect(last()?.text).toBe('It is 42.');

      const menu = await sendAndWaitReply(telegram, { chat: user.id, text: '/tools' });
      expect(buttons(menu).at(-1)).toEqual({
        text: '⛔ List the calls in answers',
        callback_data: 'tools:record',
      });
      const answer = await pressAndWaitAnswer(telegram, {
        chat: user.id,
        messageId: menu.messageId,
        data: 'tools:record',
      });
      expect(answer.text).toBe('Tool calls shown above answers.');
      world.openai.enqueue({ text: '', toolCalls: [{ ...calc, id: 'c2' }] });
      world.openai.enqueue({ text: 'Still 42.' });
      telegram.userSends({ chat: user.id, text: 'Again?' });
      await waitForAnswers(world, 2, user.id);
      // 2*3*4-style arguments stay literal: the record is plain text, never Markdown.
      expect(last()?.text).toMatch(/^🔧 calculator · "6\*7" ✓ \d+\.\d s\n\nStill 42\.$/);
      expect(last()?.entities[0]).toMatchObject({ type: 'expandable_blockquote', offset: 0 });
    },
    TIMEOUT_MS * 2,
  );
});
