import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) of one process at a moment, from /proc/PID/stat (utime + stime). */
interface ProcessSample {
  ppid: number;
  comm: string;
  cpuMs: number;
}

// Linux reports clock ticks at USER_HZ, 100 on every platform Node supports.
const TICK_MS = 10;

function readProcesses(): Map<number, ProcessSample> {
  const result = new Map<number, ProcessSample>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm may hold spaces and parentheses: the fields after it start at the last ')'.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      result.set(Number(name), {
        comm: stat.slice(stat.indexOf('(') + 1, close),
        ppid: Number(fields[1]),
        cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return result;
}

/** Busy and total CPU time of the whole machine (all cores), ms. */
function readMachine(): { busyMs: number; totalMs: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const totalTicks = fields.reduce((sum, value) => sum + value, 0);
  const idleTicks = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busyMs: (totalTicks - idleTicks) * TICK_MS, totalMs: totalTicks * TICK_MS };
}

/** The postmaster listening on `port` (pg_ctl daemonizes it, so it is not our child). */
export function findPostmaster(port: number): number | undefined {
  for (const [pid, sample] of readProcesses()) {
    if (sample.comm !== 'postgres') continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (args.includes(`-p ${port} `) || args.endsWith(`-p ${port}`)) return pid;
    } catch {
      // Ended meanwhile.
    }
  }
  return undefined;
}

export interface CpuShares {
  /** CPU ms per group over the window; `other` = the machine's busy time not spent by this bench's tree. */
  byGroup: Record<string, number>;
  machineBusyPercent: number;
  windowMs: number;
}

/**
 * Where the CPU went during a measured window, for the bench's own process tree: this process (the
 * emulator, the round-robin front, the fake model server), each bot process, PostgreSQL and Redis,
 * and everything else on the (shared) machine. A process that started inside the window counts in
 * full, one that ended inside it is missed (PostgreSQL backends live as long as the pools).
 */
export function startCpuSampler(
  groups: { name: string; pid: number | undefined }[],
  postmaster: number | undefined,
) {
  const before = readProcesses();
  const machineBefore = readMachine();
  const startedAt = Date.now();
  return {
    /** The shares from the start until now; may be called more than once. */
    stop(): CpuShares {
      const after = readProcesses();
      const machineAfter = readMachine();
      const rootOf = (pid: number): number | undefined => {
        // Walks up to the nearest named root: a bot process, or this bench process.
        const roots = new Set([process.pid, postmaster, ...groups.map((group) => group.pid)]);
        let current: number | undefined = pid;
        for (let depth = 0; current !== undefined && current > 1 && depth < 20; depth++) {
          if (roots.has(current)) return current;
          current = after.get(current)?.ppid;
        }
        return undefined;
      };
      const byGroup: Record<string, number> = {};
      const add = (name: string, ms: number) => {
        byGroup[name] = (byGroup[name] ?? 0) + ms;
      };
      let ours = 0;
      for (const [pid, sample] of after) {
        const root = rootOf(pid);
        if (root === undefined) continue;
        const spent = sample.cpuMs - (before.get(pid)?.cpuMs ?? 0);
        ours += spent;
        if (pid === process.pid) add('bench (emulator, front, fake model)', spent);
        else if (root === postmaster) add('postgres', spent);
        else if (sample.comm.startsWith('redis')) add('redis', spent);
        else add(groups.find((group) => group.pid === root)?.name ?? 'bench children', spent);
      }
      const busy = machineAfter.busyMs - machineBefore.busyMs;
      const total = machineAfter.totalMs - machineBefore.totalMs;
      add('other (not this bench)', Math.max(0, busy - ours));
      return {
        byGroup,
        machineBusyPercent: total > 0 ? (busy / total) * 100 : 0,
        windowMs: Date.now() - startedAt,
      };
    },
  };
}
