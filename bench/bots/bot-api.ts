import type { WorldEndpoints } from '../world/world-api.js';

export interface BotStartInput {
  endpoints: WorldEndpoints;
  /** A fresh SQLite file (Streamgram) for this run. */
  databasePath: string;
  /** Where the bot's own logs go (warnings and errors only). */
  logPath: string;
}

export interface BotMeasure {
  /** Length of the measured window. */
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** The window's CPU split: the main thread, and every other thread (V8 compiler, GC helpers); Linux only. */
  threads?: { mainMs: number; otherMs: number };
  /** Highest RSS sampled every 100 ms during the measured window. */
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** What made up the RSS when it peaked: V8 heap reserved, C++ objects held by JS (buffers), MB. */
  atPeakRss: { heapTotalMb: number; externalMb: number; arrayBuffersMb: number };
  /** CPU ms spent in each second of the window (about 1000 = one core busy). */
  cpuMsPerSecond: number[];
  /** The process's lifetime peak RSS (getrusage), startup included. */
  maxRssMb: number;
  eventLoopDelayP99Ms: number;
  /** Garbage collections in the window and the main-thread pause they took, young and full. */
  gc: { youngCount: number; youngMs: number; fullCount: number; fullMs: number };
}

export type BotHandlers = {
  start(params: BotStartInput): Promise<void>;
  measureStart(params: Record<string, never>): void;
  measureStop(params: Record<string, never>): BotMeasure;
  stop(params: Record<string, never>): Promise<void>;
};
