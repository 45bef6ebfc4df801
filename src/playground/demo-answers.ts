import type { ChatRequest } from '../providers/types.js';
import { describeDemoAttachments, describeDemoEarlierPictures } from './demo-media-answer.js';

/** What the demo model will "write": optional reasoning first, then the Markdown answer. */
export interface DemoScript {
  reasoning?: string;
  text: string;
}

export type DemoTopic = 'long' | 'code' | 'table' | 'list' | 'formatting' | 'greeting' | 'default';

const TOPIC_PATTERNS: [DemoTopic, RegExp][] = [
  ['long', /\b(long|essay|story|parts?|split|4096)\b/],
  ['code', /\b(code|python|typescript|javascript|function|script|program|snippet)\b/],
  ['table', /\b(table|compare|comparison)\b/],
  ['list', /\b(list|steps|todo|checklist|plan)\b/],
  ['formatting', /\b(format|formatting|markdown|entities|styles?|spoiler|quote|demo|showcase)\b/],
  ['greeting', /^\s*(hi|hello|hey|hallo|good (morning|evening))\b/],
];

/** The topic the demo model answers, from the latest question's keywords. */
export function pickDemoTopic(question: string): DemoTopic {
  const lower = question.toLowerCase();
  for (const [topic, pattern] of TOPIC_PATTERNS) if (pattern.test(lower)) return topic;
  return 'default';
}

/** The canned answer for a request; `thinking` adds reasoning that streams before the text. */
export function composeDemoAnswer(request: ChatRequest, options: { thinking: boolean }): DemoScript {
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  const attachments = describeDemoAttachments(lastUser);
  if (attachments !== undefined) return { text: attachments };
  const question = lastUser?.content ?? '';
  const topic = pickDemoTopic(question);
  const earlierPictures =
    topic === 'default' ? describeDemoEarlierPictures(request.messages, question) : undefined;
  if (earlierPictures !== undefined) return { text: earlierPictures };
  const text = ANSWERS[topic](question);
  if (!options.thinking) return { text };
  return { reasoning: reasoningFor(topic, question, request.messages.length), text };
}

function quoteQuestion(question: string): string {
  const flat = question.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}

function reasoningFor(topic: DemoTopic, question: string, turns: number): string {
  const asked = quoteQuestion(question) || 'an empty message';
  const context =
    turns > 1
      ? `There are ${turns - 1} earlier messages in this conversation, so I should stay consistent with them.`
      : 'This is the start of the conversation, so there is no earlier context to consider.';
  const plan: Record<DemoTopic, string> = {
    long: 'They want something long. A structured essay with headings works best, and it will not fit in one Telegram message, so the bot will have to split it into parts at paragraph boundaries.',
    code: 'They want code. A short, complete TypeScript example with a comment or two is clearer than a fragment, and a small Python equivalent shows a second language.',
    table:
      'A comparison reads best as a table. Telegram has no tables, so the bot will lay it out as monospaced text.',
    list: 'A numbered list of steps with a nested checklist answers this directly.',
    formatting:
      'They want to see formatting. I will use every style Telegram can show: bold, italic, strikethrough, code, links, quotes and a spoiler.',
    greeting: 'A friendly greeting, then a few suggestions of what to try in the playground.',
    default:
      'I do not recognise a specific request, so I will answer briefly and suggest prompts that show what streaming looks like.',
  };
  return `The user wrote: "${asked}". ${context} ${plan[topic]} Let me keep the answer well organised and not too wordy, then write it out.`;
}

const SUGGESTIONS = [
  '• *"show me some code"*: a code block with its language',
  '• *"make a table"*: a table laid out in monospace',
  '• *"show the formatting"*: every entity Telegram can render',
  '• *"write something long"*: an answer split into several messages',
].join('\n');

const ANSWERS: Record<DemoTopic, (question: string) => string> = {
  greeting: () =>
    [
      'Hello! 👋 I am the **offline demo model** of the Streamgram playground.',
      '',
      'I do not call any real language model: my answers are canned, but they stream the way a real model does, so you can watch how the bot delivers them to Telegram.',
      '',
      'Things to try:',
      SUGGESTIONS,
    ].join('\n'),

  default: (question) =>
    [
      `You asked: _${quoteQuestion(question) || '(nothing)'}_`,
      '',
      'I am the **offline demo model**, so I cannot really answer that. What I *can* do is stream a realistic answer, which is what this playground is about: watch the panel on the right to see every call the bot makes to Telegram while this text appears.',
      '',
      '> Each frame you see is one `sendMessageDraft` (private chats) or one `editMessageText` (groups), spaced to stay within Telegram’s rate limits.',
      '',
      'Try one of these:',
      SUGGESTIONS,
    ].join('\n'),

  code: () =>
    [
      'Here is a small TypeScript function that retries a request with exponential backoff, and respects an `AbortSignal`:',
      '',
      '```typescript',
      'import { setTimeout as sleep } from "node:timers/promises";',
      '',
      'export async function withRetry<T>(',
      '  attempt: (signal: AbortSignal) => Promise<T>,',
      '  options: { retries: number; baseMs: number; signal: AbortSignal },',
      '): Promise<T> {',
      '  for (let i = 0; ; i++) {',
      '    try {',
      '      return await attempt(options.signal);',
      '    } catch (error) {',
      '      if (i >= options.retries || options.signal.aborted) throw error;',
      '      // Full jitter: spreads retries of many clients over the whole window.',
      '      const delay = Math.random() * options.baseMs * 2 ** i;',
      '      await sleep(delay, undefined, { signal: options.signal });',
      '    }',
      '  }',
      '}',
      '```',
      '',
      'And the same idea in Python:',
      '',
      '```python',
      'import random, time',
      '',
      'def with_retry(attempt, retries=3, base=0.5):',
      '    for i in range(retries + 1):',
      '        try:',
      '            return attempt()',
      '        except Exception:',
      '            if i == retries:',
      '                raise',
      '            time.sleep(random.random() * base * 2 ** i)',
      '```',
      '',
      'Notes:',
      '1. The loop has no upper bound in the condition: it ends by returning or by rethrowing.',
      '2. `Math.random()` jitter avoids the *thundering herd* after an outage.',
      '3. Pass the same signal down, so **Stop** cancels the wait as well as the request.',
    ].join('\n'),

  table: () =>
    [
      'Here is how the two ways of streaming into Telegram compare:',
      '',
      '| | Drafts | Send + edit |',
      '| --- | --- | --- |',
      '| Chats | private only | any chat |',
      '| Animation | smooth | jumps per edit |',
      '| Stop button | native | inline keyboard |',
      '| Rate budget | ~1/s per chat | ~1/s private, 20/min groups |',
      '| Final text | `sendMessage` | last `editMessageText` |',
      '',
      'In short: **drafts** look better where they are allowed, and **edits** work everywhere. Streamgram picks drafts in private chats and edits in groups unless `STREAM_MODE` says otherwise.',
    ].join('\n'),

  list: () =>
    [
      'A plan for shipping a streaming bot:',
      '',
      '1. **Accumulate** the model’s text as it arrives; never block on Telegram.',
      '2. **Render** the Markdown to text + entities, so nothing can fail to parse.',
      '3. **Schedule** frames per chat:',
      '   - the first visible text goes out at once,',
      '   - intermediate frames share what is left of the budget,',
      '   - the final text always wins.',
      '4. **Split** at 4096 characters, at paragraph boundaries.',
      '5. **Store** the answer and its usage in one transaction.',
      '',
      'Checklist before launch:',
      '- [x] rate limits respected',
      '- [x] 429 handled with a hold',
      '- [ ] dashboards',
      '- [ ] ~~a pager~~ a good night’s sleep',
    ].join('\n'),

  formatting: () =>
    [
      '# Formatting showcase',
      '',
      'Telegram renders **bold**, *italic*, ***bold italic***, ~~strikethrough~~, `inline code` and [links](https://core.telegram.org/bots/api#formatting-options).',
      '',
      'There is also a ||spoiler: tap to reveal it||.',
      '',
      '> A quote: Markdown blockquotes become Telegram blockquotes,',
      '> and they can span several lines.',
      '',
      '## Code',
      '',
      '```json',
      '{ "ok": false, "error_code": 429, "parameters": { "retry_after": 3 } }',
      '```',
      '',
      '## Lists',
      '',
      '- first item',
      '- second item with **bold** inside',
      '  - a nested item',
      '',
      'Ask the `demo:thinking` model for an *expandable* quote: its reasoning is shown collapsed above the answer.',
    ].join('\n'),

  long: () => LONG_ANSWER,
};

const LONG_SECTIONS: [string, string[]][] = [
  [
    'Why streaming matters',
    [
      'A language model needs several seconds, sometimes a minute, to write a long answer. Without streaming, the user stares at a silent chat and wonders whether the bot is alive. With streaming, the first words appear within a second and the rest follows at reading speed, so the wait turns into reading time.',
      'Telegram was not designed for this. A message is a finished thing: you send it, and you may edit it later. Streaming bots therefore either edit one message again and again, or, in private chats since Bot API 9.3, show a draft that Telegram animates as it grows.',
    ],
  ],
  [
    'The rate limits',
    [
      'Telegram allows about one message per second in a private chat, twenty per minute in a group, and about thirty per second for the whole bot. Edits count like messages. Drafts are not documented, so a careful bot treats them the same way.',
      'A bot that ignores these numbers is answered with 429 Too Many Requests and a retry_after value. Bots that kept editing every half second have been handed waits of half a minute and more. During that wait every call to the chat fails, so the answer freezes in the middle of a sentence.',
      'The way out is not to slow the model down. The model stream is read at full speed, and only the newest rendering of the text is kept. Whenever the rate budget allows a call, the bot sends that newest rendering. Old frames are never queued, so the bot never falls behind.',
    ],
  ],
  [
    'Spending the budget well',
    [
      'Not every frame matters equally. The first visible text tells the user that something is happening, and the final text is the answer itself. Both get priority. The frames in between only make the text grow smoothly, and they share what is left of the budget fairly between chats.',
      'When several chats stream at once, the global limit becomes the bottleneck. A fair scheduler gives each chat its turn instead of letting one busy chat starve the others. A chat that is held by a 429 simply skips its turns until the hold ends, and then delivers its latest text in one go.',
    ],
  ],
  [
    'Splitting long answers',
    [
      'A Telegram message holds at most 4096 characters. When an answer grows beyond that, the finished part is committed as its own message and the stream continues in a new one. The split should fall at a paragraph or line boundary, never in the middle of a word.',
      'Code blocks need extra care: if a split falls inside one, the block is closed at the end of the first part and opened again, with the same language, at the start of the next. Entities such as bold text are clipped to each part and their offsets are rebased, because offsets always count from the start of the message.',
      'This answer is long on purpose, so you can watch exactly that happen: when the first part is full it becomes a separate message, and the text continues below it.',
    ],
  ],
  [
    'Formatting without surprises',
    [
      'Models write Markdown: double asterisks for bold, hashes for headings, pipes for tables. None of that is Telegram MarkdownV2, which requires escaping a long list of characters. Sending model output with parse_mode therefore fails sooner or later with "can\'t parse entities".',
      'Streamgram converts the Markdown itself into plain text plus a list of entities with offsets in UTF-16 code units. Such a message cannot fail to parse. Headings become bold lines, tables become monospaced blocks, and unfinished markup at the end of a streaming frame is repaired so it does not flicker.',
    ],
  ],
  [
    'When things go wrong',
    [
      'Networks fail, providers get overloaded, and users press Stop. Each of these ends the answer in a different way, and the user should be told which. A stopped answer keeps the text written so far and says that it was stopped. An interrupted one says why, in one short sentence, and suggests what to do.',
      'A retried sendMessage can create a duplicate if the first attempt succeeded but its answer was lost. The bot avoids this by checking the chat for the message before sending again, which makes the final delivery idempotent.',
      'Try it in the panel on the right: start a 429 storm while a long answer streams, and watch the bot hold the chat, keep reading the model, and deliver the final text once the storm is over.',
    ],
  ],
  [
    'Measuring the experience',
    [
      'Three numbers describe how an answer feels: the time to the first visible text, the number of updates the user saw, and the number of messages the answer needed. The panel shows all three for every answer, next to a timeline of the calls the bot made against the rate limit.',
      'A good bot shows text within a second or two, updates about once a second in private chats, and never loses the end of an answer, whatever Telegram answers in between.',
    ],
  ],
  [
    'Drafts in private chats',
    [
      'Since Bot API 9.3 a bot can show a draft in a private chat: an ephemeral preview that Telegram animates as it grows. An empty draft shows a "Thinking…" placeholder at once, which is the quickest possible sign of life. With can_stop the user even gets a native stop button next to it.',
      'A draft is not a message. It disappears about thirty seconds after its last update, and it never becomes part of the chat history by itself. The bot must finish with sendMessage, carrying the complete text, or the answer is gone. If the model pauses for a long time, the draft has to be refreshed before it expires.',
      'When an answer needs several messages, each finished part is committed with sendMessage and the draft continues with the rest. To the user it looks as if the bot typed one message, sent it, and went straight on typing the next.',
    ],
  ],
  [
    'Edits in groups',
    [
      'Drafts are not available in groups, so there the bot sends a first message as soon as there is text and then edits it as the answer grows. Twenty calls per minute is not much: one edit every three seconds on average, with short bursts allowed at the start.',
      'An inline keyboard with a Stop button rides along on every edit and is removed by the final one. Every edit must change something, because Telegram answers "message is not modified" to an edit that repeats the current text, and that answer still costs budget.',
      'In a group the bot only answers messages that mention it or reply to one of its messages. Otherwise it would join every conversation in the room, which is the fastest way to get removed from it.',
    ],
  ],
  [
    'The typing status',
    [
      'Before the first token arrives, the bot can show "typing…" with sendChatAction. The status lasts up to five seconds, or until the bot sends a message, so a bot waiting for a slow model refreshes it every four seconds or so.',
      "Chat actions do not count against a chat's message budget, but they do count against the bot's global budget. A bot with a thousand active chats should think twice before refreshing all of their typing statuses every few seconds.",
    ],
  ],
  [
    'Remembering the conversation',
    [
      'Every question and every answer is stored, with the Telegram message ids that belong to it. Replying to an older answer continues the conversation from that point, so a chat can branch like a tree instead of being one long line.',
      'An answer is stored in one transaction together with its token usage, so the totals shown by /usage always match the answers in the history. Answers that were still streaming when the bot stopped are marked as interrupted at the next start, never left half-written.',
    ],
  ],
  [
    'Usage and cost',
    [
      'Providers report exact token counts at the end of a stream: input tokens, output tokens, and often the part of the input read from a prompt cache and the part of the output spent on reasoning. These numbers are recorded exactly as reported. When a provider sends no usage report, the usage is recorded as unknown rather than estimated.',
      'The /usage command adds them up for today, this month and all time, by model. In this playground the offline demo model reports made-up but consistent numbers, so the command has something to show.',
    ],
  ],
  [
    'Testing against an emulator',
    [
      'A bot like this cannot be tested well against the real Telegram: rate limits would make the tests slow, and 429s cannot be produced on demand. Streamgram is tested against a Bot API emulator instead, a real HTTP server that answers the real client the way Telegram does, with the same errors, the same limits and the same quirks.',
      'This playground runs the real bot against that same emulator. Everything you see in the chat on the left is what a Telegram client would show, and everything in the panel on the right is a call the bot really made.',
    ],
  ],
  [
    'Summary',
    [
      'Streaming into Telegram is a scheduling problem more than a text problem. Read the model fast, keep only the latest rendering, spend the rate budget where the user notices, respect every 429, split cleanly, and make the final delivery safe to retry.',
      'That is all there is to it, and it is what you just watched happen, part by part.',
    ],
  ],
];

const LONG_ANSWER = [
  '# Streaming answers into Telegram: a field guide',
  '',
  ...LONG_SECTIONS.flatMap(([title, paragraphs], index) => [
    `## ${index + 1}. ${title}`,
    '',
    ...paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(index === 3
      ? [
          '```typescript',
          '// Only the newest frame waits for the rate budget; older ones are overwritten.',
          'slot.latest = render(accumulatedText);',
          'if (gate.tryAcquire(chatId)) await send(slot.latest);',
          '```',
          '',
        ]
      : []),
  ]),
].join('\n');
