import type { Nodes, PhrasingContent, Root } from 'mdast';
import { parseMarkdown } from './parse-markdown.js';
import { endOf, startOf } from './render-blocks.js';

/**
 * Mid-stream, the end of the answer is usually half a construct: `**bol`, `` `cod``, `[text](htt`,
 * a fence line still being typed. This turns that tail into what it will most likely become, so the
 * reader sees formatting instead of raw markers flashing: unmatched emphasis and code spans are
 * closed, an unfinished link shows its text only, and a last line that is only block markers
 * (`-`, `>`, `` ``` ``, `|`) waits for its content. Only for rendering while streaming; the final
 * render shows exactly what the model wrote. Returns `markdown` itself when nothing needed repair.
 */
export function repairStreamingTail(markdown: string, parsed?: Root): string {
  let text = dropIncompleteLastLine(markdown);
  // The caller's parse of `markdown` saves one when the last line stays.
  let root = parsed && text === markdown ? parsed : parseMarkdown(text);
  // A marker run at the very end is an opener being typed (`the **`) or a closer half typed
  // (`~~old~`): drop it; a real closer comes back below, matched to its opener.
  const trailing = /(?:^|[^\\])([*_~`]+)$/.exec(text.trimEnd());
  if (trailing && lastLeaf(root, text.trimEnd().length)) {
    const stripped = text.trimEnd().slice(0, text.trimEnd().length - trailing[1]!.length);
    if (stripped.trim().length > 0) {
      text = stripped;
      root = parseMarkdown(text);
    }
  }
  return repairInline(text, root) ?? text;
}

// A last line (not yet ended by a newline) holding only block syntax: list or quote markers, a
// setext or table underline, a task box, a fence being opened or closed.
const MARKER_ONLY_LINES = [
  /^[ \t>]*[-+*=_#~|:.` \t]*$/,
  /^[ \t>]*\d{1,9}[.)]?[ \t]*$/,
  /^[ \t>]*(?:[-+*]|\d{1,9}[.)])[ \t]+\[[ xX]?\]?[ \t]*$/,
  /^[ \t>]*(?:`{3,}|~{3,})/,
];

function dropIncompleteLastLine(markdown: string): string {
  const lineStart = markdown.lastIndexOf('\n') + 1;
  const line = markdown.slice(lineStart);
  if (line.trim().length === 0 || !MARKER_ONLY_LINES.some((pattern) => pattern.test(line))) return markdown;
  // Digits alone may be the start of "12. item" or simply a number being typed; both can wait.
  const rest = markdown.slice(0, lineStart);
  return rest.trim().length > 0 ? rest : markdown;
}

/** The deepest last paragraph or heading, when it reaches the end of the text. */
function lastLeaf(root: Root, textEnd: number): Nodes | undefined {
  let node: Nodes | undefined = root.children[root.children.length - 1];
  while (node) {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      return endOf(node) >= textEnd ? node : undefined;
    }
    if (
      node.type === 'blockquote' ||
      node.type === 'list' ||
      node.type === 'listItem' ||
      node.type === 'footnoteDefinition' ||
      node.type === 'table' ||
      node.type === 'tableRow'
    ) {
      node = node.children[node.children.length - 1];
      continue;
    }
    return undefined;
  }
  return undefined;
}

function textNodes(node: Nodes, out: PhrasingContent[]): PhrasingContent[] {
  if (node.type === 'text') out.push(node);
  else if ('children' in node) for (const child of node.children) textNodes(child as Nodes, out);
  return out;
}

const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/;

interface Run {
  start: number;
  end: number;
  marker: string;
}

function isEscaped(source: string, index: number): boolean {
  let count = 0;
  for (let i = index - 1; i >= 0 && source[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** Unmatched openers left as literal text by the parser, in source order. */
function danglingOpeners(source: string, nodes: PhrasingContent[]): Run[] {
  const runs: Run[] = [];
  for (const node of nodes) {
    const from = startOf(node);
    const to = endOf(node);
    for (let i = from; i < to; i++) {
      const char = source[i]!;
      if (char !== '*' && char !== '_' && char !== '~' && char !== '`') continue;
      if (isEscaped(source, i)) continue;
      let j = i;
      while (j < to && source[j] === char) j++;
      const before = source[i - 1] ?? ' ';
      const after = source[j] ?? ' ';
      const leftFlanking =
        !WHITESPACE.test(after) &&
        (!PUNCTUATION.test(after) || WHITESPACE.test(before) || PUNCTUATION.test(before));
      const rightFlanking =
        !WHITESPACE.test(before) &&
        (!PUNCTUATION.test(before) || WHITESPACE.test(after) || PUNCTUATION.test(after));
      const length = j - i;
      const opens =
        char === '`' ||
        (char === '~' ? length === 2 && leftFlanking && !rightFlanking : leftFlanking && !rightFlanking);
      if (opens) runs.push({ start: i, end: j, marker: source.slice(i, j) });
      i = j - 1;
    }
  }
  return runs;
}

/**
 * Where the first construct still waiting for its closer starts in the last paragraph (an emphasis
 * or code opener, a `[`, a `||`), or undefined. Text after it may still change its formatting, so
 * a part must not be cut there yet.
 */
export function firstOpenConstruct(source: string, root: Root): number | undefined {
  const leaf = lastLeaf(root, source.trimEnd().length);
  if (!leaf) return undefined;
  const nodes = textNodes(leaf, []);
  let first: number | undefined;
  const consider = (at: number): void => {
    if (first === undefined || at < first) first = at;
  };
  const openers = danglingOpeners(source, nodes);
  if (openers[0]) consider(openers[0].start);
  // A literal `[` is still open when no `]` followed yet, or the `]` ends the text so far (a
  // `(destination` or `[label]` may follow), or that destination or label is unfinished.
  const textEnd = source.trimEnd().length;
  for (const node of nodes) {
    for (let i = startOf(node); i < endOf(node); i++) {
      if (source[i] !== '[' || isEscaped(source, i)) continue;
      const rest = source.slice(i, textEnd);
      if (!rest.includes(']') || /^\[[^\]]*\](?:\([^)]*|\[[^\]]*)?$/.test(rest)) {
        consider(i);
        break;
      }
    }
  }
  for (const spoiler of unpairedSpoilers(source, nodes)) consider(spoiler.start);
  return first;
}

interface Edit {
  start: number;
  end: number;
}

function repairInline(source: string, root: Root): string | undefined {
  const textEnd = source.trimEnd().length;
  const leaf = lastLeaf(root, textEnd);
  if (!leaf) return undefined;
  const nodes = textNodes(leaf, []);
  if (nodes.length === 0) return undefined;
  const deletions: Edit[] = [];

  // An unfinished link or image at the end: show its text only until it is complete.
  let bracket = -1;
  for (const node of nodes) {
    for (let i = endOf(node) - 1; i >= startOf(node); i--) {
      if (source[i] === '[' && !isEscaped(source, i) && i > bracket) {
        bracket = i;
        break;
      }
    }
  }
  if (bracket >= 0) {
    const tail = source.slice(bracket, textEnd);
    const bang = source[bracket - 1] === '!' ? 1 : 0;
    if (/^\[[^\]]*$/.test(tail)) deletions.push({ start: bracket - bang, end: bracket + 1 });
    else {
      const close = /^\[[^\]]*\](?:\([^)]*)?$/.exec(tail);
      if (close) {
        deletions.push({ start: bracket - bang, end: bracket + 1 });
        deletions.push({ start: bracket + tail.indexOf(']'), end: textEnd });
      }
    }
  }
  // An autolink being typed: `<https://exa`.
  const angle = source.lastIndexOf('<', textEnd);
  if (angle >= startOf(leaf) && /^<[A-Za-z][\w+.-]*:[^\s<>]*$/.test(source.slice(angle, textEnd))) {
    deletions.push({ start: angle, end: angle + 1 });
  }
  if (source[textEnd - 1] === '\\' && !isEscaped(source, textEnd - 1)) {
    deletions.push({ start: textEnd - 1, end: textEnd });
  }
  for (const marker of unpairedSpoilers(source, nodes)) deletions.push(marker);

  const deleted = (index: number): boolean => deletions.some((d) => index >= d.start && index < d.end);
  const openers = danglingOpeners(source, nodes).filter((run) => !deleted(run.start));
  const codeIndex = openers.findIndex((run) => run.marker[0] === '`');
  const effective = codeIndex >= 0 ? openers.slice(0, codeIndex + 1) : openers;
  // Close an opener only when real text follows it (later openers that get deleted do not count);
  // an opener with nothing after it yet is removed instead.
  const closers: string[] = [];
  let contentAfter = false;
  let scanFrom = textEnd;
  for (let index = effective.length - 1; index >= 0; index--) {
    const run = effective[index]!;
    for (let i = run.end; i < scanFrom && !contentAfter; i++) {
      if (!deleted(i) && !WHITESPACE.test(source[i]!)) contentAfter = true;
    }
    if (contentAfter) closers.push(run.marker);
    else deletions.push({ start: run.start, end: run.end });
    scanFrom = run.start;
  }
  if (deletions.length === 0 && closers.length === 0) return undefined;

  deletions.sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const edit of deletions) {
    if (edit.start < cursor) {
      cursor = Math.max(cursor, edit.end);
      continue;
    }
    result += source.slice(cursor, edit.start);
    cursor = edit.end;
  }
  result += source.slice(cursor, Math.max(cursor, textEnd));
  result = result.trimEnd();
  return closers.length > 0 && result.length > 0 ? result + closers.join('') : result;
}

/** `||` openers with no closer in the same paragraph. */
function unpairedSpoilers(source: string, nodes: PhrasingContent[]): Edit[] {
  const markers: number[] = [];
  for (const node of nodes) {
    const value = source.slice(startOf(node), endOf(node));
    for (let at = value.indexOf('||'); at >= 0; at = value.indexOf('||', at + 2)) {
      markers.push(startOf(node) + at);
    }
  }
  // Pairs close in order; an odd one out at the end is the opener still waiting for its closer.
  if (markers.length % 2 === 0) return [];
  const last = markers[markers.length - 1]!;
  return [{ start: last, end: last + 2 }];
}
