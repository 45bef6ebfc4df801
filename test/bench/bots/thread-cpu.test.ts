import { describe, expect, it } from 'vitest';
import { threadCpuMs } from '../../../bench/bots/thread-cpu.js';

describe('threadCpuMs', () => {
  it.runIf(process.platform === 'linux')('counts work on the main thread as main-thread CPU', () => {
    const before = threadCpuMs()!;
    const started = process.cpuUsage();
    // Busy until the process has spent 300 ms of CPU, however slow or busy the machine is.
    let spin = 0;
    while (process.cpuUsage(started).user < 300_000) spin += Math.sqrt(spin + 1);
    const after = threadCpuMs()!;
    expect(spin).toBeGreaterThan(0);
    expect(after.mainMs - before.mainMs).toBeGreaterThanOrEqual(200);
    expect(after.otherMs).toBeGreaterThanOrEqual(before.otherMs);
  });
});
