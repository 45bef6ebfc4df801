/**
 * A value made the first time it is asked for. For Intl objects: the first one a process makes loads
 * ICU's data (about 7 MB of RSS), which a bot that never formats a number or a date need not carry.
 */
export function madeOnFirstUse<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
