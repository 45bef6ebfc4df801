/** Telegram accepts these schemes in a `text_link`; anything else is shown as plain text. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'tg:', 'mailto:']);

/** The URL to put in a `text_link`, or undefined when Telegram would reject it or it is unsafe. */
export function telegramLinkUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed.length === 0 || trimmed.length > 2048) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return undefined;
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length === 0) {
    return undefined;
  }
  return trimmed;
}

/**
 * True when the visible text already is the address (GFM autolinks, `<https://…>`, bare emails):
 * Telegram links such text by itself, so an entity would only spend the 100-entity budget.
 */
export function isSelfLink(text: string, url: string): boolean {
  const shown = text.trim();
  if (shown === url) return true;
  return url === `http://${shown}` || url === `https://${shown}` || url === `mailto:${shown}`;
}
