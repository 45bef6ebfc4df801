import type { FormattedText } from '../api-types.js';
import { badRequest } from '../errors.js';
import { jsonParam, type Params } from '../params.js';
import { normalizeFormattedText, validateExplicitEntities } from './entities.js';
import { parseHtml } from './html.js';
import { parseLegacyMarkdown } from './markdown-legacy.js';
import { parseMarkdownV2 } from './markdown-v2.js';
import { codePointLength } from './utf.js';

export interface FormatRules {
  /** Parameter names: `text`/`parse_mode`/`entities`, or the caption variants. */
  fields: { text: string; parseMode: string; entities: string };
  maxLength: number;
  /** Drafts accept empty text (shown as "Thinking…"). */
  allowEmpty: boolean;
  emptyDescription: string;
  tooLongDescription: string;
}

export const MESSAGE_TEXT_RULES: FormatRules = {
  fields: { text: 'text', parseMode: 'parse_mode', entities: 'entities' },
  maxLength: 4096,
  allowEmpty: false,
  emptyDescription: 'message text is empty',
  tooLongDescription: 'message is too long',
};

export const DRAFT_TEXT_RULES: FormatRules = { ...MESSAGE_TEXT_RULES, allowEmpty: true };

/**
 * Turns the text parameters of a call into what Telegram stores: parse_mode (which wins over
 * `entities`, as in telegram-bot-api) or explicit entities, then trimming, the 100-entity cap,
 * and the emptiness and length checks (length in code points, after parsing).
 */
export function formatInput(params: Params, rules: FormatRules): FormattedText {
  const rawText = params[rules.fields.text];
  const text = rawText === undefined || rawText === null ? '' : String(rawText);
  const parseMode = params[rules.fields.parseMode];
  let parsed: FormattedText;
  const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : '';
  if (mode === 'html') parsed = parseHtml(text);
  else if (mode === 'markdownv2') parsed = parseMarkdownV2(text);
  else if (mode === 'markdown') parsed = parseLegacyMarkdown(text);
  else if (mode === '' || mode === 'none') {
    const rawEntities = jsonParam(params, rules.fields.entities, `can't parse entities JSON object`);
    parsed = { text, entities: rawEntities === undefined ? [] : validateExplicitEntities(text, rawEntities) };
  } else {
    throw badRequest('unsupported parse_mode');
  }
  const normalized = normalizeFormattedText(parsed);
  if (normalized.text === '' && !rules.allowEmpty) throw badRequest(rules.emptyDescription);
  if (codePointLength(normalized.text) > rules.maxLength) throw badRequest(rules.tooLongDescription);
  return normalized;
}
