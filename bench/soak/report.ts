import type { BotApiEmulator, CallStats } from '../../src/emulator/index.js';
import type { StoredAnswer, Verdict } from './judge.js';
import { storedKey } from './judge.js';

export interface SoakFigures {
  verdicts: Verdict[];
  warmUp: number;
  telegram: CallStats;
  rssStart: number;
  rssEnd: number;
  /** The bot's highest RSS over the run, when the OS tells it. */
  rssPeak: number | undefined;
  heapStart: number;
  heapEnd: number;
  seconds: number;
  /** Every question was asked and the time cap was not reached. */
  finishedInTime: boolean;
}

export interface Check {
  name: string;
  pass: boolean;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const percent = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;
const row = (label: string, value: string | number, note = '') =>
  `  ${label.padEnd(34)} ${String(value).padStart(10)}  ${note}`.trimEnd();

function countErrors(stats: CallStats, status: number): number {
  return Object.values(stats.byMethod).reduce((sum, method) => sum + (method.errors[status] ?? 0), 0);
}

export function printReport(figures: SoakFigures): Check[] {
  const { verdicts, telegram } = figures;
  const count = (predicate: (verdict: Verdict) => boolean) => verdicts.filter(predicate).length;
  const lost = count((v) => v.lost);
  const duplicates = count((v) => v.duplicate !== undefined);
  const rssChange = (figures.rssEnd - figures.rssStart) / figures.rssStart;
  const checks: Check[] = [
    { name: 'lost answers = 0', pass: lost === 0 },
    { name: 'duplicated answers = 0', pass: duplicates === 0 },
    { name: 'RSS flat within 10 %', pass: Math.abs(rssChange) <= 0.1 },
    { name: 'every answer asked and settled within the time cap', pass: figures.finishedInTime },
  ];
  const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const statuses = ['complete', 'interrupted', 'error'];
  const byModel = (provider: string) => count((v) => v.question.model.startsWith(`${provider}:`));
  const inChats = (kind: string) => count((v) => v.question.chatKind === kind);
  const lines = [
    '',
    `Streamgram soak: ${verdicts.length} answers in ${figures.seconds.toFixed(0)} s (the bot in its own process)`,
    row('answers started', verdicts.length, `(${figures.warmUp} of them the warm-up wave)`),
    row('  OpenAI / Anthropic', `${byModel('openai')} / ${byModel('anthropic')}`),
    row('  private chats / groups', `${inChats('private')} / ${inChats('group')}`, '(drafts / send + edit)'),
    row(
      'completed',
      count((v) => v.status === 'complete'),
    ),
    row(
      'interrupted',
      count((v) => v.status === 'interrupted'),
      '(cut or stalled mid-stream: text + notice)',
    ),
    row(
      'errors',
      count((v) => v.status === 'error'),
      '(provider failed before the first token: notice)',
    ),
    row(
      'other',
      count((v) => !statuses.includes(v.status)),
      '(cancelled, still streaming, not stored)',
    ),
    row(
      'outcome as scripted',
      count((v) => v.status === v.question.plan.expected),
    ),
    row('lost', lost, `${mark(lost === 0)} (must be 0)`),
    row('duplicates', duplicates, `${mark(duplicates === 0)} (must be 0)`),
    row('Telegram calls', telegram.total, `(${telegram.byMethod.getUpdates?.calls ?? 0} of them getUpdates)`),
    row('429s received by the bot', telegram.tooManyRequests, '(injected and from the emulated limits)'),
    row('5xx received by the bot', countErrors(telegram, 500)),
    row(
      'connections cut after the call',
      countErrors(telegram, 0),
      '(the call took effect, the answer was lost)',
    ),
    row('RSS at start', mb(figures.rssStart), '(after the warm-up wave and a forced GC)'),
    row('RSS at end', mb(figures.rssEnd), '(after settling and a forced GC)'),
    row('RSS change', percent(rssChange), `${mark(checks[2]!.pass)} (within 10 %)`),
    row('RSS peak', figures.rssPeak === undefined ? 'n/a' : mb(figures.rssPeak), '(under load, VmHWM)'),
    row('V8 heap used start / end', `${mb(figures.heapStart)} / ${mb(figures.heapEnd)}`),
    '',
    ...checks.map((check) => `  ${mark(check.pass)}  ${check.name}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return checks;
}

const clip = (text: string | undefined, length = 60) => {
  const flat = (text ?? '').replace(/\s+/g, ' ');
  return (
    JSON.stringify(flat.length > length ? `${flat.slice(0, length)}…` : flat) +
    ` (${text?.length ?? 0} chars)`
  );
};

/** Everything the owner needs to chase a lost or duplicated answer: plan, stored row, messages, timeline. */
export function printProblem(
  verdict: Verdict,
  telegram: BotApiEmulator,
  stored: ReadonlyMap<string, StoredAnswer>,
): void {
  const { question } = verdict;
  const { plan } = question;
  const answer = stored.get(storedKey(question.chatId, question.messageId));
  const lines = [
    `Question ${plan.id}: ${verdict.lost ? 'LOST' : 'DUPLICATE'}${verdict.duplicate ? ` (${verdict.duplicate})` : ''}`,
    `  ${question.chatKind} chat ${question.chatId}, user ${question.userId}, message #${question.messageId}, ${question.model}, fault ${plan.fault}, expected ${plan.expected}`,
    `  stored: ${answer ? `status ${answer.status}, parts [${answer.telegramMessageIds.join(', ')}], content ${clip(answer.content)}` : 'no row'}`,
    `  scripted: ${clip(plan.text)}`,
    ...verdict.parts.map(
      (part) =>
        `  shown #${part.messageId}${part.replyToMessageId ? ` reply to #${part.replyToMessageId}` : ''}${part.replyMarkup ? ' [keyboard]' : ''}: ${clip(part.text)}`,
    ),
  ];
  const events = telegram.timeline(question.chatId);
  const start = events.find((e) => e.type === 'message' && e.messageId === question.messageId);
  let drafts = 0;
  for (const event of events) {
    if (!start || event.seq < start.seq) continue;
    if (lines.length > 60) break;
    const at = `+${((event.at - start.at) / 1000).toFixed(2)}s`;
    if (event.type === 'draft') drafts += 1;
    else if (event.type === 'message' || event.type === 'edit')
      lines.push(`  ${at} ${event.type} #${event.messageId} ${event.from}: ${clip(event.text, 40)}`);
    else lines.push(`  ${at} ${event.type}`);
  }
  lines.push(`  (${drafts} draft frames in the same window)`);
  const failed = telegram
    .calls({ chatId: question.chatId, ok: false })
    .filter((call) => !start || call.at >= start.at);
  for (const call of failed.slice(0, 15)) {
    lines.push(
      `  failed call ${call.method} at +${((call.at - (start?.at ?? 0)) / 1000).toFixed(2)}s: ${call.status} ${call.error?.description ?? (call.dropped ? 'connection cut after the call' : '')}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
