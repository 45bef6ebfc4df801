import type { LimitModel } from './lib/limit-model.js';
import type { AnswerPlan, RandomFaults } from './world/world-api.js';

/**
 * Which targets a scenario is judged against (issue 10, after issue 3). `delivery`: nothing lost, wrong
 * or duplicated, no 429, first and final text within 1 s of what the global budget allows;
 * `concurrent` adds CPU per 1,000 tokens within the grammY baseline's; `concurrent-500` adds peak RSS.
 * Wherever the grammY baseline ran, Streamgram must also beat its latency and its 429s.
 */
export type TargetSet = 'single-private' | 'delivery' | 'concurrent' | 'concurrent-500' | 'faults' | 'none';

export type BaselineKind = 'grammy' | 'naive';

export interface Scenario {
  id: string;
  title: string;
  answers: number;
  /** Share of the answers asked in groups (the rest in private chats). */
  groupShare: number;
  chars: number;
  tokensPerSecond: number;
  /** The model's time to first token: drafts show "Thinking…" meanwhile. */
  firstTokenDelayMs: number;
  tokenChars: number;
  randomFaults?: RandomFaults;
  /** Streamgram is given this long after the questions before its unfinished answers count as lost. */
  capMs: number;
  /**
   * Baselines run on the same load, each stopped this long (ms) after the questions: the naive bot
   * never finishes under flood waits, so it gets a short look; the grammY bot is given time to finish.
   */
  baselines: Partial<Record<BaselineKind, number>>;
  /** The limit models it runs under by default (`--model` narrows it). */
  models: readonly LimitModel[];
  /**
   * A baseline that runs under fewer models than the scenario by default (to keep the default run
   * short); `--only` lifts it.
   */
  baselineModels?: Partial<Record<BaselineKind, readonly LimitModel[]>>;
  targets: TargetSet;
}

const STREAM = { tokenChars: 4, firstTokenDelayMs: 500 };
const BOTH: readonly LimitModel[] = ['sliding', 'bucket'];
/**
 * The naive bot is there for scale (it never finishes under flood waits): a 10 s look under the strict
 * model is enough by default; `--only=<id>` runs it under both.
 */
const NAIVE_STRICT_ONLY = { naive: ['sliding'] } as const satisfies Scenario['baselineModels'];

const PRIVATE_1: Scenario = {
  id: 'private-1',
  title: '1 private chat, 1,600 chars at 50 tokens/s',
  answers: 1,
  groupShare: 0,
  chars: 1600,
  tokensPerSecond: 50,
  ...STREAM,
  capMs: 30_000,
  baselines: { grammy: 30_000, naive: 10_000 },
  models: BOTH,
  baselineModels: NAIVE_STRICT_ONLY,
  targets: 'single-private',
};

const GROUP_1: Scenario = {
  id: 'group-1',
  title: '1 group, 1,000 chars at 50 tokens/s',
  answers: 1,
  groupShare: 1,
  chars: 1000,
  tokensPerSecond: 50,
  ...STREAM,
  capMs: 30_000,
  baselines: {},
  models: BOTH,
  targets: 'none',
};

/** The 100: 30 % groups, 2,400 characters at 30 tokens/s. */
const TARGET_100: Scenario = {
  id: 'target-100',
  title: '100 concurrent answers (30% groups), 2,400 chars at 30 tokens/s',
  answers: 100,
  groupShare: 0.3,
  chars: 2400,
  tokensPerSecond: 30,
  ...STREAM,
  capMs: 60_000,
  baselines: { grammy: 90_000, naive: 10_000 },
  models: BOTH,
  baselineModels: NAIVE_STRICT_ONLY,
  targets: 'concurrent',
};

/** The 500: 30 % groups, 1,600 characters at 15 tokens/s. */
const TARGET_500: Scenario = {
  id: 'target-500',
  title: '500 concurrent answers (30% groups), 1,600 chars at 15 tokens/s',
  answers: 500,
  groupShare: 0.3,
  chars: 1600,
  tokensPerSecond: 15,
  ...STREAM,
  capMs: 120_000,
  baselines: { grammy: 120_000, naive: 10_000 },
  models: BOTH,
  baselineModels: NAIVE_STRICT_ONLY,
  targets: 'concurrent-500',
};

/** Injected 429s do not depend on the limit model: run under the strict one, where a hold costs most. */
const FAULTS_30: Scenario = {
  id: 'faults-30',
  title:
    '30 answers (30% groups), 1,200 chars at 30 tokens/s, random 429s (retry_after 1-40 s) on 10% of calls',
  answers: 30,
  groupShare: 0.3,
  chars: 1200,
  tokensPerSecond: 30,
  ...STREAM,
  randomFaults: { rate429: 0.1, retryAfterRange: [1, 40] },
  capMs: 150_000,
  baselines: {},
  models: ['sliding'],
  targets: 'faults',
};

/**
 * The default run: every target of the issue under both limit models, the grammY and naive
 * baselines beside Streamgram, in about eight minutes on two quiet cores.
 */
export const DEFAULT_SCENARIOS: Scenario[] = [PRIVATE_1, GROUP_1, TARGET_100, TARGET_500, FAULTS_30];

/** Not in the default run; `--only=<id>` picks them. */
export const EXTRA_SCENARIOS: Scenario[] = [
  {
    id: 'mixed-50',
    title: '50 concurrent answers (30% groups), 1,200 chars at 30 tokens/s',
    answers: 50,
    groupShare: 0.3,
    chars: 1200,
    tokensPerSecond: 30,
    ...STREAM,
    capMs: 60_000,
    baselines: {},
    models: BOTH,
    targets: 'delivery',
  },
  {
    // Issue 3's 500: shorter answers, faster streams.
    id: 'mixed-500',
    title: '500 concurrent answers (30% groups), 1,200 chars at 30 tokens/s',
    answers: 500,
    groupShare: 0.3,
    chars: 1200,
    tokensPerSecond: 30,
    ...STREAM,
    capMs: 90_000,
    baselines: { grammy: 90_000, naive: 10_000 },
    models: BOTH,
    targets: 'concurrent-500',
  },
];

/**
 * `--quick`, for working on the engine: the single chat, the target load with shorter answers, and a
 * small fault run with shorter waits (1-10 s). Its figures are not the targets.
 */
export const QUICK_SCENARIOS: Scenario[] = [
  { ...PRIVATE_1, baselines: { grammy: 20_000, naive: 10_000 } },
  {
    ...TARGET_100,
    chars: 1200,
    title: '100 concurrent answers (30% groups), 1,200 chars at 30 tokens/s',
    baselines: { grammy: 60_000, naive: 10_000 },
  },
  {
    ...FAULTS_30,
    id: 'faults-20',
    answers: 20,
    title:
      '20 answers (30% groups), 1,200 chars at 30 tokens/s, random 429s (retry_after 1-10 s) on 10% of calls',
    randomFaults: { rate429: 0.1, retryAfterRange: [1, 10] },
  },
];

/** Spreads the groups evenly through the answers (every third or so), not all at the end. */
export function planAnswers(scenario: Scenario, seedBase: number): AnswerPlan[] {
  return Array.from({ length: scenario.answers }, (_, index) => ({
    index,
    chatType:
      Math.floor((index + 1) * scenario.groupShare) > Math.floor(index * scenario.groupShare)
        ? ('group' as const)
        : ('private' as const),
    seed: seedBase + index,
    chars: scenario.chars,
    tokensPerSecond: scenario.tokensPerSecond,
    firstTokenDelayMs: scenario.firstTokenDelayMs,
    tokenChars: scenario.tokenChars,
  }));
}
