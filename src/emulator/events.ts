import type { ApiUpdate } from './api-types.js';
import type { CallRecord } from './recorder.js';
import type { TimelineEvent } from './state/timeline.js';

/** Everything observable, for `waitFor`, live views (the playground) and logs. */
export type EmulatorEvent =
  | { kind: 'call'; call: CallRecord }
  | { kind: 'timeline'; event: TimelineEvent }
  | { kind: 'update'; update: ApiUpdate; queued: boolean };

export type EmulatorListener = (event: EmulatorEvent) => void;

export interface EventBus {
  emit(event: EmulatorEvent): void;
  subscribe(listener: EmulatorListener): () => void;
  /** Emulator-wide sequence numbers for calls and timeline events. */
  nextSeq(): number;
}

export function createEventBus(): EventBus {
  const listeners = new Set<EmulatorListener>();
  let seq = 0;
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A broken listener (a test's predicate) must not break the emulator's own bookkeeping.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nextSeq: () => ++seq,
  };
}
