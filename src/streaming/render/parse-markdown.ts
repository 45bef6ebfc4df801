import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

// Built once: they are plain configuration, and building them per parse showed in profiles.
const options = {
  extensions: [gfm({ singleTilde: false })],
  mdastExtensions: [gfmFromMarkdown()],
};

/** Parses Markdown as models write it: CommonMark + GFM, where only `~~` strikes (`~5 min` stays). */
export function parseMarkdown(markdown: string): Root {
  return fromMarkdown(markdown, options);
}
