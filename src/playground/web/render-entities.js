/**
 * Telegram text + entities -> HTML, as Telegram's clients show them. Pure (no DOM), so it is unit
 * tested in Node. Offsets and lengths are UTF-16 code units, which is exactly how JavaScript strings
 * index, so slicing by them is direct. Overlapping entities are closed and reopened at each boundary,
 * so the HTML always nests properly whatever the entity list looks like. All text is HTML-escaped.
 * Like Telegram's apps, a newline right after a code block or quote is not shown: the block already
 * ends its line.
 */

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[/** @type {keyof typeof ESCAPES} */ (c)]);
}

/** Only schemes Telegram opens; anything else (javascript:, data:) becomes no link at all. */
export function safeUrl(url) {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  if (/^(https?|tg|mailto|tel):/i.test(trimmed)) return trimmed;
  if (/^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(trimmed)) return `https://${trimmed}`;
  return undefined;
}

const BLOCKS = new Set(['pre', 'blockquote', 'expandable_blockquote']);

// Outer entities first when two start together: blocks, then links, then inline styles.
const RANK = {
  expandable_blockquote: 0,
  blockquote: 0,
  pre: 1,
  text_link: 2,
  url: 2,
  email: 2,
  phone_number: 2,
  mention: 2,
  text_mention: 2,
  hashtag: 2,
  cashtag: 2,
  bot_command: 2,
  bold: 3,
  italic: 4,
  underline: 5,
  strikethrough: 6,
  spoiler: 7,
  code: 8,
  custom_emoji: 9,
  // The playground's own marker for text that just arrived (animated); innermost.
  fresh: 20,
};

/**
 * The opening and closing tags of one entity. `content` is the entity's own text (for url, email,
 * mention and bot_command, whose target is their text).
 * @param {{type: string, url?: string, language?: string, user?: {id: number}}} entity
 * @param {string} content
 * @returns {[string, string] | undefined}
 */
function tagsFor(entity, content) {
  switch (entity.type) {
    case 'bold':
      return ['<strong>', '</strong>'];
    case 'italic':
      return ['<em>', '</em>'];
    case 'underline':
      return ['<u>', '</u>'];
    case 'strikethrough':
      return ['<s>', '</s>'];
    case 'spoiler':
      return ['<span class="tg-spoiler" data-spoiler="hidden">', '</span>'];
    case 'code':
      return ['<code class="tg-code">', '</code>'];
    case 'pre': {
      const language = typeof entity.language === 'string' ? entity.language.replace(/[^\w+#.-]/g, '') : '';
      const label = language === '' ? '' : `<span class="tg-pre-language">${escapeHtml(language)}</span>`;
      const cls = language === '' ? '' : ` class="language-${escapeHtml(language)}"`;
      return [`<pre class="tg-pre">${label}<code${cls}>`, '</code></pre>'];
    }
    case 'blockquote':
      return ['<blockquote class="tg-quote">', '</blockquote>'];
    case 'expandable_blockquote':
      return ['<blockquote class="tg-quote tg-expandable" data-expanded="false">', '</blockquote>'];
    case 'text_link': {
      const href = safeUrl(entity.url);
      return href === undefined
        ? ['<span class="tg-link">', '</span>']
        : [`<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">`, '</a>'];
    }
    case 'url': {
      const href = safeUrl(content);
      return href === undefined
        ? undefined
        : [`<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">`, '</a>'];
    }
    case 'email':
      return [`<a href="mailto:${escapeHtml(content)}">`, '</a>'];
    case 'phone_number':
      return [`<a href="tel:${escapeHtml(content.replace(/[^\d+]/g, ''))}">`, '</a>'];
    case 'bot_command':
      return [`<span class="tg-command" data-command="${escapeHtml(content)}">`, '</span>'];
    case 'mention':
    case 'text_mention':
    case 'hashtag':
    case 'cashtag':
      return [`<span class="tg-${entity.type.replace('_', '-')}">`, '</span>'];
    default:
      // custom_emoji and future types: the text shows as it is.
      return undefined;
  }
}

/**
 * @param {string} text
 * @param {ReadonlyArray<{type: string, offset: number, length: number, url?: string, language?: string}> | undefined} entities
 * @param {{ freshFrom?: number }} [options] `freshFrom`: text from this offset on is new since the last frame
 * @returns {string} HTML
 */
export function renderEntities(text, entities, options = {}) {
  const size = text.length;
  const spans = [];
  const freshFrom = options.freshFrom;
  if (Number.isInteger(freshFrom) && freshFrom >= 0 && freshFrom < size) {
    spans.push({
      start: freshFrom,
      end: size,
      open: '<span class="fresh">',
      close: '</span>',
      rank: RANK.fresh,
      index: -1,
    });
  }
  for (const [index, entity] of (entities ?? []).entries()) {
    if (!Number.isInteger(entity.offset) || !Number.isInteger(entity.length)) continue;
    const start = Math.max(0, entity.offset);
    const end = Math.min(size, entity.offset + entity.length);
    if (end <= start) continue;
    const tags = tagsFor(entity, text.slice(start, end));
    if (tags === undefined) continue;
    spans.push({
      start,
      end,
      open: tags[0],
      close: tags[1],
      rank: RANK[entity.type] ?? 10,
      index,
      type: entity.type,
    });
  }
  // Longer first when two start together, so the outer one opens first; then by kind, then input order.
  // The fresh marker is inline and goes innermost, whatever its length.
  const innermost = (span) => (span.rank === RANK.fresh ? 1 : 0);
  spans.sort(
    (a, b) =>
      a.start - b.start ||
      innermost(a) - innermost(b) ||
      b.end - a.end ||
      a.rank - b.rank ||
      a.index - b.index,
  );

  const boundaries = new Set([0, size]);
  for (const span of spans) {
    boundaries.add(span.start);
    boundaries.add(span.end);
  }
  const points = [...boundaries].sort((a, b) => a - b);

  let html = '';
  /** @type {typeof spans} */
  let open = [];
  let next = 0;
  for (let i = 0; i < points.length; i++) {
    const at = /** @type {number} */ (points[i]);
    // Close everything that ends here; anything closed on the way that continues is reopened.
    const firstEnding = open.findIndex((span) => span.end <= at);
    let afterBlock = false;
    if (firstEnding >= 0) {
      for (let j = open.length - 1; j >= firstEnding; j--) {
        html += open[j].close;
        if (open[j].end <= at && BLOCKS.has(open[j].type)) afterBlock = true;
      }
      const reopened = open.slice(firstEnding).filter((span) => span.end > at);
      open = open.slice(0, firstEnding);
      for (const span of reopened) {
        html += span.open;
        open.push(span);
      }
    }
    while (next < spans.length && spans[next].start === at) {
      const span = spans[next++];
      html += span.open;
      open.push(span);
    }
    const until = points[i + 1];
    // A block ends its own line, so the newline after it is not another empty line (as in Telegram's apps).
    const from = afterBlock && text[at] === '\n' ? at + 1 : at;
    if (until !== undefined) html += escapeHtml(text.slice(from, until));
  }
  for (let j = open.length - 1; j >= 0; j--) html += open[j].close;
  return html;
}
