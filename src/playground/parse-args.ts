export class PlaygroundArgsError extends Error {
  override readonly name = 'PlaygroundArgsError';
}

export interface PlaygroundArgs {
  port: number;
  help: boolean;
}

/** `--port N` or `--port=N` wins over `PLAYGROUND_PORT`, which wins over the default. */
export function parsePlaygroundArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  defaultPort: number,
): PlaygroundArgs {
  let raw: string | undefined;
  let source = 'PLAYGROUND_PORT';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--port' || arg === '-p') {
      raw = argv[++i];
      source = '--port';
      if (raw === undefined) throw new PlaygroundArgsError('--port needs a number, e.g. --port 4777');
    } else if (arg.startsWith('--port=')) {
      raw = arg.slice('--port='.length);
      source = '--port';
    } else throw new PlaygroundArgsError(`unknown option ${arg} (try --help)`);
  }
  raw ??= env.PLAYGROUND_PORT?.trim() || undefined;
  if (raw === undefined) return { port: defaultPort, help };
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new PlaygroundArgsError(`${source} must be a port number from 0 to 65535 (0 picks a free one)`);
  }
  return { port: Number(raw), help };
}
