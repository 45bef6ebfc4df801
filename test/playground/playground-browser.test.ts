import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSolidPng } from '../../src/emulator/index.js';
import { type Playground, startPlayground } from '../../src/playground/start-playground.js';

// The page's globals, for the functions that run inside the browser (the project's lib has no DOM).
interface PageElement {
  textContent: string | null;
  /** Images only. */
  complete?: boolean;
  naturalWidth?: number;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: PageElement & { getElementById(id: string): PageElement | null };
declare const window: Record<string, unknown>;
declare const MutationObserver: new (
  callback: () => void,
) => { observe(target: PageElement, options: Record<string, boolean>): void };

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join('test-artifacts', 'playground');
// CI installs Chromium, so there a missing browser is a failure, not a skip.
const runnable = existsSync(CHROMIUM) || process.env.CI !== undefined;
const STEP_MS = 90_000;
const WAIT = { timeout: 45_000 };
// Interval polling: headless Chromium may produce no animation frames while nothing on screen changes.
const POLL = { timeout: 45_000, polling: 200 };

describe.skipIf(!runnable)('playground in a browser', () => {
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  /** Types like a user: into the composer, then Enter. */
  const say = async (text: string) => {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  };

  /** Records every distinct text the last incoming bubble (draft or message) shows. */
  const recordFrames = () =>
    page.evaluate(() => {
      const frames: string[] = [];
      window.frames_ = frames;
      const messages = document.getElementById('messages') as PageElement;
      new MutationObserver(() => {
        const last = [...messages.querySelectorAll('.msg.in .text')].at(-1);
        const text = last?.textContent ?? '';
        if (text !== '' && frames.at(-1) !== text) frames.push(text);
      }).observe(messages, { subtree: true, childList: true, characterData: true });
    });
  const frames = () => page.evaluate(() => window.frames_ as string[]);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    playground = await startPlayground({ port: 0, env: {}, logLevel: 'info' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(playground.url);
    await page.waitForSelector('#connection.live', WAIT);
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  it(
    'streams an answer into the private chat frame by frame, then shows it formatted as Telegram would',
    async () => {
      await recordFrames();
      await say('show the formatting');
      await page.waitForSelector('.msg.out >> text=show the formatting', WAIT);
      // The draft appears (Thinking… or text), then the committed message replaces it.
      await page.waitForSelector('.msg.draft', WAIT);
      await page.waitForFunction(
        () => {
          const last = [...document.querySelectorAll('#messages .msg.in:not(.draft)')].at(-1);
          return (
            document.querySelector('#messages .msg.draft') === null &&
            last?.textContent?.includes('expandable') === true &&
            last.querySelector('pre') !== null
          );
        },
        undefined,
        POLL,
      );

      const seen = await frames();
      const intermediate = seen.filter((text) => !text.includes('Ask the demo:thinking model'));
      expect(new Set(intermediate).size, `frames seen: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(3);

      const answer = page.locator('#messages .msg.in').last();
      const texts = async (selector: string) => answer.locator(selector).allTextContents();
      await expect(texts('strong')).resolves.toContain('bold');
      await expect(texts('em')).resolves.toContain('italic');
      await expect(texts('s')).resolves.toContain('strikethrough');
      await expect(texts('code.tg-code')).resolves.toContain('inline code');
      await expect(answer.locator('pre.tg-pre .tg-pre-language').textContent()).resolves.toBe('json');
      await expect(answer.locator('a[href^="https://core.telegram.org/"]').textContent()).resolves.toBe(
        'links',
      );
      await expect(answer.locator('blockquote.tg-quote').count()).resolves.toBeGreaterThan(0);
      const spoiler = answer.locator('.tg-spoiler');
      await expect(spoiler.getAttribute('data-spoiler')).resolves.toBe('hidden');
      await shot('01-formatted-answer');
      await spoiler.click();
      await expect(spoiler.getAttribute('data-spoiler')).resolves.toBe('revealed');

      // The panel measured the answer and logged the calls.
      await page.waitForSelector('#answers tr >> text=complete', WAIT);
      const row = await page.locator('#answers tr').first().textContent();
      expect(row).toContain('show the formatting');
      expect(row).toMatch(/\d+\.\d s/);
      await expect(page.locator('#call-log').textContent()).resolves.toContain('sendMessage');
    },
    STEP_MS,
  );

  it(
    'switches the model with the /model keyboard; the thinking model’s reasoning is a collapsed quote',
    async () => {
      await say('/model');
      // The bot labels its buttons as it likes (e.g. "demo · thinking"); the choice shows as the bold model id.
      const button = page.locator('#messages .msg.in .keyboard button', { hasText: /thinking/ }).last();
      await button.waitFor(WAIT);
      await shot('02-model-keyboard');
      await button.click();
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#messages .msg.in strong')].some(
            (el) => el.textContent === 'demo:thinking',
          ),
        undefined,
        POLL,
      );

      await say('make a table');
      await page.waitForSelector('.msg.out >> text=make a table', WAIT);
      await page.waitForFunction(
        () => {
          const last = [...document.querySelectorAll('#messages .msg.in:not(.draft)')].at(-1);
          return (
            document.querySelector('#messages .msg.draft') === null &&
            last?.textContent?.includes('STREAM_MODE') === true
          );
        },
        undefined,
        POLL,
      );
      const answer = page.locator('#messages .msg.in').last();
      const quote = answer.locator('blockquote.tg-expandable');
      await expect(quote.getAttribute('data-expanded')).resolves.toBe('false');
      await quote.click();
      await expect(quote.getAttribute('data-expanded')).resolves.toBe('true');
      await expect(answer.locator('pre').first().textContent()).resolves.toContain('Drafts');
      await shot('03-thinking-model');
    },
    STEP_MS,
  );

  it(
    'stops a long answer with the draft’s own stop button',
    async () => {
      await say('write something long');
      const stop = page.locator('#messages .msg.draft .draft-stop');
      await stop.waitFor(WAIT);
      await page.waitForFunction(
        () => (document.querySelector('#messages .msg.draft .text')?.textContent?.length ?? 0) > 200,
        undefined,
        POLL,
      );
      await shot('04-long-answer-streaming');
      await stop.click();
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#messages .msg.in:not(.draft) .text')]
            .at(-1)
            ?.textContent?.includes('Stopped') === true,
        undefined,
        POLL,
      );
      await expect(page.locator('#messages .msg.draft').count()).resolves.toBe(0);
      await shot('05-long-answer-stopped');
    },
    STEP_MS,
  );

  it(
    'shows a tool call: the calls as a collapsed quote above the answer, and in the panel',
    async () => {
      await say('what is 12 * (3 + 4)?');
      await page.waitForFunction(
        () => {
          const last = [...document.querySelectorAll('#messages .msg.in:not(.draft)')].at(-1);
          return (
            document.querySelector('#messages .msg.draft') === null &&
            last?.textContent?.includes('That is what the tool found') === true
          );
        },
        undefined,
        POLL,
      );
      const answer = page.locator('#messages .msg.in').last();
      const record = answer.locator('blockquote.tg-expandable', { hasText: '🔧 calculator' });
      await expect(record.textContent()).resolves.toMatch(/^🔧 calculator · "12 \* \(3 \+ 4\)" ✓ \d+\.\d s$/);
      await page.waitForSelector('#answers tr.tools >> text=calculator ✓', WAIT);
      await shot('05b-tool-call');
    },
    STEP_MS,
  );

  it(
    'attaches a picture: the chat shows it above its caption and the demo model describes it',
    async () => {
      await page.fill('#input', 'What colour is this?');
      await page.setInputFiles('#attach-input', {
        name: 'square.png',
        mimeType: 'image/png',
        buffer: encodeSolidPng(160, 120, [230, 90, 30]),
      });
      const picture = page.locator('#messages .msg.out img.picture').last();
      await picture.waitFor(WAIT);
      await page.waitForFunction(
        () => {
          const image = [...document.querySelectorAll('#messages .msg.out img.picture')].at(-1);
          return image?.complete === true && image.naturalWidth === 160;
        },
        undefined,
        POLL,
      );
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#messages .msg.in:not(.draft) .text')]
            .at(-1)
            ?.textContent?.includes('160×120 px') === true,
        undefined,
        POLL,
      );
      await expect(page.locator('#messages .msg.out').last().textContent()).resolves.toContain(
        'What colour is this?',
      );
      await shot('05c-picture-answered');

      // Two pictures at once are an album: one question, one answer about both.
      await page.fill('#input', 'Which is wider?');
      await page.setInputFiles('#attach-input', [
        { name: 'a.png', mimeType: 'image/png', buffer: encodeSolidPng(30, 20, [10, 120, 200]) },
        { name: 'b.png', mimeType: 'image/png', buffer: encodeSolidPng(50, 20, [200, 120, 10]) },
      ]);
      await page.waitForFunction(
        () => {
          const text = [...document.querySelectorAll('#messages .msg.in:not(.draft) .text')].at(
            -1,
          )?.textContent;
          return text?.includes('picture 2') === true && text.includes('Which is wider?');
        },
        undefined,
        POLL,
      );
      await expect(page.locator('#messages .msg.out img.picture').count()).resolves.toBeGreaterThanOrEqual(3);

      // A text file has no picture: its preview request is answered 404 and the image removed.
      await page.setInputFiles('#attach-input', {
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Plain words in a file.'),
      });
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#messages .msg.in:not(.draft) .text')]
            .at(-1)
            ?.textContent?.includes('notes.txt') === true,
        undefined,
        POLL,
      );
      await page.waitForFunction(
        () => document.querySelector('#messages .msg.out:nth-last-child(2) img.picture') === null,
        undefined,
        POLL,
      );
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'in the group, mentions the bot, rides out injected 429s and stops with the inline Stop button',
    async () => {
      await page.click(`#chat-list li[data-chat-id="${String(playground?.groupChatId)}"]`);
      await page.waitForSelector('#group-hint:not([hidden])', WAIT);
      await expect(page.locator('#auto-mention').isChecked()).resolves.toBe(true);
      await page.click('#faults button[data-fault="telegram-429-next"]');
      await page.waitForSelector('#fault-status >> text=429', WAIT);

      await say('write something long');
      await page.waitForSelector('.msg.out >> text=@streamgram_playground_bot write something long', WAIT);
      await page.waitForSelector('#call-log .bad >> text=429', WAIT);
      const stop = page.locator('#messages .msg.in .keyboard button', { hasText: 'Stop' }).last();
      await stop.waitFor(WAIT);
      await page.waitForFunction(
        () => (document.querySelector('#messages .msg.in:last-child .text')?.textContent?.length ?? 0) > 300,
        undefined,
        POLL,
      );
      await shot('06-group-streaming-after-429');
      await stop.click();
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('#messages .msg.in .text')]
            .at(-1)
            ?.textContent?.includes('Stopped') === true &&
          document.querySelector('#messages .msg.in:last-child .keyboard') === null,
        undefined,
        POLL,
      );
      await page.click('#limits button[data-preset="strict"]');
      await page.waitForSelector('#limits button.active[data-preset="strict"]', WAIT);
      await shot('07-group-stopped');
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );
});
