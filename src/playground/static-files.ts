import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Files of the page, straight from disk (no build step): only known extensions, only inside `root`.
 * Read on every request so edits show on reload while someone works on the page.
 */
export function createStaticFiles(root: string): (urlPath: string) => Promise<StaticFile | undefined> {
  const base = normalize(root + sep);
  return async (urlPath) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
    } catch {
      return undefined;
    }
    const contentType = CONTENT_TYPES[extname(decoded)];
    if (contentType === undefined || decoded.includes('\0')) return undefined;
    const path = normalize(join(base, decoded));
    if (!path.startsWith(base)) return undefined;
    try {
      return { body: await readFile(path), contentType };
    } catch {
      return undefined;
    }
  };
}
