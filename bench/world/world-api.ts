/** What the benchmark asks of the world child (Bot API emulator + fake model server) and what it gets back. */
import type { ApiBotUser } from '../../src/emulator/index.js';
import type { LimitModel } from '../lib/limit-model.js';

export interface RandomFaults {
  rate429: number;
  retryAfterRange: [number, number];
}

export interface WorldStartInput {
  /** How the emulator counts Telegram's limits for this run. */
  limits: LimitModel;
  randomFaults?: RandomFaults;
  /** Seed of the emulator's random faults. */
  seed: number;
}

export interface WorldEndpoints {
  apiRoot: string;
  token: string;
  botInfo: ApiBotUser;
  openaiBaseURL: string;
  openaiKey: string;
}

export interface AnswerPlan {
  index: number;
  chatType: 'private' | 'group';
  /** Seed of the answer's text (different per answer and scenario). */
  seed: number;
  chars: number;
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  tokenChars: number;
}

/**
 * `rendered`: Streamgram's Markdown rendering, split in parts; `raw`: the Markdown source as one message
 * (the naive bot); `raw-parts`: the Markdown source cut into 4,096-character messages (the grammY bot).
 */
export type Expectation = 'rendered' | 'raw' | 'raw-parts';

export interface AskInput {
  answers: AnswerPlan[];
  expectation: Expectation;
}

export interface WaitDoneInput {
  /** Give up this long after the questions were asked. */
  capMs: number;
  /** After the last answer completed, keep watching this long (late duplicates). */
  settleMs: number;
}

export interface WaitDoneResult {
  allComplete: boolean;
  /** From the questions to the last final text (or the cap). */
  elapsedMs: number;
}

export type AnswerOutcome = 'exact' | 'wrong' | 'missing';

export interface AnswerRecord {
  index: number;
  chatType: 'private' | 'group';
  tokens: number;
  /** When the model request arrived at the fake server (ms, world clock). */
  requestAt?: number;
  /** When the first and the last token were written to the socket. */
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** Tokens the server wrote (a slow reader may not have read them all). */
  tokensSent: number;
  /** First non-empty text the user saw (draft, message or edit). */
  firstVisibleAt?: number;
  /** The moment the chat first showed exactly the expected final messages. */
  completeAt?: number;
  /** Visible changes: non-empty drafts, bot messages, bot text edits. */
  updates: number;
  /** Of those, the ones between the first and the last token. */
  updatesWhileStreaming: number;
  /** Final state, at collection. */
  outcome: AnswerOutcome;
  /** Bot messages beyond the expected parts, or bot messages repeating a part's text. */
  duplicates: number;
  /** 429 answers the bot got in this chat. */
  rateLimited: number;
  /** For a wrong answer: what differed, briefly. */
  problem?: string;
}

/** 429s by cause: the emulator's limiter by the scope that was over (holds included), or injected faults. */
export interface TooManyByKind {
  global: number;
  privateChat: number;
  groupChat: number;
  injected: number;
}

export interface CallSummary {
  total: number;
  tooManyRequests: number;
  tooManyByKind: TooManyByKind;
  byMethod: Record<string, { calls: number; ok: number; tooManyRequests: number }>;
  /** Most successful sends, edits and drafts in any sliding one-second window. */
  maxContentCallsPerSecond: number;
  contentCallsOk: number;
  /** Successful sends, edits and drafts per method, per second since the questions. */
  perSecond: Record<string, number[]>;
}

export interface WorldReport {
  askedAt: number;
  answers: AnswerRecord[];
  calls: CallSummary;
  /** Event-loop delay of the world process (ms), so a saturated emulator would be noticed. */
  worldLoopDelayP99Ms: number;
  /** CPU the world process spent from the questions to collection (emulator + model server). */
  worldCpuMs: number;
}

export type WorldHandlers = {
  start(params: WorldStartInput): Promise<WorldEndpoints>;
  waitForPolling(params: { timeoutMs: number }): Promise<void>;
  ask(params: AskInput): { askedAt: number };
  waitDone(params: WaitDoneInput): Promise<WaitDoneResult>;
  collect(params: Record<string, never>): WorldReport;
  stop(params: Record<string, never>): Promise<void>;
};
