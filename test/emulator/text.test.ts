import type { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  type BotApiEmulator,
  createEmulatedBot,
  parseHtml,
  parseMarkdownV2,
  startBotApiEmulator,
} from '../../src/emulator/index.js';
import { detectEntities } from '../../src/emulator/text/detect-entities.js';

function parseError(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('HTML parse mode (TDLib parse_html)', () => {
  it.each([
    ['🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;<abac aba>', 'Unsupported start tag "abac" at byte offset 13'],
    ['🏟 🏟&lt;<i   =aba>', 'Empty attribute name in the tag "i" at byte offset 13'],
    [
      '🏟 🏟&lt;<i    aba>',
      'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
    ],
    ['🏟 🏟&lt;<i    aba  =  ', 'Unclosed start tag "i" at byte offset 13'],
    ['🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27'],
    ['🏟 🏟&lt;</', 'Unexpected end tag at byte offset 13'],
    ['🏟 🏟&lt;<i>a</i   ', 'Unclosed end tag at byte offset 17'],
    ['🏟 🏟&lt;<i>a</em   >', 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'],
    ['<p>Hello</p>', 'Unsupported start tag "p" at byte offset 0'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<b>bold', "Can't find end tag corresponding to start tag b"],
  ])('rejects %j', (html, message) => {
    expect(parseError(() => parseHtml(html))).toBe(`Bad Request: can't parse entities: ${message}`);
  });

  it('converts the allowed tags to entities with UTF-16 offsets', () => {
    expect(parseHtml('➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>')).toEqual({
      text: '➡️ ➡️➡️ ➡️➡️ ➡️',
      entities: [
        { type: 'italic', offset: 5, length: 5 },
        { type: 'bold', offset: 10, length: 5 },
      ],
    });
    expect(parseHtml('&lt;&gt;&amp;&quot;&laquo;&#12345678;').text).toBe('<>&"&laquo;&#12345678;');
    expect(
      parseHtml('<a href="https://t.me/x?a=1&amp;b=2">link</a> <tg-spoiler>s</tg-spoiler>').entities,
    ).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://t.me/x?a=1&b=2' },
      { type: 'spoiler', offset: 5, length: 1 },
    ]);
    expect(parseHtml('<pre><code class="language-ts">let a = 1;</code></pre>').entities).toEqual([
      { type: 'pre', offset: 0, length: 10, language: 'ts' },
    ]);
    expect(parseHtml('<blockquote expandable>q</blockquote><s>x</s><u>y</u>').entities).toEqual([
      { type: 'expandable_blockquote', offset: 0, length: 1 },
      { type: 'strikethrough', offset: 1, length: 1 },
      { type: 'underline', offset: 2, length: 1 },
    ]);
  });
});

describe('MarkdownV2 parse mode (TDLib parse_markdown_v2)', () => {
  it.each([...']()>#+-=|{}.!'])('requires %j to be escaped', (char) => {
    expect(parseError(() => parseMarkdownV2(`a${char}`))).toBe(
      `Bad Request: can't parse entities: Character '${char}' is reserved and must be escaped with the preceding '\\'`,
    );
    expect(parseMarkdownV2(`a\\${char}`).text).toBe(`a${char}`);
  });

  it.each([
    ['🏟 🏟_abacaba', "Can't find end of Italic entity at byte offset 9"],
    ['🏟 🏟_abac * asd ', "Can't find end of Bold entity at byte offset 15"],
    ['🏟 🏟`', "Can't find end of Code entity at byte offset 9"],
    ['🏟 🏟```a', "Can't find end of Pre entity at byte offset 9"],
    ['🏟 🏟```a ', "Can't find end of PreCode entity at byte offset 9"],
    ['🏟 🏟_🏟 🏟__', "Can't find end of Underline entity at byte offset 19"],
    ['[telegram\\.org](asd', "Can't find end of a URL at byte offset 16"],
  ])('rejects %j', (markdown, message) => {
    expect(parseError(() => parseMarkdownV2(markdown))).toBe(`Bad Request: can't parse entities: ${message}`);
  });

  it('converts markers to entities', () => {
    expect(parseMarkdownV2('🏟 🏟_🏟 __🏟___')).toEqual({
      text: '🏟 🏟🏟 🏟',
      entities: [
        { type: 'italic', offset: 5, length: 5 },
        { type: 'underline', offset: 8, length: 2 },
      ],
    });
    expect(parseMarkdownV2('*b* ~s~ ||sp|| `c.` [t](https://t.me/)').entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'strikethrough', offset: 2, length: 1 },
      { type: 'spoiler', offset: 4, length: 2 },
      { type: 'code', offset: 7, length: 2 },
      { type: 'text_link', offset: 10, length: 1, url: 'https://t.me/' },
    ]);
    expect(parseMarkdownV2('```python\nprint(1)\n```')).toEqual({
      text: 'print(1)\n',
      entities: [{ type: 'pre', offset: 0, length: 9, language: 'python' }],
    });
    expect(parseMarkdownV2('>quoted\n>lines\nafter')).toEqual({
      text: 'quoted\nlines\nafter',
      entities: [{ type: 'blockquote', offset: 0, length: 12 }],
    });
  });
});

describe('entity detection in user messages', () => {
  it('finds commands (with @botname), mentions, hashtags and links like Telegram', () => {
    expect(detectEntities('/start@streamgram_test_bot hi @someone #topic https://example.com/x.')).toEqual([
      { type: 'bot_command', offset: 0, length: 26 },
      { type: 'mention', offset: 30, length: 8 },
      { type: 'hashtag', offset: 39, length: 6 },
      { type: 'url', offset: 46, length: 21 },
    ]);
    expect(detectEntities('a/b and/c')).toEqual([]);
  });
});

describe('text validation through the API', () => {
  let emulator: BotApiEmulator;
  let bot: Bot;
  let chatId: number;

  beforeAll(async () => {
    emulator = await startBotApiEmulator({ limits: 'none' });
    bot = createEmulatedBot(emulator);
    chatId = emulator.createUser().id;
  });
  afterAll(async () => {
    await emulator.close();
  });

  const description = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: { description?: string }) => error.description,
    );

  it('counts length in code points: 4096 emoji pass, 4097 characters fail', async () => {
    const emoji = '😀'.repeat(4096);
    const sent = await bot.api.sendMessage(chatId, emoji);
    expect(sent.text).toBe(emoji);
    expect(await description(bot.api.sendMessage(chatId, 'x'.repeat(4097)))).toBe(
      'Bad Request: message is too long',
    );
    expect(await description(bot.api.editMessageText(chatId, sent.message_id, 'y'.repeat(4097)))).toBe(
      'Bad Request: message is too long',
    );
  });

  it('rejects empty text (also whitespace only, which Telegram trims away)', async () => {
    expect(await description(bot.api.sendMessage(chatId, ''))).toBe('Bad Request: message text is empty');
    expect(await description(bot.api.sendMessage(chatId, '  \n '))).toBe(
      'Bad Request: message text is empty',
    );
    const sent = await bot.api.sendMessage(chatId, 'x');
    expect(await description(bot.api.editMessageText(chatId, sent.message_id, ''))).toBe(
      'Bad Request: message text is empty',
    );
  });

  it('trims surrounding whitespace and clips entities to it', async () => {
    const sent = await bot.api.sendMessage(chatId, 'Hello \n', {
      entities: [{ type: 'bold', offset: 0, length: 7 }],
    });
    expect(sent.text).toBe('Hello');
    expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
  });

  it('rejects entities outside the text (offsets in UTF-16 units)', async () => {
    // '😀 ok' is 5 UTF-16 units (4 code points): offset 2 + length 3 fits, offset 3 + length 3 does not.
    const error = await description(
      bot.api.sendMessage(chatId, '😀 ok', { entities: [{ type: 'bold', offset: 3, length: 3 }] }),
    );
    expect(error).toMatch(/^Bad Request: can't parse entities: /);
    const fine = await bot.api.sendMessage(chatId, '😀 ok', {
      entities: [{ type: 'bold', offset: 2, length: 3 }],
    });
    expect(fine.entities).toEqual([{ type: 'bold', offset: 2, length: 3 }]);
  });

  it('keeps the first 100 entities silently', async () => {
    const text = 'ab'.repeat(150);
    const entities = Array.from({ length: 150 }, (_, i) => ({
      type: 'bold' as const,
      offset: i * 2,
      length: 1,
    }));
    const sent = await bot.api.sendMessage(chatId, text, { entities });
    expect(sent.entities).toHaveLength(100);
    expect(sent.entities?.at(-1)).toEqual({ type: 'bold', offset: 198, length: 1 });
  });

  it('answers HTML and MarkdownV2 errors with Telegram descriptions, and converts valid markup', async () => {
    expect(await description(bot.api.sendMessage(chatId, '<p>Hi</p>', { parse_mode: 'HTML' }))).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 0`,
    );
    expect(await description(bot.api.sendMessage(chatId, '<b>Hi', { parse_mode: 'HTML' }))).toMatch(
      /^Bad Request: can't parse entities: /,
    );
    expect(await description(bot.api.sendMessage(chatId, 'Done.', { parse_mode: 'MarkdownV2' }))).toBe(
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    const html = await bot.api.sendMessage(chatId, '<b>Bold</b> &amp; <code>x &lt; y</code>', {
      parse_mode: 'HTML',
    });
    expect(html).toMatchObject({
      text: 'Bold & x < y',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'code', offset: 7, length: 5 },
      ],
    });
    const markdown = await bot.api.sendMessage(chatId, '*Bold* and _it_\\.', { parse_mode: 'MarkdownV2' });
    expect(markdown).toMatchObject({
      text: 'Bold and it.',
      entities: [{ type: 'bold' }, { type: 'italic', offset: 9 }],
    });
  });
});
