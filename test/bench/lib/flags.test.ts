import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../../bench/lib/flags.js';

describe('the benchmark flags', () => {
  it('run every bot under both limit models by default, strict first', () => {
    expect(parseFlags([])).toEqual({
      quick: false,
      only: undefined,
      models: ['sliding', 'bucket'],
      bots: ['streamgram', 'grammy', 'naive'],
    });
  });

  it('pick models, scenarios and bots', () => {
    const flags = parseFlags(['--model=bucket', '--only=target-100, private-1', '--bots=grammy,streamgram']);
    expect(flags.models).toEqual(['bucket']);
    expect(flags.only).toEqual(['target-100', 'private-1']);
    expect(flags.bots).toEqual(['streamgram', 'grammy']);
    expect(parseFlags(['--no-baseline']).bots).toEqual(['streamgram']);
    expect(parseFlags(['--model=both']).models).toEqual(['sliding', 'bucket']);
  });

  it('refuse what they do not know, saying what would work', () => {
    expect(() => parseFlags(['--model=strict'])).toThrow(/sliding, bucket or both/);
    expect(() => parseFlags(['--bots=telegraf'])).toThrow(/streamgram, grammy, naive/);
    expect(() => parseFlags(['--baseline'])).toThrow(/unknown flag --baseline/);
    expect(() => parseFlags(['--bots=naive', '--no-baseline'])).toThrow(/no bot left/);
  });
});
