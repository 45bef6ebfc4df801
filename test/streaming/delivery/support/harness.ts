import { vi } from 'vitest';
import { createDeliveryEngine } from '../../../../src/streaming/delivery/create-delivery-engine.js';
import type { DeliveryOptionsInput } from '../../../../src/streaming/delivery/options.js';
import type { RateGate } from '../../../../src/streaming/delivery/rate-gate.js';
import type { DeliveryLogger, StartAnswerOptions } from '../../../../src/streaming/delivery/types.js';
import { createFakeRender } from './fake-render.js';
import { createFakeSink } from './fake-sink.js';

/** Moves fake time forward in small steps until `condition` holds (deterministic: no wall clock involved). */
export async function advanceUntil(condition: () => boolean, maxMs = 600_000, stepMs = 10): Promise<void> {
  for (let waited = 0; !condition(); waited += stepMs) {
    if (waited > maxMs) throw new Error(`condition not met within ${maxMs} ms of fake time`);
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

/** Waits (in fake time) for a promise to settle and returns its value. */
export async function settle<T>(promise: Promise<T>, maxMs = 600_000): Promise<T> {
  let done = false;
  let value: T | undefined;
  let failure: unknown;
  let failed = false;
  promise.then(
    (result) => {
      done = true;
      value = result;
    },
    (error: unknown) => {
      done = true;
      failed = true;
      failure = error;
    },
  );
  await advanceUntil(() => done, maxMs);
  if (failed) throw failure;
  return value as T;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  details: object;
}

export function createRecordingLogger(): DeliveryLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (details: object, message: string) => {
    entries.push({ level, message, details });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** An engine over a fake sink and the fake renderer; use with `vi.useFakeTimers()`. */
export function createHarness(options: DeliveryOptionsInput = {}, extra: { gate?: RateGate } = {}) {
  const sink = createFakeSink();
  const render = createFakeRender();
  const logger = createRecordingLogger();
  const engine = createDeliveryEngine({
    sink: sink.sink,
    createRenderer: () => render.render,
    logger,
    options,
    ...(extra.gate ? { gate: extra.gate } : {}),
  });
  return {
    sink,
    render,
    logger,
    engine,
    start(overrides: Partial<StartAnswerOptions> = {}) {
      return engine.startAnswer({ chatId: 1, chatType: 'private', showReasoning: true, ...overrides });
    },
    /** Closing stops Bottleneck, which needs its timers to run. */
    async close() {
      await settle(engine.close(), 10_000);
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;

export function text(value: string) {
  return { text: value, entities: [] };
}
