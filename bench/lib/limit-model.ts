import type { RateLimitPreset } from '../../src/emulator/index.js';

/**
 * The two ways the emulator can count Telegram's limits (issue 10). `bucket`: a 30-call bucket refilled
 * at 30 per second (bursts forgiven, so up to ~60 calls may land inside one second), per chat likewise;
 * `sliding`: the strictest reading, never more than 30 calls in any 1,000 ms, private chats 3 in any
 * 3 s, groups 1 s apart and 20 in any 60 s, all counted when the request arrives.
 */
export type LimitModel = 'sliding' | 'bucket';

/** Strict first: the targets are judged under it. */
export const LIMIT_MODELS: readonly LimitModel[] = ['sliding', 'bucket'];

export const EMULATOR_PRESET: Readonly<Record<LimitModel, RateLimitPreset>> = {
  bucket: 'telegram',
  sliding: 'sliding',
};

export const LIMIT_MODEL_TITLE: Readonly<Record<LimitModel, string>> = {
  sliding: 'strict sliding windows (30 in any 1,000 ms, counted on arrival)',
  bucket: 'bucket model (30-call bucket refilled at 30/s)',
};

export function parseLimitModels(value: string | undefined): LimitModel[] {
  if (value === undefined || value === 'both') return [...LIMIT_MODELS];
  const models = value.split(',').map((item) => item.trim());
  for (const model of models) {
    if (!(LIMIT_MODELS as readonly string[]).includes(model)) {
      throw new Error(`--model=${value}: use sliding, bucket or both`);
    }
  }
  return [...new Set(models)] as LimitModel[];
}
