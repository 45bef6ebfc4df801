import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveRpc } from '../lib/ipc.js';
import type { BotHandlers, BotStartInput } from './bot-api.js';

export interface RunningBot {
  stop(): Promise<void>;
}

/**
 * The measuring half of a bot child, shared by Streamgram and the baseline: CPU time of this process
 * (process.cpuUsage covers every thread), RSS sampled every 100 ms, event-loop delay — for the window
 * between measureStart and measureStop only, so startup and module loading are not counted.
 */
export function serveBot(start: (input: BotStartInput) => Promise<RunningBot>): void {
  let bot: RunningBot | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let startedAt = 0;
  let peakRss = 0;
  let peakHeap = 0;
  let sampler: NodeJS.Timeout | undefined;
  let lastCpu: NodeJS.CpuUsage | undefined;
  let cpuPerSecond: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  // CPU is put in the wall-clock second it was measured in: a blocked event loop delays the sampler,
  // so counting samples would stretch the seconds exactly when it matters.
  const sample = () => {
    const memory = process.memoryUsage();
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
      startedAt = performance.now();
      lastCpu = cpuAtStart;
      cpuPerSecond = [];
      peakRss = 0;
      peakHeap = 0;
      sample();
      sampler = setInterval(sample, 100);
      loopDelay.reset();
      loopDelay.enable();
    },
    measureStop() {
      const cpu = process.cpuUsage(cpuAtStart);
      sample();
      if (sampler) clearInterval(sampler);
      sampler = undefined;
      loopDelay.disable();
      return {
        wallMs: Math.round(performance.now() - startedAt),
        cpuUserMs: Math.round(cpu.user / 1000),
        cpuSystemMs: Math.round(cpu.system / 1000),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        peakHeapUsedMb: Math.round(peakHeap / 1024 / 1024),
        cpuMsPerSecond: cpuPerSecond.map(Math.round),
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
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
