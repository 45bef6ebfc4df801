import type { BotKind } from '../report/summarize.js';
import { type LimitModel, parseLimitModels } from './limit-model.js';

export interface BenchFlags {
  quick: boolean;
  /** Scenario ids (default set, extras, or quick set); undefined: the whole default (or quick) set. */
  only: string[] | undefined;
  models: LimitModel[];
  bots: BotKind[];
}

const BOTS: readonly BotKind[] = ['streamgram', 'grammy', 'naive'];

const flagValue = (argv: string[], name: string) =>
  argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** `--quick`, `--only=a,b`, `--model=sliding|bucket|both`, `--bots=streamgram,grammy,naive`, `--no-baseline`. */
export function parseFlags(argv: string[]): BenchFlags {
  const known = ['--quick', '--no-baseline', '--only=', '--model=', '--bots='];
  const unknown = argv.filter(
    (arg) => !known.some((flag) => arg === flag || (flag.endsWith('=') && arg.startsWith(flag))),
  );
  if (unknown.length > 0) {
    throw new Error(
      `unknown flag ${unknown.join(' ')}; see bench/README.md for --quick, --only, --model, --bots`,
    );
  }
  const only = flagValue(argv, 'only');
  const botsValue = flagValue(argv, 'bots');
  let bots: BotKind[] = [...BOTS];
  if (botsValue !== undefined) {
    const named = list(botsValue);
    const wrong = named.filter((bot) => !(BOTS as readonly string[]).includes(bot));
    if (wrong.length > 0) throw new Error(`--bots=${botsValue}: use any of ${BOTS.join(', ')}`);
    bots = BOTS.filter((bot) => named.includes(bot));
  }
  if (argv.includes('--no-baseline')) bots = bots.filter((bot) => bot === 'streamgram');
  if (bots.length === 0) throw new Error('no bot left to run (--bots / --no-baseline)');
  return {
    quick: argv.includes('--quick') || process.env.BENCH_QUICK === '1',
    only: only === undefined ? undefined : list(only),
    models: parseLimitModels(flagValue(argv, 'model')),
    bots,
  };
}
