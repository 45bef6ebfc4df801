import { badRequest } from './errors.js';

/** Call parameters as they arrived: JSON values, or strings from query/form/multipart bodies. */
export type Params = Record<string, unknown>;

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

export function intParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(number)) throw badRequest(`invalid ${name} specified`);
  return Math.trunc(number);
}

/** Like `intParam` but keeps fractions (getUpdates' `timeout`, so tests can wait 0.2 s). */
export function numberParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

export function boolParam(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === 1 || value === 'true' || value === '1' || value === 'True';
}

/** Objects and arrays arrive as JSON values or, in form bodies, as JSON-encoded strings. */
export function jsonParam(params: Params, name: string, errorDescription: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(errorDescription);
  }
}

export function chatIdParam(params: Params): number | string {
  const value = params.chat_id;
  if (value === undefined || value === null || value === '') throw badRequest('chat_id is empty');
  if (typeof value === 'number') return value;
  const text = String(value).trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}
