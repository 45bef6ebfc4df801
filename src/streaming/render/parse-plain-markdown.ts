import type { Heading, List, ListItem, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import { classifyCharacter } from 'micromark-util-classify-character';

/**
 * The Markdown most answers are made of, parsed without micromark: paragraphs, `#` headings and
 * `-` lists of one-line items, with `**strong**` and `` `code` `` inside. A streaming frame
 * parses the block still being written, and micromark's general machinery cost a fresh process
 * several times what this plain scan does (measured in the delivery benchmark).
 *
 * The tree is exactly micromark's, positions included; `parse-plain-markdown.test.ts` holds it to
 * that on random text. Whatever could mean anything more (another construct, an odd delimiter, a
 * lazy line, an indented line) returns `undefined`, and the caller parses with micromark instead.
 */
export function parsePlainMarkdown(markdown: string): Root | undefined {
  // Escapes, entities, HTML, links, GFM tables and strikes, tabs and control characters, literal
  // addresses: all micromark's.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what this rejects.
  if (/[\\&<[\]~|\0-\t\v-\x1f]|https?:\/\/|www\.|@/i.test(markdown)) return undefined;
  const lines = toLines(markdown);
  const children: RootContent[] = [];
  const points = createPoints(lines);
  let paragraph: Line[] = [];
  let list: Line[] = [];
  // Blank lines after an item: another item continues the list and makes it loose.
  let gap = false;
  let loose = false;
  const closeParagraph = (): boolean => {
    if (paragraph.length === 0) return true;
    const node = inlineBlock<Paragraph>(
      markdown,
      points,
      paragraphNode(),
      paragraph[0]!.from,
      paragraph.at(-1)!,
    );
    paragraph = [];
    if (!node) return false;
    children.push(node);
    return true;
  };
  const closeList = (): boolean => {
    if (list.length === 0) return true;
    const items: ListItem[] = [];
    for (const line of list) {
      const paragraph = inlineBlock<Paragraph>(markdown, points, paragraphNode(), line.from + 2, line);
      if (!paragraph) return false;
      const item: ListItem = { type: 'listItem', spread: false, checked: null, children: [paragraph] };
      item.position = { start: points(line.from), end: points(line.end) };
      items.push(item);
    }
    const node: List = { type: 'list', ordered: false, start: null, spread: loose, children: items };
    node.position = { start: items[0]!.position!.start, end: items.at(-1)!.position!.end };
    children.push(node);
    list = [];
    gap = false;
    loose = false;
    return true;
  };

  for (const line of lines) {
    const kind = classify(line.text);
    // Spaces before a line ending are a hard break or are dropped: micromark's business.
    if (kind === undefined || (!line.last && line.text.endsWith(' '))) return undefined;
    if (kind === 'blank') {
      if (!closeParagraph()) return undefined;
      if (list.length > 0) gap = true;
      continue;
    }
    if (kind === 'item') {
      if (!closeParagraph()) return undefined;
      loose ||= gap;
      gap = false;
      list.push(line);
      continue;
    }
    // A paragraph line right after an item is a lazy continuation of that item.
    if (kind === 'paragraph' && list.length > 0 && !gap) return undefined;
    if (!closeList()) return undefined;
    if (kind === 'paragraph') {
      paragraph.push(line);
      continue;
    }
    if (!closeParagraph()) return undefined;
    const depth = line.text.indexOf(' ');
    const heading = inlineBlock<Heading>(
      markdown,
      points,
      { type: 'heading', depth: depth as Heading['depth'], children: [] },
      line.from + depth + 1,
      line,
    );
    if (!heading) return undefined;
    heading.position!.start = points(line.from);
    children.push(heading);
  }
  if (!closeParagraph() || !closeList()) return undefined;
  return { type: 'root', children, position: { start: points(0), end: points(markdown.length) } };
}

function paragraphNode(): Paragraph {
  return { type: 'paragraph', children: [] };
}

interface Line {
  text: string;
  from: number;
  /** Where the line ends, before its line ending. */
  end: number;
  /** The last line, which may end in spaces (the next token is still on its way). */
  last: boolean;
}

function toLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let from = 0;
  for (;;) {
    const end = markdown.indexOf('\n', from);
    const stop = end < 0 ? markdown.length : end;
    lines.push({ text: markdown.slice(from, stop), from, end: stop, last: end < 0 });
    if (end < 0) return lines;
    from = end + 1;
  }
}

/** A line as a paragraph's, a heading's or an item's; `undefined` when it may be anything else. */
function classify(text: string): 'blank' | 'paragraph' | 'heading' | 'item' | undefined {
  if (text === '') return 'blank';
  if (text.startsWith('- ')) return startsPlainly(text.slice(2)) ? 'item' : undefined;
  if (text.startsWith('#')) return /^#{1,6} [^#\s][^#]*$/.test(text) ? 'heading' : undefined;
  return startsPlainly(text) ? 'paragraph' : undefined;
}

/** Whether a line's text starts as a paragraph: not indented, not a list, quote, fence, rule or setext underline. */
function startsPlainly(text: string): boolean {
  return text !== '' && !/^[\s#+>=_`~-]|^\*(?!\*[^\s*])|^\d{1,9}[.)](?: |$)/.test(text);
}

type Point = NonNullable<Root['position']>['start'];
type Points = (offset: number) => Point;

/** Offsets to micromark's points (1-based line and column), from the lines already split. */
function createPoints(lines: readonly Line[]): Points {
  const starts = lines.map((line) => line.from);
  let line = 0;
  return (offset) => {
    // Offsets are asked for mostly in order: walk from the last line found.
    if (starts[line]! > offset) line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    return { line: line + 1, column: offset - starts[line]! + 1, offset };
  };
}

/**
 * A paragraph or heading whose inline content runs from `from` to the end of `last`. Spaces that
 * end the text belong to the block's position but not to its content, as in micromark.
 */
function inlineBlock<T extends Paragraph | Heading>(
  markdown: string,
  points: Points,
  node: T,
  from: number,
  last: Line,
): T | undefined {
  let to = last.end;
  while (to > from && markdown.charCodeAt(to - 1) === 32) to--;
  if (to < last.end && !last.last) return undefined;
  const content = parseInline(markdown, from, to, points);
  if (!content) return undefined;
  node.children = content;
  node.position = { start: points(from), end: points(last.end) };
  return node;
}

type Delimiter = { open: boolean; close: boolean };
type Piece =
  | { kind: 'code'; from: number; to: number }
  | { kind: 'strong'; from: number; to: number; open: boolean }
  | { kind: 'text'; from: number; to: number };

/** Inline content with `**strong**`, `` `code` `` and literal text only; `undefined` if anything else. */
function parseInline(
  markdown: string,
  from: number,
  to: number,
  points: Points,
): PhrasingContent[] | undefined {
  const pieces: Piece[] = [];
  const openers: number[] = [];
  let textFrom = from;
  const pushText = (end: number): void => {
    if (end > textFrom) pieces.push({ kind: 'text', from: textFrom, to: end });
  };
  for (let index = from; index < to; index++) {
    const code = markdown.charCodeAt(index);
    if (code === 96) {
      // A code span binds before emphasis; one without its closer is literal text.
      const close = markdown.indexOf('`', index + 1);
      if (close < 0 || close >= to) continue;
      // Reading past the end would cost the optimized code its bounds check (a deopt, measured).
      if (
        !isPlainCode(markdown.slice(index + 1, close)) ||
        (close + 1 < to && markdown.charCodeAt(close + 1) === 96)
      ) {
        return undefined;
      }
      pushText(index);
      pieces.push({ kind: 'code', from: index, to: close + 1 });
      index = close;
      textFrom = close + 1;
      continue;
    }
    if (code !== 42 && code !== 95) continue;
    const at = index;
    let end = index + 1;
    while (end < to && markdown.charCodeAt(end) === code) end++;
    const delimiter = flanking(markdown, code, at, end, from, to);
    index = end - 1;
    if (!delimiter.open && !delimiter.close) continue;
    // No `_` or single-star emphasis, and no `**` that could both open and close. A `_` that can
    // only close has nothing to close: it is text.
    if (code === 95 ? delimiter.open : end - at !== 2 || (delimiter.open && delimiter.close)) {
      return undefined;
    }
    if (delimiter.close && (code === 95 || openers.length === 0)) continue;
    pushText(at);
    if (delimiter.open) openers.push(pieces.length);
    else openers.pop();
    pieces.push({ kind: 'strong', from: at, to: end, open: delimiter.open });
    textFrom = end;
  }
  pushText(to);
  // Openers never closed are literal text again.
  for (const index of openers) pieces[index] = { ...pieces[index]!, kind: 'text' } as Piece;
  return buildPhrasing(markdown, pieces, points);
}

function isPlainCode(content: string): boolean {
  return content !== '' && !content.includes('\n') && content[0] !== ' ' && !content.endsWith(' ');
}

/**
 * micromark's rule for whether a `*` or `_` run may open or close emphasis, from the characters
 * around it (1 is whitespace or none, 2 punctuation). `_` inside a word does neither.
 */
function flanking(
  markdown: string,
  marker: number,
  at: number,
  end: number,
  from: number,
  to: number,
): Delimiter {
  const before = classifyCharacter(at > from ? markdown.charCodeAt(at - 1) : null);
  const after = classifyCharacter(end < to ? markdown.charCodeAt(end) : null);
  const open = !after || (after === 2 && Boolean(before));
  const close = !before || (before === 2 && Boolean(after));
  if (marker === 42) return { open, close };
  return { open: open && (Boolean(before) || !close), close: close && (Boolean(after) || !open) };
}

/** Pieces to nodes: matched delimiters nest their content, adjacent literal text merges. */
function buildPhrasing(markdown: string, pieces: Piece[], points: Points): PhrasingContent[] {
  const root: PhrasingContent[] = [];
  const stack: { children: PhrasingContent[]; from: number }[] = [{ children: root, from: 0 }];
  for (const piece of pieces) {
    const { children } = stack.at(-1)!;
    if (piece.kind === 'text') {
      const previous = children.at(-1);
      if (previous?.type === 'text' && previous.position!.end.offset === piece.from) {
        previous.value += markdown.slice(piece.from, piece.to);
        previous.position!.end = points(piece.to);
      } else {
        const value = markdown.slice(piece.from, piece.to);
        children.push({
          type: 'text',
          value,
          position: { start: points(piece.from), end: points(piece.to) },
        });
      }
    } else if (piece.kind === 'code') {
      const value = markdown.slice(piece.from + 1, piece.to - 1);
      children.push({
        type: 'inlineCode',
        value,
        position: { start: points(piece.from), end: points(piece.to) },
      });
    } else if (piece.open) {
      stack.push({ children: [], from: piece.from });
    } else {
      const { children: inner, from } = stack.pop()!;
      stack.at(-1)!.children.push({
        type: 'strong',
        children: inner,
        position: { start: points(from), end: points(piece.to) },
      });
    }
  }
  return root;
}
