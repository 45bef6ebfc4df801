import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { serveRpc } from '../lib/ipc.js';
import type { BotHandlers, BotStartInput } from './bot-api.js';
import { threadCpuMs } from './thread-cpu.js';

export interface RunningBot {
  stop(): Promise<void>;
}

/**
 * The measuring half of a bot child, shared by Streamgram and the baseline: CPU time of this process
 * (process.cpuUsage covers every thread), RSS sampled every 100 ms, event-loop delay — for the window
 * between measureStart and measureStop only, so startup and module loading are not counted.
 */
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * `BENCH_HEAP_SNAPSHOT=<dir>` (with `BENCH_HEAP_SNAPSHOT_AT_S`, default 15): one V8 heap snapshot of
 * the bot that many seconds into the measured window, to see what the live memory is made of. Writing
 * it stops the process for seconds, so the run's latency figures mean nothing then.
 */
function scheduleHeapSnapshot(): void {
  const dir = process.env.BENCH_HEAP_SNAPSHOT;
  if (!dir) return;
  const atSeconds = Number(process.env.BENCH_HEAP_SNAPSHOT_AT_S ?? 15);
  setTimeout(() => {
    const file = writeHeapSnapshot(`${dir}/bot-${process.pid}-${atSeconds}s.heapsnapshot`);
    process.stderr.write(`heap snapshot written to ${file}\n`);
  }, atSeconds * 1000).unref();
}

export function serveBot(start: (input: BotStartInput) => Promise<RunningBot>): void {
  let bot: RunningBot | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let threadsAtStart: ReturnType<typeof threadCpuMs>;
  let startedAt = 0;
  let peakRss = 0;
  let peakHeap = 0;
  let atPeakRss: NodeJS.MemoryUsage | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let lastCpu: NodeJS.CpuUsage | undefined;
  let cpuPerSecond: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  // Pauses of the main thread for garbage collection, young (scavenge) and full (mark-compact).
  let gc = { youngCount: 0, youngMs: 0, fullCount: 0, fullMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.youngCount += 1;
        gc.youngMs += entry.duration;
      } else {
        gc.fullCount += 1;
        gc.fullMs += entry.duration;
      }
    }
  });

  // CPU is put in the wall-clock second it was measured in: a blocked event loop delays the sampler,
  // so counting samples would stretch the seconds exactly when it matters.
  const sample = () => {
    const memory = process.memoryUsage();
    if (memory.rss > peakRss) atPeakRss = memory;
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    const second = Math.floor((performance.now() - startedAt) / 1000);
    while (cpuPerSecond.length <= second) cpuPerSecond.push(0);
    cpuPerSecond[second] = (cpuPerSecond[second] ?? 0) + (cpu.user + cpu.system) / 1000;
  };

  const handlers: BotHandlers = {
    async start(input) {
      bot = await start(input);
    },
    measureStart() {
      cpuAtStart = process.cpuUsage();
      threadsAtStart = threadCpuMs();
      startedAt = performance.now();
      lastCpu = cpuAtStart;
      cpuPerSecond = [];
      peakRss = 0;
      peakHeap = 0;
      atPeakRss = undefined;
      sample();
      sampler = setInterval(sample, 100);
      scheduleHeapSnapshot();
      loopDelay.reset();
      loopDelay.enable();
      gc = { youngCount: 0, youngMs: 0, fullCount: 0, fullMs: 0 };
      gcObserver.observe({ entryTypes: ['gc'] });
    },
    measureStop() {
      const cpu = process.cpuUsage(cpuAtStart);
      const threadsNow = threadCpuMs();
      sample();
      if (sampler) clearInterval(sampler);
      sampler = undefined;
      loopDelay.disable();
      gcObserver.disconnect();
      return {
        wallMs: Math.round(performance.now() - startedAt),
        cpuUserMs: Math.round(cpu.user / 1000),
        cpuSystemMs: Math.round(cpu.system / 1000),
        ...(threadsAtStart && threadsNow
          ? {
              threads: {
                mainMs: threadsNow.mainMs - threadsAtStart.mainMs,
                otherMs: threadsNow.otherMs - threadsAtStart.otherMs,
              },
            }
          : {}),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        peakHeapUsedMb: Math.round(peakHeap / 1024 / 1024),
        atPeakRss: {
          heapTotalMb: mb(atPeakRss?.heapTotal ?? 0),
          externalMb: mb(atPeakRss?.external ?? 0),
          arrayBuffersMb: mb(atPeakRss?.arrayBuffers ?? 0),
        },
        cpuMsPerSecond: cpuPerSecond.map(Math.round),
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
        gc: {
          youngCount: gc.youngCount,
          youngMs: Math.round(gc.youngMs),
          fullCount: gc.fullCount,
          fullMs: Math.round(gc.fullMs),
        },
      };
    },
    async stop() {
      if (sampler) clearInterval(sampler);
      const running = bot;
      bot = undefined;
      await running?.stop();
    },
  };
  serveRpc(handlers, () => process.exit(0));
}
