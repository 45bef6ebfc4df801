import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamgramWorld, startStreamgram } from './support/start-streamgram.js';

let world: StreamgramWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

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
    world = await startStreamgram({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
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
    world = await startStreamgram({ env: { STREAM_MODE: 'edit' }, emulator: { limits: 'none' } });
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
});
