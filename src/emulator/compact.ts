type Loose<T> = { [K in keyof T]: T[K] | undefined };

/**
 * Drops keys whose value is `undefined`: the emulator answers with JSON where absent optional
 * fields are missing, never `null`, and `exactOptionalPropertyTypes` wants the same in memory.
 */
export function compact<T extends object>(value: Loose<T>): T {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = item;
  return result as T;
}
