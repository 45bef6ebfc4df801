/**
 * The world child: the Bot API emulator (Telegram-like limits) and the fake OpenAI server, in a process
 * of their own so the bot's CPU can be measured alone. Driven over IPC by bench/delivery.bench.ts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type BotApiEmulator, type RateLimitStats, startBotApiEmulator } from '../../src/emulator/index.js';
import { renderTelegramParts, START_CURSOR } from '../../src/streaming/render/index.js';
import {
  createFakeOpenAIServer,
  type FakeModelServer,
  type RecordedRequest,
} from '../../test/support/fake-model/index.js';
import { contentText } from '../../test/support/fake-model/scenario.js';
import { answerText } from '../lib/answer-text.js';
import { serveRpc } from '../lib/ipc.js';
import { EMULATOR_PRESET } from '../lib/limit-model.js';
import { plainParts } from '../lib/plain-parts.js';
import { type AnswerTracker, createAnswerTracker, type ExpectedPart } from './answer-tracker.js';
import type { AnswerPlan, Expectation, WorldHandlers, WorldReport } from './world-api.js';

const BOT_TOKEN = '1000000001:AAH-streamgram-bench-token-0123456789';
const OPENAI_KEY = 'sk-bench-openai-key-0123456789abcdef';
const QUESTION = /Question #(\d+)/;

interface World {
  telegram: BotApiEmulator;
  openai: FakeModelServer;
  tracker: AnswerTracker;
  plans: Map<number, AnswerPlan>;
  unsubscribe: () => void;
  askedAt: number;
  cpuAtAsk: NodeJS.CpuUsage;
  /** The limiter's 429 counts when the questions were asked: the warm-up's are not the run's. */
  limitedAtAsk: RateLimitStats;
}

let world: World | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function expectedParts(text: string, expectation: Expectation): ExpectedPart[] {
  if (expectation === 'raw') return [{ text: text.trim(), entities: [] }];
  if (expectation === 'raw-parts') return plainParts(text).map((part) => ({ text: part, entities: [] }));
  return renderTelegramParts({ text }, START_CURSOR, { final: true, reasoning: 'hidden' })
    .map((part) => ({ text: part.text.trim(), entities: part.entities }))
    .filter((part) => part.text !== '');
}

/**
 * Token timestamps, exactly when they are written: the fake server adds each token's length to
 * `charsSent` right as it writes it, so an accessor there sees every token go out.
 */
function watchTokens(request: RecordedRequest, index: number, tracker: AnswerTracker): void {
  let chars = request.charsSent;
  let tokens = 0;
  Object.defineProperty(request, 'charsSent', {
    configurable: true,
    enumerable: true,
    get: () => chars,
    set: (value: number) => {
      chars = value;
      tokens += 1;
      tracker.modelWrote(index, tokens);
    },
  });
}

function requireWorld(): World {
  if (!world) throw new Error('world not started');
  return world;
}

async function stopWorld(): Promise<void> {
  const current = world;
  world = undefined;
  if (!current) return;
  current.unsubscribe();
  await Promise.all([current.telegram.close(), current.openai.close()]);
}

const handlers: WorldHandlers = {
  async start({ limits, randomFaults, seed }) {
    await stopWorld();
    const telegram = await startBotApiEmulator({
      token: BOT_TOKEN,
      limits: EMULATOR_PRESET[limits],
      seed,
      botUsername: 'streamgram_bench_bot',
      maxRecordedCalls: 2_000,
    });
    const openai = await createFakeOpenAIServer({ apiKey: OPENAI_KEY });
    const plans = new Map<number, AnswerPlan>();
    openai.setHandler((request) => {
      const tracker = requireWorld().tracker;
      const last = request.messages.at(-1);
      const match = last === undefined ? null : QUESTION.exec(contentText(last));
      const plan = match ? plans.get(Number(match[1])) : undefined;
      if (!plan) return { text: 'This question is not part of the benchmark.' };
      const text = answerText(plan.seed, plan.chars);
      tracker.modelRequest(plan.index, Math.ceil(text.length / plan.tokenChars));
      watchTokens(request, plan.index, tracker);
      return {
        text,
        tokenChars: plan.tokenChars,
        tokensPerSecond: plan.tokensPerSecond,
        firstTokenDelayMs: plan.firstTokenDelayMs,
      };
    });
    if (randomFaults) telegram.setRandomFaults(randomFaults);
    const tracker = createAnswerTracker();
    world = {
      telegram,
      openai,
      tracker,
      plans,
      unsubscribe: telegram.subscribe((event) => world?.tracker.onEvent(event)),
      askedAt: 0,
      cpuAtAsk: process.cpuUsage(),
      limitedAtAsk: telegram.rateLimitStats(),
    };
    loopDelay.reset();
    loopDelay.enable();
    return {
      apiRoot: telegram.apiRoot,
      token: telegram.token,
      botInfo: telegram.bot,
      openaiBaseURL: openai.baseURL,
      openaiKey: OPENAI_KEY,
    };
  },

  async waitForPolling({ timeoutMs }) {
    const { telegram } = requireWorld();
    await telegram.waitFor(() => telegram.isLongPolling(), { timeoutMs });
  },

  ask({ answers, expectation }) {
    const current = requireWorld();
    // Each batch of questions is measured on its own: a warm-up leaves no calls or answers behind.
    current.tracker = createAnswerTracker();
    current.telegram.resetRecords();
    loopDelay.reset();
    const { telegram, tracker, plans } = current;
    const questions: (() => void)[] = [];
    for (const plan of answers) {
      plans.set(plan.index, plan);
      const user = telegram.createUser({ firstName: `Reader ${plan.index}` });
      const text = `Question #${plan.index}: how does streaming delivery work?`;
      const expected = expectedParts(answerText(plan.seed, plan.chars), expectation);
      if (plan.chatType === 'private') {
        tracker.track(plan, user.id, expected);
        questions.push(() => telegram.userSends({ chat: user.id, text }));
      } else {
        const group = telegram.createGroup({ title: `Bench group ${plan.index}` });
        tracker.track(plan, group.id, expected);
        const mention = `@${telegram.bot.username} ${text}`;
        questions.push(() => telegram.userSends({ chat: group.id, from: user.id, text: mention }));
      }
    }
    // Every question in the same instant: the load arrives as one burst, as the scenario says.
    current.askedAt = Date.now();
    current.cpuAtAsk = process.cpuUsage();
    current.limitedAtAsk = telegram.rateLimitStats();
    tracker.startClock(current.askedAt);
    for (const send of questions) send();
    return { askedAt: current.askedAt };
  },

  waitDone({ capMs, settleMs }) {
    const current = requireWorld();
    return new Promise((resolve) => {
      const deadline = current.askedAt + capMs;
      const check = () => {
        const now = Date.now();
        if (current.tracker.allComplete()) {
          const last = current.tracker.lastCompleteAt() ?? now;
          setTimeout(() => resolve({ allComplete: true, elapsedMs: last - current.askedAt }), settleMs);
          return;
        }
        if (now >= deadline) {
          resolve({ allComplete: false, elapsedMs: now - current.askedAt });
          return;
        }
        setTimeout(check, 50);
      };
      check();
    });
  },

  collect() {
    const { telegram, tracker, askedAt, cpuAtAsk, limitedAtAsk } = requireWorld();
    const cpu = process.cpuUsage(cpuAtAsk);
    const stats = telegram.stats();
    const limited = telegram.rateLimitStats();
    const byKind = {
      global: limited.global - limitedAtAsk.global,
      privateChat: limited.privateChat - limitedAtAsk.privateChat,
      groupChat: limited.groupChat - limitedAtAsk.groupChat,
    };
    const byMethod: WorldReport['calls']['byMethod'] = {};
    let contentCallsOk = 0;
    for (const [method, counts] of Object.entries(stats.byMethod)) {
      byMethod[method] = { calls: counts.calls, ok: counts.ok, tooManyRequests: counts.tooManyRequests };
      if (method === 'sendMessage' || method === 'editMessageText' || method === 'sendMessageDraft') {
        contentCallsOk += counts.ok;
      }
    }
    return {
      askedAt,
      answers: tracker.records(),
      calls: {
        total: stats.total,
        tooManyRequests: stats.tooManyRequests,
        // Whatever the limiter did not answer was an injected fault (the faults scenario).
        tooManyByKind: {
          ...byKind,
          injected: Math.max(
            0,
            stats.tooManyRequests - byKind.global - byKind.privateChat - byKind.groupChat,
          ),
        },
        byMethod,
        maxContentCallsPerSecond: tracker.maxContentCallsPerSecond(),
        contentCallsOk,
        perSecond: tracker.callsPerSecond(),
      },
      worldLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
      worldCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  },

  async stop() {
    loopDelay.disable();
    await stopWorld();
  },
};

serveRpc(handlers, () => {
  void stopWorld().finally(() => process.exit(0));
});
