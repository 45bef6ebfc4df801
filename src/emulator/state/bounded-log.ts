/** An append-only list that keeps only the newest `capacity` items, in amortised O(1). */
export interface BoundedLog<T> {
  push(item: T): void;
  /** The kept items, oldest first (a copy). */
  toArray(): T[];
  /** Visits kept items newest first until `visit` returns true. */
  findLast(visit: (item: T) => boolean): T | undefined;
  readonly size: number;
  clear(): void;
}

export function createBoundedLog<T>(capacity: number): BoundedLog<T> {
  let items: T[] = [];
  const slack = Math.max(16, Math.floor(capacity / 4));
  return {
    push(item) {
      items.push(item);
      if (items.length > capacity + slack) items = items.slice(items.length - capacity);
    },
    toArray: () => (items.length > capacity ? items.slice(items.length - capacity) : items.slice()),
    findLast(visit) {
      const stop = Math.max(0, items.length - capacity);
      for (let i = items.length - 1; i >= stop; i--) {
        const item = items[i] as T;
        if (visit(item)) return item;
      }
      return undefined;
    },
    get size() {
      return Math.min(items.length, capacity);
    },
    clear() {
      items = [];
    },
  };
}
