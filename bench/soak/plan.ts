import { randomInt } from '../../src/emulator/random.js';
import type { FakeScenario } from '../../test/support/fake-model/index.js';

/** What the scripted model does for one question; the soak's fault mix, in shares of all answers. */
export type Fault =
  | 'none'
  | 'long' // several Telegram parts
  | 'transient' // a 500 on the first attempt only: the provider's retry must succeed
  | 'server' // 500 on every attempt
  | 'overloaded' // Anthropic 529 / OpenAI 503 on every attempt
  | 'rate-limit' // 429 with retry-after on every attempt
  | 'disconnect' // the socket cut mid-stream
  | 'stall'; // silence mid-stream until the idle timeout

export type Expected = 'complete' | 'interrupted' | 'error';

const FAULT_SHARES: [Fault, number][] = [
  ['long', 0.04],
  ['transient', 0.02],
  ['server', 0.03],
  ['overloaded', 0.02],
  ['rate-limit', 0.03],
  ['disconnect', 0.05],
  ['stall', 0.02],
];

const EXPECTED: Record<Fault, Expected> = {
  none: 'complete',
  long: 'complete',
  transient: 'complete',
  server: 'error',
  overloaded: 'error',
  'rate-limit': 'error',
  disconnect: 'interrupted',
  stall: 'interrupted',
};

export interface AnswerPlan {
  id: number;
  fault: Fault;
  expected: Expected;
  /** Plain prose (no Markdown markers), so the rendered text is the text itself. */
  text: string;
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  /** Where a disconnect or stall happens, in characters. */
  cutAt: number;
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const WORDS = (
  'river stone light garden window quiet morning letter harbor bridge signal paper orchard ' +
  'thunder market lantern valley copper meadow engine winter island silver forest candle ' +
  'journey ladder planet summer whistle basket mirror shadow pocket ribbon tunnel violet'
).split(' ');

function sentence(random: () => number): string {
  const words = Array.from({ length: randomInt(random, 6, 14) }, () => pick(random, WORDS));
  const first = words[0] as string;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

/** Paragraphs of sentences, about `chars` long; starts with the answer's id for reading logs. */
function prose(random: () => number, id: number, chars: number): string {
  const paragraphs: string[] = [];
  let length = 0;
  let paragraph = `Answer ${id} begins here.`;
  while (length + paragraph.length < chars) {
    paragraph += ` ${sentence(random)}`;
    if (paragraph.length > randomInt(random, 250, 700)) {
      paragraphs.push(paragraph);
      length += paragraph.length + 2;
      paragraph = sentence(random);
    }
  }
  paragraphs.push(paragraph);
  return paragraphs.join('\n\n');
}

export function planAnswer(random: () => number, id: number): AnswerPlan {
  let roll = random();
  let fault: Fault = 'none';
  for (const [candidate, share] of FAULT_SHARES) {
    if (roll < share) {
      fault = candidate;
      break;
    }
    roll -= share;
  }
  const text = prose(
    random,
    id,
    fault === 'long' ? randomInt(random, 5000, 9000) : randomInt(random, 150, 1600),
  );
  return {
    id,
    fault,
    expected: EXPECTED[fault],
    text,
    tokensPerSecond: fault === 'long' ? 250 : randomInt(random, 30, 120),
    firstTokenDelayMs: randomInt(random, 0, 1200),
    cutAt: Math.max(40, Math.floor(text.length * (0.2 + 0.6 * random()))),
  };
}

/** The fake model server's scenario for one request (attempt counts from 1). */
export function scenarioFor(plan: AnswerPlan, attempt: number): FakeScenario {
  const stream = {
    text: plan.text,
    tokensPerSecond: plan.tokensPerSecond,
    firstTokenDelayMs: plan.firstTokenDelayMs,
  };
  switch (plan.fault) {
    case 'transient':
      return attempt === 1 ? { error: { kind: 'server' } } : stream;
    case 'server':
      return { error: { kind: 'server' } };
    case 'overloaded':
      return { error: { kind: 'overloaded' } };
    case 'rate-limit':
      return { error: { kind: 'rate-limit', retryAfterSeconds: 1 } };
    case 'disconnect':
      return { ...stream, disconnectAt: plan.cutAt };
    case 'stall':
      return { ...stream, stallAt: plan.cutAt };
    default:
      return stream;
  }
}
