import { describe, expect, it } from 'vitest';
import { hasKeyboard } from '../../support/visible.js';
import {
  pressAndWaitAnswer,
  sendAndWaitReply,
  type TestWorld,
  TIMEOUT_MS,
  useTestWorld,
  waitForAnswers,
} from './support.js';

const start = useTestWorld();

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
const keyboardOf = (message: { replyMarkup?: unknown }) => message.replyMarkup as Keyboard;
const chatModel = (w: TestWorld, chatId: number) =>
  w.query<{ model: string | null }>('SELECT model FROM chats WHERE id = ?', chatId)[0]?.model;

describe('commands: menu, /start, /help, /model', () => {
  it('registers the command menus at start: private, groups, and /stats for admins', async () => {
    const world = await start({ ADMIN_USERS: '4242' });
    const commands = world.telegram.myCommands().map((command) => command.command);
    expect(commands).toEqual([
      'new',
      'model',
      'stop',
      'usage',
      'system',
      'reasoning',
      'tools',
      'help',
      'start',
    ]);
    const scoped = world.telegram
      .calls({ method: 'setMyCommands' })
      .map((call) => [JSON.stringify(call.params.scope ?? null), (call.params.commands as unknown[]).length]);
    expect(scoped).toEqual([
      ['null', 9],
      [JSON.stringify({ type: 'all_private_chats' }), 9],
      [JSON.stringify({ type: 'all_group_chats' }), 8],
      [JSON.stringify({ type: 'chat', chat_id: 4242 }), 10],
    ]);
  });

  it('/start welcomes with the model, system prompt and commands; /help explains groups', async () => {
    const world = await start();
    const { telegram } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const welcome = await sendAndWaitReply(telegram, { chat: user.id, text: '/start' });
    expect(welcome.text).toContain('Hi Ada!');
    expect(welcome.text).toContain('Model: openai:gpt-test');
    expect(welcome.text).toContain('System prompt: the default');
    expect(welcome.text).toContain('/model — Choose the model');
    expect(welcome.text).not.toContain('/stats');
    const help = await sendAndWaitReply(telegram, { chat: user.id, text: '/help' });
    expect(help.text).toContain('/new — Start a new conversation');
    expect(help.text).toContain(`mention @${telegram.bot.username}`);
    expect(help.entities.some((entity) => entity.type === 'bold')).toBe(true);
  });

  it('switches between OpenAI and Anthropic with the keyboard and with /model <id>; the next request goes there', async () => {
    const world = await start();
    const { telegram, openai, anthropic } = world;
    const user = telegram.createUser({ firstName: 'Ada' });

    const picker = await sendAndWaitReply(telegram, { chat: user.id, text: '/model' });
    expect(picker.text).toContain('Model: openai:gpt-test');
    expect(keyboardOf(picker).inline_keyboard).toEqual([
      [{ text: '✅ openai · gpt-test', callback_data: 'model:openai:gpt-test' }],
      [{ text: 'anthropic · claude-test', callback_data: 'model:anthropic:claude-test' }],
    ]);

    const answer = await pressAndWaitAnswer(telegram, {
      chat: user.id,
      messageId: picker.messageId,
      data: 'model:anthropic:claude-test',
    });
    expect(answer.text).toBe('Model: anthropic:claude-test');
    const edited = await telegram.waitFor(() => {
      const message = telegram.message(user.id, picker.messageId);
      return message?.text?.includes('claude-test') ? message : undefined;
    });
    expect(
      keyboardOf(edited)
        .inline_keyboard.flat()
        .map((button) => button.text),
    ).toEqual(['openai · gpt-test', '✅ anthropic · claude-test']);
    expect(chatModel(world, user.id)).toBe('anthropic:claude-test');

    anthropic.enqueue({ text: 'Claude here.', usage: { inputTokens: 10, outputTokens: 3 } });
    telegram.userSends({ chat: user.id, text: 'Who are you?' });
    await waitForAnswers(world, 1);
    expect(anthropic.requests.map((request) => request.model)).toEqual(['claude-test']);
    expect(openai.requests).toHaveLength(0);

    const again = await pressAndWaitAnswer(telegram, {
      chat: user.id,
      messageId: picker.messageId,
      data: 'model:anthropic:claude-test',
    });
    expect(again.text).toBe('Already using anthropic:claude-test.');

    const direct = await sendAndWaitReply(telegram, { chat: user.id, text: '/model gpt-test' });
    expect(direct.text).toContain('Model: openai:gpt-test');
    openai.enqueue({ text: 'GPT here.' });
    telegram.userSends({ chat: user.id, text: 'And now?' });
    await waitForAnswers(world, 2);
    expect(openai.requests.map((request) => request.model)).toEqual(['gpt-test']);
    expect(anthropic.requests).toHaveLength(1);
    // The second model sees the whole conversation, the first model's answer included.
    expect(openai.requests[0]?.messages.filter((message) => message.role !== 'system')).toEqual([
      { role: 'user', content: 'Who are you?' },
      { role: 'assistant', content: 'Claude here.' },
      { role: 'user', content: 'And now?' },
    ]);

    const unknown = await sendAndWaitReply(telegram, { chat: user.id, text: '/model gpt-9' });
    expect(unknown.text).toContain('There is no model gpt-9');
    expect(unknown.text).toContain('• openai:gpt-test\n• anthropic:claude-test');
    expect(chatModel(world, user.id)).toBe('openai:gpt-test');
  });

  it('answers a stale or forged model button politely and writes nothing', async () => {
    const world = await start();
    const { telegram } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    const picker = await sendAndWaitReply(telegram, { chat: user.id, text: '/model' });

    // The owner removes a model; the old keyboard still offers it.
    await world.restart({ env: { MODELS: 'openai:gpt-test' } });
    const stale = await pressAndWaitAnswer(telegram, {
      chat: user.id,
      messageId: picker.messageId,
      data: 'model:anthropic:claude-test',
    });
    expect(stale.text).toBe('That model is not available. Send /model to see the list.');
    expect(chatModel(world, user.id)).toBeNull();

    // A hand-made update with callback data no keyboard of ours ever carried.
    const bookmark = telegram.lastSeq();
    telegram.injectRawUpdate({
      callback_query: {
        id: 'forged-1',
        from: { id: user.id, is_bot: false, first_name: 'Ada' },
        chat_instance: '1',
        message: { message_id: picker.messageId, date: 0, chat: { id: user.id, type: 'private' } },
        data: 'model:evil:gpt-test',
      },
    });
    const call = await telegram.waitFor(
      () => telegram.calls({ method: 'answerCallbackQuery', afterSeq: bookmark })[0],
      { timeoutMs: TIMEOUT_MS },
    );
    expect(call.params.text).toBe('That model is not available. Send /model to see the list.');
    expect(chatModel(world, user.id)).toBeNull();
    expect(hasKeyboard(telegram.message(user.id, picker.messageId) ?? {})).toBe(true);
  });

  it('keeps the chosen model and the conversation across a restart of the bot', async () => {
    const world = await start();
    const { telegram, openai, anthropic } = world;
    const user = telegram.createUser({ firstName: 'Ada' });
    await sendAndWaitReply(telegram, { chat: user.id, text: '/model anthropic:claude-test' });
    anthropic.enqueue({ text: 'Noted: your name is Ada.' });
    telegram.userSends({ chat: user.id, text: 'My name is Ada.' });
    await waitForAnswers(world, 1);

    await world.restart();
    anthropic.enqueue({ text: 'You are Ada.' });
    telegram.userSends({ chat: user.id, text: 'What is my name?' });
    await waitForAnswers(world, 2);
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests[1]?.model).toBe('claude-test');
    expect(anthropic.requests[1]?.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Noted: your name is Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
  });
});
