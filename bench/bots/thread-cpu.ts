import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/**
 * CPU ms of this process's main thread (the event loop) and of all its other threads (V8's
 * compiler and GC helpers, libuv's pool), from /proc; undefined where there is none. The split
 * shows whether a change in CPU is the bot's own work or V8 compiling and collecting beside it.
 */
export function threadCpuMs(): { mainMs: number; otherMs: number } | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  let mainMs = 0;
  let otherMs = 0;
  for (const task of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    if (task === String(process.pid)) mainMs += ms;
    else otherMs += ms;
  }
  return { mainMs, otherMs };
}
