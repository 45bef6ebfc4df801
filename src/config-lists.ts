import type { AccessList, ModelPrice, ModelRef, TokenLimitOverride } from './config-types.js';

/**
 * Parsers of the list-valued variables (access lists, per-model numbers and prices, per-user token
 * limits). Each adds a problem naming the variable and the entry instead of throwing, so createConfig
 * reports every mistake at once.
 */

export function parseAccessList(
  variable: string,
  raw: string,
  problems: string[],
  required: boolean,
): AccessList {
  const userIds = new Set<number>();
  const usernames = new Set<string>();
  let everyone = false;
  for (const item of raw.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    if (item === '*') everyone = true;
    else if (/^\d{1,16}$/.test(item)) userIds.add(Number(item));
    else if (/^@?[A-Za-z0-9_]{4,32}$/.test(item)) usernames.add(item.replace(/^@/, '').toLowerCase());
    else problems.push(`${variable} entry "${item}" must be a numeric user id, an @username or *`);
  }
  if (required && !everyone && userIds.size === 0 && usernames.size === 0 && problems.length === 0) {
    problems.push(`${variable} must list at least one user id or @username, or be * to allow everyone`);
  }
  return { everyone, userIds, usernames };
}

export function isTimeZone(value: string): boolean {
  // The default needs no check: asking Intl would load ICU's data (about 7 MB) at every start.
  if (value === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `key=value` items of a comma-separated list; the last `=` separates, since model ids hold colons. */
export function keyValueItems(variable: string, raw: string, example: string, problems: string[]) {
  const items: { item: string; key: string; value: string }[] = [];
  for (const item of raw.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const equals = item.lastIndexOf('=');
    const key = item.slice(0, equals).trim();
    const value = item.slice(equals + 1).trim();
    if (equals <= 0 || value === '') problems.push(`${variable} entry "${item}" must look like ${example}`);
    else items.push({ item, key, value });
  }
  return items;
}

/** A comma-separated list of ids from MODELS. */
export function parseModelList(
  variable: string,
  raw: string,
  models: ModelRef[],
  problems: string[],
): Set<string> {
  const result = new Set<string>();
  for (const item of raw.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const model = models.find((candidate) => candidate.id === item || candidate.id === item.toLowerCase());
    if (model) result.add(model.id);
    else problems.push(`${variable} entry "${item}" names a model that is not in MODELS`);
  }
  return result;
}

export function parseModelNumbers(
  variable: string,
  raw: string,
  models: ModelRef[],
  problems: string[],
): Map<string, number> {
  const result = new Map<string, number>();
  for (const { item, key, value } of keyValueItems(variable, raw, 'openai:gpt-5=200000', problems)) {
    const model = models.find((candidate) => candidate.id === key || candidate.id === key.toLowerCase());
    if (!model) problems.push(`${variable} entry "${item}" names a model that is not in MODELS`);
    else if (!/^\d+$/.test(value) || Number(value) < 500)
      problems.push(`${variable} entry "${item}" must give a whole number of tokens, at least 500`);
    else result.set(model.id, Number(value));
  }
  return result;
}

/**
 * `provider:model-id=input/cached/output[/cache-write]`, US dollars per million tokens. Models no
 * longer in MODELS may keep a price, so their past usage still gets a cost.
 */
export function parseModelPrices(raw: string, problems: string[]): Map<string, ModelPrice> {
  const result = new Map<string, ModelPrice>();
  const example = 'openai:gpt-5=1.25/0.125/10 (input/cached input/output per million tokens)';
  for (const { item, key, value } of keyValueItems('MODEL_PRICES', raw, example, problems)) {
    const colon = key.indexOf(':');
    const numbers = value.split('/').map((part) => part.trim());
    const valid =
      colon > 0 &&
      colon < key.length - 1 &&
      (numbers.length === 3 || numbers.length === 4) &&
      numbers.every((part) => /^\d+(\.\d+)?$/.test(part));
    if (!valid) {
      problems.push(`MODEL_PRICES entry "${item}" must look like ${example}`);
      continue;
    }
    const [input, cachedInput, output, cacheWrite] = numbers.map(Number) as [number, number, number, number?];
    const id = `${key.slice(0, colon).toLowerCase()}:${key.slice(colon + 1)}`;
    result.set(id, { input, cachedInput, output, cacheWrite: cacheWrite ?? input });
  }
  return result;
}

/**
 * `user=daily/monthly`: user an id or @username; each side a number of tokens, `none` (or 0) for no
 * limit, or empty to keep the default.
 */
export function parseUserTokenLimits(raw: string, problems: string[]): TokenLimitOverride[] {
  const overrides: TokenLimitOverride[] = [];
  const example = '42=50000/1000000 or @alice=none/none (daily/monthly; empty keeps the default)';
  for (const { item, key, value } of keyValueItems('USER_TOKEN_LIMITS', raw, example, problems)) {
    const sides = value.split('/').map((part) => part.trim().toLowerCase());
    const user = /^\d{1,16}$/.test(key)
      ? { userId: Number(key) }
      : /^@?[A-Za-z0-9_]{4,32}$/.test(key)
        ? { username: key.replace(/^@/, '').toLowerCase() }
        : undefined;
    const limit = (side: string | undefined) =>
      side === undefined || side === ''
        ? undefined
        : side === 'none' || side === '0'
          ? null
          : /^\d+$/.test(side)
            ? Number(side)
            : Number.NaN;
    const [daily, monthly] = [limit(sides[0]), limit(sides[1])];
    if (!user || sides.length > 2 || Number.isNaN(daily) || Number.isNaN(monthly)) {
      problems.push(`USER_TOKEN_LIMITS entry "${item}" must look like ${example}`);
      continue;
    }
    overrides.push({
      ...user,
      ...(daily === undefined ? {} : { daily }),
      ...(monthly === undefined ? {} : { monthly }),
    });
  }
  return overrides;
}
