import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../src/emulator/state/timeline.js';
import {
  botMessages,
  botTimeline,
  failedCalls,
  hasKeyboard,
  longAnswer,
  useAnswerWorld,
} from './answer-e2e-support.js';

// The chat path end to end: a user's message in the Bot API emulator, the answer streamed by a fake
// model server through the real SDK, delivered by the engine, and stored in a real SQLite file.

const start = useAnswerWorld();

type DraftEvent = Extract<TimelineEvent, { type: 'draft' }>;
type EditEvent = Extract<TimelineEvent, { type: 'edit' }>;
type MessageEvent = Extract<TimelineEvent, { type: 'message' }>;

const PROSE =
  'Streaming is the art of showing an answer while it is still being written. ' +
  'A good bot shows the first words at once, keeps the message growing about once a second, ' +
  'never breaks Telegram’s limits and always delivers the **complete final text**. ' +
  'This answer is long enough to need several frames before it is done, so the test can see them grow. ' +
  'It ends here, after a few more words about patience, latency and the joy of watching text appear.';
const PROSE_RENDERED = PROSE.replace(/\*\*/g, '');

describe('answering a question end to end', () => {
  it('streams into a draft in a private chat (auto): Thinking…, growing frames, then one committed message', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram, openai } = world;
    world.openai.enqueue({
      text: PROSE,
      tokensPerSecond: 80,
      usage: { inputTokens: 40, outputTokens: 110 },
    });
    const user = telegram.createUser({ firstName: 'Ada', username: 'ada' });
    const question = telegram.userSends({ chat: user.id, text: 'How does streaming work?' });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({
      status: 'complete',
      content: PROSE,
      model: 'openai:gpt-test',
      userId: user.id,
    });

    const timeline = botTimeline(telegram.timeline(user.id));
    const drafts = timeline.filter((event): event is DraftEvent => event.type === 'draft');
    // "Thinking…": an empty draft goes out before any text, with the native stop button.
    expect(drafts[0]).toMatchObject({ text: '', canStop: true });
    expect(drafts.every((draft) => draft.canStop)).toBe(true);
    expect(new Set(drafts.map((draft) => draft.draftId)).size).toBe(1);
    const frames = drafts.slice(1).map((draft) => draft.text);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const [index, frame] of frames.entries()) {
      expect(PROSE_RENDERED.startsWith(frame.replace(/…$/, ''))).toBe(true);
      if (index > 0) expect(frame.length).toBeGreaterThan(frames[index - 1]!.length);
    }

    // The draft is committed with one sendMessage carrying the whole text, replying to the question.
    const messages = timeline.filter((event): event is MessageEvent => event.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ text: PROSE_RENDERED, replyToMessageId: question.message_id });
    expect(messages[0]?.entities).toEqual([
      { type: 'bold', offset: PROSE_RENDERED.indexOf('complete final text'), length: 19 },
    ]);
    expect(timeline.some((event) => event.type === 'edit')).toBe(false);
    expect(telegram.draft(user.id)).toBeUndefined();
    expect(answer?.telegramMessageIds).toEqual([messages[0]?.messageId]);
    expect(failedCalls(world, user.id)).toEqual([]);

    expect(store.usage()).toEqual([
      {
        userId: user.id,
        chatId: user.id,
        messageId: answer?.id,
        provider: 'openai',
        model: 'gpt-test',
        inputTokens: 40,
        outputTokens: 110,
      },
    ]);
    expect(openai.requests[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'How does streaming work?',
    });
  });

  it('streams by editing a message (edit): typing while the model is slow, a Stop button while streaming, removed at the end', async () => {
    const { world, store } = await start({ STREAM_MODE: 'edit' });
    const { telegram } = world;
    // Typing shows for up to 5 s: a first token 4.5 s away needs it sent, then refreshed.
    world.openai.enqueue({ text: PROSE, tokensPerSecond: 80, firstTokenDelayMs: 4_500 });
    const user = telegram.createUser({ firstName: 'Grace' });
    const question = telegram.userSends({ chat: user.id, text: 'And with edits?' });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({ status: 'complete', content: PROSE });

    const timeline = botTimeline(telegram.timeline(user.id));
    expect(timeline.some((event) => event.type === 'draft')).toBe(false);
    expect(telegram.calls({ method: 'sendMessageDraft' })).toHaveLength(0);

    // "typing…" shows while the model is silent, refreshed before it fades, and stops with the first text.
    const firstMessage = timeline.findIndex((event) => event.type === 'message');
    const typing = timeline.slice(0, firstMessage).filter((event) => event.type === 'chat-action');
    expect(typing.length).toBeGreaterThanOrEqual(2);
    expect(typing.every((event) => event.action === 'typing')).toBe(true);
    expect(timeline.slice(firstMessage).some((event) => event.type === 'chat-action')).toBe(false);

    const messages = timeline.filter((event): event is MessageEvent => event.type === 'message');
    expect(messages).toHaveLength(1);
    const sent = messages[0]!;
    expect(sent.replyToMessageId).toBe(question.message_id);
    expect(sent.replyMarkup).toEqual({
      inline_keyboard: [[{ text: '⏹ Stop', callback_data: `stop:${answer?.id}` }]],
    });

    const edits = timeline.filter((event): event is EditEvent => event.type === 'edit');
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.every((edit) => edit.messageId === sent.messageId)).toBe(true);
    // While streaming the Stop button stays; the final edit removes it.
    expect(edits.slice(0, -1).every((edit) => hasKeyboard(edit))).toBe(true);
    expect(hasKeyboard(edits.at(-1))).toBe(false);
    const shown = [sent.text ?? '', ...edits.map((edit) => edit.text ?? '')];
    for (const [index, text] of shown.entries()) {
      expect(PROSE_RENDERED.startsWith(text.replace(/…$/, ''))).toBe(true);
      if (index > 0 && index < shown.length - 1)
        expect(text.length).toBeGreaterThan(shown[index - 1]!.length);
    }

    const final = telegram.message(user.id, sent.messageId);
    expect(final?.text).toBe(PROSE_RENDERED);
    expect(hasKeyboard(final)).toBe(false);
    expect(answer?.telegramMessageIds).toEqual([sent.messageId]);
    expect(failedCalls(world, user.id)).toEqual([]);
  });

  it('answers in a group by editing a message when the bot is mentioned, and ignores the rest of the chat', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram } = world;
    world.openai.enqueue({ text: PROSE, tokensPerSecond: 80 });
    const group = telegram.createGroup({ title: 'Streamers' });
    const alice = telegram.createUser({ firstName: 'Alice' });
    const bob = telegram.createUser({ firstName: 'Bob' });
    telegram.userSends({ chat: group.id, from: bob.id, text: 'Just chatting, no bot here.' });
    const question = telegram.userSends({
      chat: group.id,
      from: alice.id,
      text: `@${telegram.bot.username} how does streaming work?`,
    });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({ chatId: group.id, userId: alice.id, status: 'complete', content: PROSE });
    expect(store.questions()).toEqual([{ chatId: group.id, content: 'how does streaming work?' }]);
    // Usage belongs to the member who asked, in the group where it was spent.
    expect(store.usage()).toMatchObject([{ userId: alice.id, chatId: group.id, messageId: answer?.id }]);
    expect(world.openai.requests).toHaveLength(1);

    const timeline = botTimeline(telegram.timeline(group.id));
    expect(timeline.some((event) => event.type === 'draft')).toBe(false);
    const messages = timeline.filter((event): event is MessageEvent => event.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ replyToMessageId: question.message_id });
    expect(hasKeyboard(messages[0])).toBe(true);
    const final = telegram.message(group.id, messages[0]!.messageId);
    expect(final?.text).toBe(PROSE_RENDERED);
    expect(hasKeyboard(final)).toBe(false);
    expect(answer?.telegramMessageIds).toEqual([messages[0]?.messageId]);
    expect(failedCalls(world, group.id)).toEqual([]);
    // Stored (and the chat free for its next question) once the final text shows, not a rate turn later.
    const shownAt = timeline.at(-1)?.at ?? 0;
    expect((answer?.finishedAt ?? 0) - shownAt).toBeLessThan(800);
  });

  it.each(['auto', 'edit'] as const)(
    'delivers a 9,000-character answer as three messages (%s)',
    async (mode) => {
      const { world, store } = await start({ STREAM_MODE: mode });
      const { telegram } = world;
      const text = longAnswer(9_000);
      world.openai.enqueue({ text, tokenChars: 30, tokensPerSecond: 300 });
      const user = telegram.createUser({ firstName: 'Linus' });
      telegram.userSends({ chat: user.id, text: 'Write a lot.' });

      const [answer] = await store.waitForFinished(1);
      expect(answer).toMatchObject({ status: 'complete', content: text });

      const messages = botMessages(world, user.id);
      expect(messages).toHaveLength(3);
      for (const message of messages) {
        expect(message.text?.length).toBeGreaterThan(0);
        expect(message.text?.length).toBeLessThanOrEqual(4096);
        expect(hasKeyboard(message)).toBe(false);
      }
      // Parts are cut between paragraphs: joined again they are the whole answer, nothing lost or repeated.
      expect(messages.map((message) => message.text).join('\n\n')).toBe(text);
      expect(answer?.telegramMessageIds).toEqual(messages.map((message) => message.messageId));
      expect(telegram.draft(user.id)).toBeUndefined();
      expect(failedCalls(world, user.id)).toEqual([]);
    },
  );

  it('splits a long code block across messages, closing and reopening it with its language', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram } = world;
    const lines = Array.from(
      { length: 240 },
      (_, index) => `  const value${index} = compute(${index}, '😀'); // ${index}`,
    );
    const markdown = `Here is the code:\n\n\`\`\`ts\n${lines.join('\n')}\n\`\`\`\n\nDone 🎉.`;
    world.openai.enqueue({ text: markdown, tokenChars: 20, tokensPerSecond: 400 });
    const user = telegram.createUser({ firstName: 'Ken' });
    telegram.userSends({ chat: user.id, text: 'Show me the code.' });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({ status: 'complete', content: markdown });
    const messages = botMessages(world, user.id);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(answer?.telegramMessageIds).toEqual(messages.map((message) => message.messageId));
    const codeLines: string[] = [];
    for (const message of messages) {
      const text = message.text ?? '';
      expect(text.length).toBeLessThanOrEqual(4096);
      const code = message.entities.filter((entity) => entity.type === 'pre');
      expect(code).toHaveLength(1);
      expect(code[0]).toMatchObject({ language: 'ts' });
      const { offset, length } = code[0]!;
      codeLines.push(...text.slice(offset, offset + length).split('\n'));
    }
    // Every line of the code once, in order, each part's share inside a `pre` block of its own.
    expect(codeLines).toEqual(lines);
    expect(messages[0]?.text?.startsWith('Here is the code:\n\n')).toBe(true);
    expect(messages.at(-1)?.text?.endsWith('\n\nDone 🎉.')).toBe(true);
    expect(failedCalls(world, user.id)).toEqual([]);
  });

  it('answers in a forum topic and falls back to edits where drafts are refused (draft mode in a group)', async () => {
    const { world, store } = await start({ STREAM_MODE: 'draft' });
    const { telegram } = world;
    world.openai.enqueue(
      { text: PROSE, tokensPerSecond: 80 },
      { text: 'Second answer.', tokensPerSecond: 80 },
    );
    const forum = telegram.createGroup({ title: 'Forum', isForum: true });
    const topic = telegram.createTopic(forum.id, 'Streaming');
    const user = telegram.createUser({ firstName: 'Tess' });
    const mention = `@${telegram.bot.username}`;
    telegram.userSends({ chat: forum.id, from: user.id, threadId: topic, text: `${mention} first` });
    await store.waitForFinished(1);
    telegram.userSends({ chat: forum.id, from: user.id, threadId: topic, text: `${mention} second` });
    const answers = await store.waitForFinished(2);
    expect(answers.map((answer) => answer.status)).toEqual(['complete', 'complete']);

    const messages = botMessages(world, forum.id);
    expect(messages.map((message) => message.text)).toEqual([PROSE_RENDERED, 'Second answer.']);
    expect(messages.every((message) => message.threadId === topic)).toBe(true);
    const calls = telegram.calls({ chatId: forum.id });
    expect(
      calls.every((call) => call.params.message_thread_id === topic || call.method === 'editMessageText'),
    ).toBe(true);
    // Telegram refused the draft once; the chat is remembered and the second answer goes straight to edits.
    const drafts = calls.filter((call) => call.method === 'sendMessageDraft');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.error?.description).toMatch(/TEXTDRAFT_PEER_INVALID/);
    expect(failedCalls(world, forum.id)).toHaveLength(1);
  });

  it('renders a markdown-heavy answer to exact Telegram entities', async () => {
    const { world, store } = await start({ STREAM_MODE: 'auto' });
    const { telegram } = world;
    const markdown = [
      '# Release notes',
      'Streamgram **streams** answers with *style* and `inline code`.',
      '## Steps',
      '1. Install the bot\n2. Set `TELEGRAM_BOT_TOKEN`',
      '- fast\n- **safe**',
      '```ts\nconst answer = await stream();\n```',
      '| name | value |\n| --- | --- |\n| a | 1 |\n| bb | 22 |',
      'See [the docs](https://example.com/docs).',
      '> Quoted wisdom.',
    ].join('\n\n');
    world.openai.enqueue({ text: markdown, tokensPerSecond: 60 });
    const user = telegram.createUser({ firstName: 'Donald' });
    telegram.userSends({ chat: user.id, text: 'Release notes, please.' });

    const [answer] = await store.waitForFinished(1);
    expect(answer).toMatchObject({ status: 'complete', content: markdown });

    const messages = botMessages(world, user.id);
    expect(messages).toHaveLength(1);
    const table = 'name │ value\n─────┼──────\na    │ 1\nbb   │ 22';
    const expected = [
      'Release notes',
      'Streamgram streams answers with style and inline code.',
      'Steps',
      '1. Install the bot\n2. Set TELEGRAM_BOT_TOKEN',
      '• fast\n• safe',
      'const answer = await stream();',
      table,
      'See the docs.',
      'Quoted wisdom.',
    ].join('\n\n');
    const text = messages[0]?.text ?? '';
    expect(text).toBe(expected);
    const at = (fragment: string, from = 0) => {
      const offset = text.indexOf(fragment, from);
      expect(offset).toBeGreaterThanOrEqual(0);
      return { offset, length: fragment.length };
    };
    expect(messages[0]?.entities).toEqual([
      { type: 'bold', ...at('Release notes') },
      { type: 'bold', ...at('streams') },
      { type: 'italic', ...at('style') },
      { type: 'code', ...at('inline code') },
      { type: 'bold', ...at('Steps') },
      { type: 'code', ...at('TELEGRAM_BOT_TOKEN') },
      { type: 'bold', ...at('safe') },
      { type: 'pre', ...at('const answer = await stream();'), language: 'ts' },
      { type: 'pre', ...at(table) },
      { type: 'text_link', ...at('the docs'), url: 'https://example.com/docs' },
      { type: 'blockquote', ...at('Quoted wisdom.') },
    ]);
    // No frame, however partial its markdown, was refused by Telegram.
    expect(failedCalls(world, user.id)).toEqual([]);
  });
});
