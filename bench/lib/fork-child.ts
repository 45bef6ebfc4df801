import { type ChildProcess, fork } from 'node:child_process';
import { createRpcClient, type RpcClient, type RpcHandlers } from './ipc.js';

export interface Child<H extends RpcHandlers> {
  readonly process: ChildProcess;
  readonly rpc: RpcClient<H>;
  /** Resolves once the child has exited. */
  readonly exited: Promise<void>;
  kill(): Promise<void>;
  /** Lets the child exit on its own (it exits when the IPC channel closes), killing it after `graceMs`. */
  end(graceMs: number): Promise<void>;
}

const everyChild = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children die with the benchmark, whatever ends it (error, Ctrl-C, a kill). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of everyChild) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of everyChild) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * Forks an entry with an IPC channel: a `.ts` one through tsx, a compiled `.mjs` on plain node.
 * Its stdout goes nowhere, stderr through.
 */
export function forkChild<H extends RpcHandlers>(
  entry: string,
  name: string,
  options: { cpuProfileDir?: string; nodeFlags?: readonly string[] } = {},
): Child<H> {
  installExitHook();
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = fork(entry, [], {
    execArgv: [...loader, ...profile, ...(options.nodeFlags ?? [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  everyChild.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      everyChild.delete(child);
      resolve();
    });
  });
  return {
    process: child,
    rpc: createRpcClient<H>(child, name),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async end(graceMs) {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
