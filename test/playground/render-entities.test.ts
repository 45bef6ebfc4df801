import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEntities, safeUrl } from '../../src/playground/web/render-entities.js';

describe('renderEntities', () => {
  it('escapes text and renders each style as Telegram shows it', () => {
    const text = 'b i u s code <x> & "q"';
    expect(
      renderEntities(text, [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
        { type: 'underline', offset: 4, length: 1 },
        { type: 'strikethrough', offset: 6, length: 1 },
        { type: 'code', offset: 8, length: 4 },
      ]),
    ).toBe(
      '<strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <code class="tg-code">code</code> &lt;x&gt; &amp; &quot;q&quot;',
    );
  });

  it('renders pre with its language as a labelled code block', () => {
    const text = 'x\nconst a = 1 < 2;\n\ny';
    expect(renderEntities(text, [{ type: 'pre', offset: 2, length: 16, language: 'typescript' }])).toBe(
      'x\n<pre class="tg-pre"><span class="tg-pre-language">typescript</span><code class="language-typescript">const a = 1 &lt; 2;</code></pre>\ny',
    );
  });

  it('drops the one newline that follows a block, since the block ends its line', () => {
    expect(renderEntities('a\nquote\nb', [{ type: 'blockquote', offset: 2, length: 5 }])).toBe(
      'a\n<blockquote class="tg-quote">quote</blockquote>b',
    );
    // Not after inline entities, and not when a block is only split to nest around another entity.
    expect(renderEntities('bold\nb', [{ type: 'bold', offset: 0, length: 4 }])).toBe(
      '<strong>bold</strong>\nb',
    );
  });

  it('cleans a pre language so it cannot break out of the attribute', () => {
    const html = renderEntities('code', [{ type: 'pre', offset: 0, length: 4, language: 'js" onclick="x' }]);
    expect(html).toContain('class="language-jsonclickx"');
    expect(html).not.toContain('onclick=');
  });

  it('nests entities by offsets, outer first, and closes and reopens overlapping ones', () => {
    expect(
      renderEntities('bold italic', [
        { type: 'italic', offset: 5, length: 6 },
        { type: 'bold', offset: 0, length: 11 },
      ]),
    ).toBe('<strong>bold <em>italic</em></strong>');
    // Bold 0..6 and italic 3..9 overlap: italic is split so the HTML still nests.
    expect(
      renderEntities('abcdefghi', [
        { type: 'bold', offset: 0, length: 6 },
        { type: 'italic', offset: 3, length: 6 },
      ]),
    ).toBe('<strong>abc<em>def</em></strong><em>ghi</em>');
  });

  it('counts offsets in UTF-16 code units (emoji and astral characters take two)', () => {
    const text = '👋 hi 𝕏 there';
    // '👋' is 2 units, so 'hi' starts at 3; '𝕏' is 2 units at 6..8.
    expect(
      renderEntities(text, [
        { type: 'bold', offset: 3, length: 2 },
        { type: 'italic', offset: 6, length: 2 },
      ]),
    ).toBe('👋 <strong>hi</strong> <em>𝕏</em> there');
  });

  it('renders links and refuses unsafe schemes', () => {
    expect(
      renderEntities('docs and site.org', [
        { type: 'text_link', offset: 0, length: 4, url: 'https://core.telegram.org/bots/api?a=1&b=2' },
        { type: 'url', offset: 9, length: 8 },
      ]),
    ).toBe(
      '<a href="https://core.telegram.org/bots/api?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">docs</a> and <a href="https://site.org" target="_blank" rel="noopener noreferrer">site.org</a>',
    );
    expect(
      renderEntities('click', [{ type: 'text_link', offset: 0, length: 5, url: 'javascript:alert(1)' }]),
    ).toBe('<span class="tg-link">click</span>');
    expect(safeUrl('data:text/html,x')).toBeUndefined();
    expect(safeUrl('tg://resolve?domain=x')).toBe('tg://resolve?domain=x');
  });

  it('renders blockquotes, expandable ones collapsed, and spoilers hidden', () => {
    expect(renderEntities('q', [{ type: 'blockquote', offset: 0, length: 1 }])).toBe(
      '<blockquote class="tg-quote">q</blockquote>',
    );
    expect(renderEntities('long thoughts', [{ type: 'expandable_blockquote', offset: 0, length: 13 }])).toBe(
      '<blockquote class="tg-quote tg-expandable" data-expanded="false">long thoughts</blockquote>',
    );
    expect(renderEntities('a secret', [{ type: 'spoiler', offset: 2, length: 6 }])).toBe(
      'a <span class="tg-spoiler" data-spoiler="hidden">secret</span>',
    );
  });

  it('puts a quote around the styles that start with it', () => {
    expect(
      renderEntities('quoted bold', [
        { type: 'bold', offset: 0, length: 11 },
        { type: 'blockquote', offset: 0, length: 11 },
      ]),
    ).toBe('<blockquote class="tg-quote"><strong>quoted bold</strong></blockquote>');
  });

  it('makes commands clickable and marks mentions and hashtags', () => {
    expect(
      renderEntities('/model @bot #tag', [
        { type: 'bot_command', offset: 0, length: 6 },
        { type: 'mention', offset: 7, length: 4 },
        { type: 'hashtag', offset: 12, length: 4 },
      ]),
    ).toBe(
      '<span class="tg-command" data-command="/model">/model</span> <span class="tg-mention">@bot</span> <span class="tg-hashtag">#tag</span>',
    );
  });

  it('clips entities to the text and ignores empty, negative, unknown and malformed ones', () => {
    expect(
      renderEntities('abc', [
        { type: 'bold', offset: 1, length: 10 },
        { type: 'italic', offset: 2, length: 0 },
        { type: 'italic', offset: -5, length: 3 },
        { type: 'custom_emoji', offset: 0, length: 1 },
        { type: 'underline', offset: 0.5, length: 1 },
      ]),
    ).toBe('a<strong>bc</strong>');
    expect(renderEntities('', undefined)).toBe('');
    expect(renderEntities('<b>', undefined)).toBe('&lt;b&gt;');
  });

  it('always produces properly nested HTML, whatever the entities', () => {
    const types = ['bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'blockquote', 'pre'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const text = 'x'.repeat(1 + Math.floor(random() * 30));
      const entities = Array.from({ length: Math.floor(random() * 6) }, () => ({
        type: types[Math.floor(random() * types.length)] as string,
        offset: Math.floor(random() * text.length),
        length: 1 + Math.floor(random() * text.length),
      }));
      const html = renderEntities(text, entities, { freshFrom: Math.floor(random() * text.length) });
      const stack: string[] = [];
      for (const [, closing, name] of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
        if (closing === '') stack.push(name as string);
        else expect(stack.pop()).toBe(name);
      }
      expect(stack).toEqual([]);
      expect(html.replace(/<[^>]*>/g, '')).toBe(text);
    }
  });

  it('wraps text that is new since the last frame, innermost, for the draft animation', () => {
    expect(renderEntities('Hello world', [{ type: 'bold', offset: 0, length: 11 }], { freshFrom: 6 })).toBe(
      '<strong>Hello <span class="fresh">world</span></strong>',
    );
  });

  it('escapes every character HTML treats specially', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
