import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useStreamgram } from './support/use-streamgram.js';

const start = useStreamgram();

const TRICKY_TEXTS = [
  'zero\u200bwidth\u200cjoin\u200d and \ufeffBOM',
  'RTL: \u202eمرحبا بالعالم\u202c and עברית',
  'combining: e\u0301 a\u0308 Z\u0335\u0321\u0352',
  'astral: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦 🏳️‍🌈 𠜎',
  '<b>html</b> &amp; <script>alert(1)</script> **md** _x_ `y` [z](javascript:alert(1)) \\*',
  '\'; DROP TABLE messages; -- and " OR 1=1 /* */',
];

describe('bad input is handled, nothing lost', () => {
  it('round-trips unusual text exactly into the model request and the history', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Ünïcødé' });
    for (const [index, text] of TRICKY_TEXTS.entries()) {
      openai.enqueue({ text: `Answer ${index}` });
      telegram.userSends({ chat: user.id, text });
      await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === `Answer ${index}`, {
        timeoutMs: 15_000,
      });
      expect(openai.requests[index]?.messages.at(-1)).toEqual({ role: 'user', content: text });
    }
    await world.app.stop();
    const db = new Database(world.databasePath, { readonly: true });
    try {
      const stored = db.prepare("SELECT content FROM messages WHERE role = 'user' ORDER BY id").pluck().all();
      expect(stored).toEqual(TRICKY_TEXTS);
    } finally {
      db.close();
    }
  });

  it('ignores update types it does not handle and keeps answering', async () => {
    const world = await start({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Odd' });
    const chat = { id: user.id, type: 'private', first_name: 'Odd' };
    telegram.injectRawUpdate({
      poll: { id: 'p1', question: 'Q?', options: [], total_voter_count: 0, is_closed: false },
    });
    telegram.injectRawUpdate({
      message_reaction: { chat, message_id: 1, date: 0, old_reaction: [], new_reaction: [] },
    });
    telegram.injectRawUpdate({
      message: {
        message_id: 999,
        date: 0,
        chat,
        from: { id: user.id, is_bot: false, first_name: 'Odd' },
        dice: { emoji: '🎲', value: 3 },
      },
    });
    telegram.injectRawUpdate({
      edited_message: { message_id: 998, date: 0, edit_date: 1, chat, text: 'edited' },
    });
    openai.enqueue({ text: 'Still here.' });
    telegram.userSends({ chat: user.id, text: 'Hello?' });
    await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text === 'Still here.', {
      timeoutMs: 15_000,
    });
    expect(openai.requests).toHaveLength(1);
    expect(world.logs.join('')).not.toContain('"level":50');
  });

  it('refuses a question over the size limit with a clear answer, and nothing reaches the model', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', MAX_QUESTION_CHARS: '500' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Paste' });
    telegram.userSends({ chat: user.id, text: 'x'.repeat(600) });
    const refusal = await telegram.waitFor(() => telegram.lastBotMessage(user.id)?.text, {
      timeoutMs: 15_000,
    });
    expect(refusal).toBe(
      'That message is too long for me (600 characters; the limit is 500). Please send a shorter one, or the most important part.',
    );
    expect(openai.requests).toHaveLength(0);
  });

  it('asks a user who floods the bot to slow down, and still answers the questions within the limit', async () => {
    const world = await start({
      env: { STREAM_MODE: 'edit', USER_MESSAGES_PER_MINUTE: '2' },
      emulator: { limits: 'none' },
    });
    const { telegram, openai } = world;
    const user = telegram.createUser({ firstName: 'Flood' });
    openai.setDefaultScenario({ text: 'An answer.' });
    for (const text of ['one', 'two', 'three']) telegram.userSends({ chat: user.id, text });
    const botTexts = () =>
      telegram
        .visibleMessages(user.id)
        .filter((message) => message.from === 'bot')
        .map((message) => message.text ?? '');
    const slowDown = (text: string) => text.startsWith("You're sending messages faster than I can answer.");
    await telegram.waitFor(
      () => botTexts().filter((text) => text === 'An answer.').length === 2 && botTexts().some(slowDown),
      { timeoutMs: 15_000 },
    );
    expect(botTexts().filter(slowDown)).toHaveLength(1);
    expect(openai.requests.map((request) => request.messages.at(-1)?.content)).toEqual(['one', 'two']);
  });
});
