import type { Root } from 'mdast';
import { fromMarkdown as upstreamFromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { keepParserCode } from './keep-parser-code.js';
import { parsePlainMarkdown } from './parse-plain-markdown.js';
import { fromMarkdown } from './vendor/mdast-from-markdown.js';

type Options = NonNullable<Parameters<typeof upstreamFromMarkdown>[1]>;
type MdastExtension = ReturnType<typeof gfmFromMarkdown>[number];
type Extension = ReturnType<typeof gfmTable>;

// Only `~~` strikes (`~5 min` stays as written).
const STRIKE = { singleTilde: false };

/**
 * GFM's five parts, each with the text it cannot match without. micromark tries every part's
 * constructs wherever they could start: table rows at every line, addresses at every word (a third
 * of a parse of plain answers, measured). A part whose mark is absent from the text can match
 * nothing, so the parse is the same without it, only cheaper. The marks are loose on purpose.
 * `gfmFromMarkdown()` lists its parts in this order.
 */
const mdastParts = gfmFromMarkdown();
const PARTS: { syntax: Extension; mdast: MdastExtension; needs: (markdown: string) => boolean }[] = [
  // GFM's autolink-literal transform also searches every text node with four regular expressions.
  { syntax: gfmAutolinkLiteral(), mdast: mdastParts[0]!, needs: (md) => /https?:\/\/|www\.|@/i.test(md) },
  { syntax: gfmFootnote(), mdast: mdastParts[1]!, needs: (md) => md.includes('[^') },
  { syntax: gfmStrikethrough(STRIKE), mdast: mdastParts[2]!, needs: (md) => md.includes('~') },
  { syntax: gfmTable(), mdast: mdastParts[3]!, needs: (md) => md.includes('|') },
  { syntax: gfmTaskListItem(), mdast: mdastParts[4]!, needs: (md) => md.includes('[') },
];
keepParserCode(PARTS.map((part) => part.syntax));

// Built once per combination: they are plain configuration, and building them per parse showed in profiles.
const optionsByMask = new Map<number, Options>();

function optionsFor(markdown: string): Options {
  let mask = 0;
  PARTS.forEach((part, index) => {
    if (part.needs(markdown)) mask |= 1 << index;
  });
  let options = optionsByMask.get(mask);
  if (options === undefined) {
    const used = PARTS.filter((_, index) => mask & (1 << index));
    options = {
      extensions: used.map((part) => part.syntax),
      mdastExtensions: used.map((part) => part.mdast),
    };
    optionsByMask.set(mask, options);
  }
  return options;
}

/**
 * Parses Markdown as models write it: CommonMark + GFM, where only `~~` strikes. Plain text
 * (paragraphs, headings, simple lists, strong and code) takes a shortcut to the same tree.
 */
export function parseMarkdown(markdown: string): Root {
  return parsePlainMarkdown(markdown) ?? fromMarkdown(markdown, optionsFor(markdown));
}

const fullOptions: Options = { extensions: [gfm(STRIKE)], mdastExtensions: mdastParts };

/**
 * Every GFM step, whatever the text, through upstream's own `fromMarkdown`: the reference
 * `parseMarkdown` must agree with (tests).
 */
export function parseMarkdownFully(markdown: string): Root {
  return upstreamFromMarkdown(markdown, fullOptions);
}
