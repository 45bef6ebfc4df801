/**
 * The leaf types of the delivery engine: they import nothing, so options.ts, rate-gate.ts,
 * system-timers.ts and types.ts can all use them without importing each other in a circle.
 */
export type ChatType = 'private' | 'group' | 'supergroup';
export type StreamMode = 'auto' | 'draft' | 'edit';

export interface DeliveryLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Time and timers for typing, backoff, keep-alives and per-chat budgets; defaults are the Node globals.
 * The global limiter (Bottleneck) always uses the global timers, so tests fake those (vitest fake timers).
 */
export interface DeliveryTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
