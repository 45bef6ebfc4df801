import { afterEach, describe, expect, it } from 'vitest';
import {
  answers,
  botMessagesAfter,
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

const ADA = 1001;
const BOB = 1002;
const STRANGER = 2002;

async function startGroupWorld(env: Record<string, string> = {}) {
  const w = await startWorld({ ALLOWED_USERS: `${ADA},@bob_b`, ...env });
  w.telegram.createUser({ id: ADA, firstName: 'Ada', username: 'ada_l' });
  w.telegram.createUser({ id: BOB, firstName: 'Bob', username: 'bob_b' });
  w.telegram.createUser({ id: STRANGER, firstName: 'Eve', username: 'eve_x' });
  return w;
}

const usageUsers = (w: TestWorld) =>
  w.query<{ user_id: number }>('SELECT user_id FROM usage ORDER BY id').map((r) => r.user_id);

describe('groups', () => {
  it('answers only on a mention, a reply to the bot or a command; the conversation is the group’s, the usage the asker’s', async () => {
    world = await startGroupWorld();
    const { telegram, openai } = world;
    const bot = `@${telegram.bot.username}`;
    const group = telegram.createGroup({ title: 'Team' });
    openai.setHandler((request) => ({ text: `Re: ${String(request.messages.at(-1)?.content)}` }));

    const chatter = telegram.userSends({ chat: group.id, from: ADA, text: 'Lunch at noon?' });
    telegram.userSends({ chat: group.id, from: ADA, text: `${bot} what is 2+2?` });
    const [first] = await waitForAnswers(world, 1);
    expect(openai.requests.map((request) => request.messages.at(-1)?.content)).toEqual(['what is 2+2?']);
    expect(first?.content).toBe('Re: what is 2+2?');

    // Bob replies to the bot's answer without mentioning it: the group's conversation goes on.
    const answerId = JSON.parse(first?.telegram_message_ids ?? '[]')[0] as number;
    telegram.userSends({ chat: group.id, from: BOB, text: 'and times 3?', replyToMessageId: answerId });
    await waitForAnswers(world, 2);
    expect(openai.requests[1]?.messages.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
      'what is 2+2?',
      'Re: what is 2+2?',
      'and times 3?',
    ]);

    // A reply to someone else's message, with a mention, brings that message along.
    telegram.userSends({
      chat: group.id,
      from: BOB,
      text: `${bot} is this a good idea?`,
      replyToMessageId: chatter.message_id,
    });
    await waitForAnswers(world, 3);
    expect(openai.requests[2]?.messages.at(-1)?.content).toBe(
      'Ada wrote:\n"""\nLunch at noon?\n"""\n\nis this a good idea?',
    );
    expect(usageUsers(world)).toEqual([ADA, BOB, BOB]);

    const usage = await sendAndWaitReply(telegram, { chat: group.id, from: ADA, text: '/usage' });
    expect(usage.text).toMatch(/^Your token usage/);
    const other = telegram.lastSeq();
    telegram.userSends({ chat: group.id, from: ADA, text: '/model@some_other_bot' });
    const model = await sendAndWaitReply(telegram, {
      chat: group.id,
      from: ADA,
      text: `/model@${telegram.bot.username}`,
    });
    expect(model.text).toContain('Model: openai:gpt-test');
    expect(botMessagesAfter(telegram, group.id, other)).toHaveLength(1);
    expect(openai.requests).toHaveLength(3);
  });

  it('reads a long paste in a group as one question though only its first part mentions the bot', async () => {
    world = await startGroupWorld();
    const { telegram, openai } = world;
    const group = telegram.createGroup({ title: 'Team' });
    const part1 = `@${telegram.bot.username} check this config:\n${'key = value\n'.repeat(330)}`.trim();
    telegram.userSends({ chat: group.id, from: ADA, text: part1 });
    telegram.userSends({ chat: group.id, from: ADA, text: 'last_key = 1' });
    await waitForAnswers(world, 1);
    expect(openai.requests).toHaveLength(1);
    const asked = String(openai.requests[0]?.messages.at(-1)?.content);
    expect(asked.startsWith('check this config:\nkey = value')).toBe(true);
    expect(asked.endsWith('key = value\nlast_key = 1')).toBe(true);
  });

  it('keeps a forum topic’s answer in its thread and lets only the asker (or an admin) stop it', async () => {
    world = await startGroupWorld({ ADMIN_USERS: '9999' });
    const { telegram, openai } = world;
    const forum = telegram.createGroup({ title: 'Forum', isForum: true });
    const topic = telegram.createTopic(forum, 'Questions');
    openai.enqueue({ text: 'A slow answer that stalls after a few words', stallAt: 12 });
    telegram.userSends({ chat: forum.id, from: ADA, threadId: topic, text: `@${telegram.bot.username} hi` });
    const live = await telegram.waitFor(() => telegram.lastBotMessage(forum.id), { timeoutMs: TIMEOUT_MS });
    expect(live.threadId).toBe(topic);

    const refused = await sendAndWaitReply(telegram, {
      chat: forum.id,
      from: BOB,
      threadId: topic,
      text: '/stop',
    });
    expect(refused.text).toBe('Only the person who asked (or an admin) can stop this answer.');
    expect(refused.threadId).toBe(topic);
    expect(openai.requests[0]?.outcome).toBeUndefined();

    telegram.userSends({ chat: forum.id, from: ADA, threadId: topic, text: '/stop' });
    expect(await openai.requests[0]?.settled).toBe('client-aborted');
    const [stored] = await waitForAnswers(world, 1);
    expect(stored?.status).toBe('cancelled');
    expect(world.query('SELECT thread_id FROM messages ORDER BY id')).toEqual([
      { thread_id: topic },
      { thread_id: topic },
    ]);
  });
});

describe('access', () => {
  it('refuses a stranger once per message with their id, in private, in a group when addressed, and on buttons; nothing reaches a model', async () => {
    world = await startGroupWorld();
    const { telegram, openai } = world;
    const refusal = `Sorry, this bot is private. Your Telegram user id is ${STRANGER}: the owner can add it to ALLOWED_USERS.`;

    const privateReply = await sendAndWaitReply(telegram, { chat: STRANGER, text: 'Hello?' });
    expect(privateReply.text).toBe(refusal);
    const commandReply = await sendAndWaitReply(telegram, { chat: STRANGER, text: '/model' });
    expect(commandReply.text).toBe(refusal);

    const group = telegram.createGroup({ title: 'Mixed' });
    const picker = await sendAndWaitReply(telegram, { chat: group.id, from: ADA, text: '/model' });
    const before = telegram.lastSeq();
    telegram.userSends({ chat: group.id, from: STRANGER, text: 'just chatting' });
    const groupReply = await sendAndWaitReply(telegram, {
      chat: group.id,
      from: STRANGER,
      text: `@${telegram.bot.username} answer me`,
    });
    expect(groupReply.text).toBe(refusal);
    expect(botMessagesAfter(telegram, group.id, before)).toHaveLength(1);

    const press = await pressAndWaitAnswer(telegram, {
      chat: group.id,
      from: STRANGER,
      messageId: picker.messageId,
      data: 'model:anthropic:claude-test',
    });
    expect(press).toEqual({ text: refusal, showAlert: true, at: expect.any(Number) });
    expect(world.query('SELECT model FROM chats WHERE id = ?', group.id)).toEqual([{ model: null }]);
    expect(openai.requests).toHaveLength(0);
    expect(answers(world)).toHaveLength(0);

    // Allowed by @username as well as by id.
    const bobReply = await sendAndWaitReply(telegram, { chat: BOB, text: '/help' });
    expect(bobReply.text).toMatch(/^Commands/);
  });
});

describe('other input', () => {
  it('answers photos (for a text-only model), voice, stickers and files with what the bot can read; ignores edits; points unknown commands to /help', async () => {
    world = await startGroupWorld({ TEXT_ONLY_MODELS: 'openai:gpt-test' });
    const { telegram, openai } = world;
    const photo = await sendAndWaitMedia(world, { chat: ADA, kind: 'photo', caption: 'what is this?' });
    expect(photo).toMatch(/reads text only/);
    expect(await sendAndWaitMedia(world, { chat: ADA, kind: 'voice' })).toMatch(/voice messages/);
    expect(await sendAndWaitMedia(world, { chat: ADA, kind: 'sticker' })).toMatch(/Nice sticker/);
    expect(await sendAndWaitMedia(world, { chat: ADA, kind: 'document', fileName: 'setup.exe' })).toMatch(
      /don’t open programs/,
    );

    const group = telegram.createGroup({ title: 'Team' });
    const before = telegram.lastSeq();
    telegram.userSendsMedia({ chat: group.id, from: ADA, kind: 'photo' });
    const addressed = await sendAndWaitMedia(world, {
      chat: group.id,
      from: ADA,
      kind: 'photo',
      caption: `@${telegram.bot.username} look`,
    });
    expect(addressed).toMatch(/reads text only/);
    expect(botMessagesAfter(telegram, group.id, before)).toHaveLength(1);

    openai.enqueue({ text: 'Paris.' });
    const question = telegram.userSends({ chat: ADA, text: 'Capital of France?' });
    await waitForAnswers(world, 1);
    telegram.editUserMessage({ chat: ADA, messageId: question.message_id, text: 'Capital of Italy?' });
    const unknown = await sendAndWaitReply(telegram, { chat: ADA, text: '/frobnicate' });
    expect(unknown.text).toBe('I don’t know /frobnicate. /help lists what I can do.');
    expect(openai.requests).toHaveLength(1);
    expect(world.logs.join('')).toContain('edited message ignored');
  });
});

async function sendAndWaitMedia(
  w: TestWorld,
  input: {
    chat: number;
    from?: number;
    kind: 'photo' | 'voice' | 'sticker' | 'document';
    caption?: string;
    fileName?: string;
  },
): Promise<string | undefined> {
  const bookmark = w.telegram.lastSeq();
  w.telegram.userSendsMedia(input);
  const reply = await w.telegram.waitFor(() => botMessagesAfter(w.telegram, input.chat, bookmark)[0], {
    timeoutMs: TIMEOUT_MS,
  });
  return reply.text;
}
