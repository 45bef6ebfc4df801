import type { ApiEntity } from '../api-types.js';

/**
 * A simplified TDLib `get_checked_link`: links with a scheme are kept, bare domains get `http://`,
 * anything else is not a link and produces no entity (TDLib drops such entities silently).
 */
export function checkedLink(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  if (/^[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+([/?#].*)?$/u.test(trimmed)) return `http://${trimmed}`;
  return undefined;
}

export function linkEntity(offset: number, length: number, url: string): ApiEntity | undefined {
  const link = checkedLink(url);
  return link === undefined ? undefined : { type: 'text_link', offset, length, url: link };
}
