import { createSeededRandom } from '../../src/emulator/random.js';

/**
 * Deterministic answers for the benchmark: Markdown as models write it (a heading, bold, inline code,
 * a list), different for every answer, so a text delivered to the wrong chat shows up as wrong.
 */
const WORDS = [
  'stream',
  'token',
  'budget',
  'message',
  'chat',
  'draft',
  'latency',
  'render',
  'final',
  'edit',
  'limit',
  'queue',
  'model',
  'answer',
  'server',
  'client',
  'second',
  'frame',
  'group',
  'bucket',
  'hold',
  'retry',
  'update',
  'window',
  'global',
  'private',
  'visible',
  'part',
  'entity',
  'text',
];

function sentence(random: () => number, index: number): string {
  const count = 6 + Math.floor(random() * 8);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let word = WORDS[Math.floor(random() * WORDS.length)] as string;
    const roll = random();
    if (i > 0 && roll < 0.06) word = `**${word}**`;
    else if (i > 0 && roll < 0.1) word = `\`${word}_${index}\``;
    words.push(word);
  }
  const first = words[0] as string;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

/** About `chars` characters (never more), ending at a sentence or list item. */
export function answerText(seed: number, chars: number): string {
  const random = createSeededRandom(seed);
  const blocks: string[] = [`## Answer ${seed}`];
  let length = blocks[0]!.length;
  let counter = 0;
  for (;;) {
    const kind = random();
    let block: string;
    if (kind < 0.2) {
      const items = 2 + Math.floor(random() * 3);
      block = Array.from({ length: items }, () => `- ${sentence(random, counter++)}`).join('\n');
    } else {
      const sentences = 2 + Math.floor(random() * 3);
      block = Array.from({ length: sentences }, () => sentence(random, counter++)).join(' ');
    }
    if (length + 2 + block.length > chars) break;
    blocks.push(block);
    length += 2 + block.length;
  }
  return blocks.join('\n\n');
}
