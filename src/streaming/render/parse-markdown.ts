import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { keepParserCode } from './keep-parser-code.js';

// Built once: they are plain configuration, and building them per parse showed in profiles.
const extensions = [gfm({ singleTilde: false })];
const mdastExtensions = gfmFromMarkdown();
const options = { extensions, mdastExtensions };
keepParserCode(extensions);

// GFM's autolink-literal transform searches every text node of the tree with four regular
// expressions: 13 % of a parse in a profile of streamed answers. Each expression needs `http://`,
// `https://`, `www.` or `@` to match, so Markdown without any of them parses the same without it.
const withoutLiteralSearch = {
  extensions,
  mdastExtensions: mdastExtensions.map((extension) =>
    extension.transforms ? { ...extension, transforms: [] } : extension,
  ),
};
const MAY_HOLD_LITERAL_LINK = /https?:\/\/|www\.|@/i;

/** Parses Markdown as models write it: CommonMark + GFM, where only `~~` strikes (`~5 min` stays). */
export function parseMarkdown(markdown: string): Root {
  return fromMarkdown(markdown, MAY_HOLD_LITERAL_LINK.test(markdown) ? options : withoutLiteralSearch);
}

/** Every GFM step, whatever the text: the reference `parseMarkdown` must agree with (tests). */
export function parseMarkdownFully(markdown: string): Root {
  return fromMarkdown(markdown, options);
}
