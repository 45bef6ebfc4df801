import { ApiError } from '../errors.js';
import type { Params } from '../params.js';

/** An uploaded file in a multipart body: the emulator keeps only what tests may look at. */
export interface UploadedFile {
  filename: string;
  contentType: string | undefined;
  size: number;
}

/**
 * Reads call parameters the ways Telegram accepts them: the query string, then a JSON,
 * `application/x-www-form-urlencoded` or `multipart/form-data` body (body fields win).
 * Form values stay strings; parameters that hold objects are JSON-decoded where they are read.
 */
export function parseParams(
  query: URLSearchParams,
  contentType: string | undefined,
  body: Uint8Array,
): Params {
  const params: Params = {};
  for (const [key, value] of query) params[key] = value;
  if (body.length === 0) return params;
  const type = (contentType ?? '').toLowerCase();
  const text = () => new TextDecoder().decode(body);

  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text());
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ApiError(400, 'Bad Request: JSON object expected');
    }
    return { ...params, ...(parsed as Params) };
  }
  if (type.includes('multipart/form-data')) {
    const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const boundary = match?.[1] ?? match?.[2];
    if (boundary === undefined) throw new ApiError(400, 'Bad Request: multipart boundary is missing');
    return { ...params, ...parseMultipart(Buffer.from(body), boundary.trim()) };
  }
  // Telegram reads urlencoded bodies also without (or with a wrong) content type.
  for (const [key, value] of new URLSearchParams(text())) params[key] = value;
  return params;
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const params: Params = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position === -1) throw new ApiError(400, "Bad Request: can't parse multipart/form-data body");
  while (position !== -1) {
    let start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    // Both CRLF (the standard) and bare LF line ends are accepted.
    if (body[start] === 0x0d) start++;
    if (body[start] === 0x0a) start++;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    readPart(body.subarray(start, end), params);
    position = next;
  }
  return params;
}

function readPart(part: Buffer, params: Params): void {
  let headerEnd = part.indexOf('\r\n\r\n');
  let separator = 4;
  if (headerEnd === -1) {
    headerEnd = part.indexOf('\n\n');
    separator = 2;
  }
  if (headerEnd === -1) return;
  const headers = part.subarray(0, headerEnd).toString('utf8');
  const content = part.subarray(headerEnd + separator);
  const name = /\bname="([^"]*)"/i.exec(headers)?.[1];
  if (name === undefined) return;
  const filename = /\bfilename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
  const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
  params[name] =
    filename === undefined
      ? content.toString('utf8')
      : ({ filename, contentType, size: content.length } satisfies UploadedFile);
}
