import type { ApiEntity, EmulatorEvent } from '../../src/emulator/index.js';
import type { AnswerOutcome, AnswerPlan, AnswerRecord } from './world-api.js';

export interface ExpectedPart {
  text: string;
  entities: readonly ApiEntity[];
}

interface Shown {
  text: string;
  key: string;
}

interface TrackedAnswer {
  plan: AnswerPlan;
  tokens: number;
  expected: Shown[];
  /** The bot's visible messages in the chat, by message id. */
  messages: Map<number, Shown>;
  botMessagesSent: number;
  updateTimes: number[];
  firstVisibleAt?: number;
  completeAt?: number;
  rateLimited: number;
  requestAt?: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  tokensSent: number;
}

/** Entities compared as a set: the emulator and the renderer may order equal entities differently. */
function entityKey(entities: readonly ApiEntity[]): string {
  return entities
    .map((e) => `${e.type}:${e.offset}:${e.length}:${e.language ?? ''}:${e.url ?? ''}`)
    .sort()
    .join('|');
}

/**
 * Watches the emulator's event stream and keeps, per answer (one answer per chat), what the user saw
 * and when: first visible text, every visible change, and the moment the chat first showed exactly
 * the expected final messages. O(1) per event plus a compare of the chat's few bot messages.
 */
export function createAnswerTracker(clock: () => number = Date.now) {
  const byChat = new Map<number, TrackedAnswer>();
  const byIndex = new Map<number, TrackedAnswer>();
  const contentCallTimes: number[] = [];
  /** Successful content calls per method and second since `perSecondFrom`, for the JSON report. */
  const perSecond: Record<string, number[]> = {};
  let perSecondFrom = clock();
  let completed = 0;

  function checkComplete(answer: TrackedAnswer, at: number): void {
    if (answer.completeAt !== undefined) return;
    if (answer.messages.size !== answer.expected.length) return;
    const shown = [...answer.messages.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
    for (let i = 0; i < shown.length; i++) {
      const expected = answer.expected[i] as Shown;
      const actual = shown[i] as Shown;
      if (actual.text !== expected.text || actual.key !== expected.key) return;
    }
    answer.completeAt = at;
    completed += 1;
  }

  function visibleChange(answer: TrackedAnswer, at: number): void {
    answer.updateTimes.push(at);
    answer.firstVisibleAt ??= at;
  }

  function onEvent(event: EmulatorEvent): void {
    if (event.kind === 'call') {
      const call = event.call;
      const limited =
        call.method === 'sendMessage' ||
        call.method === 'editMessageText' ||
        call.method === 'sendMessageDraft';
      if (limited && call.ok) {
        contentCallTimes.push(call.at);
        const second = Math.max(0, Math.floor((call.at - perSecondFrom) / 1000));
        const counts = perSecond[call.method] ?? [];
        perSecond[call.method] = counts;
        while (counts.length <= second) counts.push(0);
        counts[second] = (counts[second] ?? 0) + 1;
      }
      if (call.status === 429 && call.chatId !== undefined) {
        const answer = byChat.get(call.chatId);
        if (answer) answer.rateLimited += 1;
      }
      return;
    }
    if (event.kind !== 'timeline') return;
    const e = event.event;
    const answer = byChat.get(e.chatId);
    if (!answer) return;
    switch (e.type) {
      case 'draft':
        if (e.text !== '') visibleChange(answer, e.at);
        return;
      case 'message':
        if (e.from !== 'bot') return;
        answer.botMessagesSent += 1;
        answer.messages.set(e.messageId, { text: e.text ?? '', key: entityKey(e.entities) });
        if (e.text) visibleChange(answer, e.at);
        checkComplete(answer, e.at);
        return;
      case 'edit':
        if (e.from !== 'bot' || e.change !== 'text') return;
        answer.messages.set(e.messageId, { text: e.text ?? '', key: entityKey(e.entities) });
        visibleChange(answer, e.at);
        checkComplete(answer, e.at);
        return;
      case 'deleted':
        answer.messages.delete(e.messageId);
        return;
      default:
        return;
    }
  }

  function outcomeOf(answer: TrackedAnswer): { outcome: AnswerOutcome; problem?: string } {
    if (answer.messages.size === 0) return { outcome: 'missing', problem: 'no bot message' };
    const shown = [...answer.messages.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
    if (shown.length !== answer.expected.length) {
      return { outcome: 'wrong', problem: `${shown.length} messages, expected ${answer.expected.length}` };
    }
    for (let i = 0; i < shown.length; i++) {
      const expected = answer.expected[i] as Shown;
      const actual = shown[i] as Shown;
      if (actual.text !== expected.text) {
        let at = 0;
        while (at < actual.text.length && actual.text[at] === expected.text[at]) at++;
        return {
          outcome: 'wrong',
          problem: `part ${i + 1}: text differs at ${at} (${actual.text.length} vs ${expected.text.length} chars)`,
        };
      }
      if (actual.key !== expected.key) return { outcome: 'wrong', problem: `part ${i + 1}: entities differ` };
    }
    return { outcome: 'exact' };
  }

  function duplicatesOf(answer: TrackedAnswer): number {
    const extra = Math.max(0, answer.botMessagesSent - answer.expected.length);
    const seen = new Map<string, number>();
    for (const shown of answer.messages.values()) seen.set(shown.text, (seen.get(shown.text) ?? 0) + 1);
    let repeats = 0;
    for (const count of seen.values()) repeats += count - 1;
    return Math.max(extra, repeats);
  }

  return {
    onEvent,
    track(plan: AnswerPlan, chatId: number, expected: readonly ExpectedPart[]): void {
      const answer: TrackedAnswer = {
        plan,
        tokens: 0,
        expected: expected.map((part) => ({ text: part.text, key: entityKey(part.entities) })),
        messages: new Map(),
        botMessagesSent: 0,
        updateTimes: [],
        rateLimited: 0,
        tokensSent: 0,
      };
      byChat.set(chatId, answer);
      byIndex.set(plan.index, answer);
    },
    /** The model side of an answer: called by the fake server's hooks. */
    modelRequest(index: number, tokens: number): void {
      const answer = byIndex.get(index);
      if (!answer) return;
      answer.tokens = tokens;
      answer.requestAt ??= clock();
    },
    modelWrote(index: number, tokensSent: number): void {
      const answer = byIndex.get(index);
      if (!answer) return;
      const now = clock();
      if (answer.tokensSent === 0 && tokensSent > 0) answer.firstTokenAt = now;
      answer.tokensSent = tokensSent;
      if (tokensSent >= answer.tokens) answer.lastTokenAt ??= now;
    },
    allComplete: () => completed === byIndex.size,
    startClock(at: number): void {
      perSecondFrom = at;
    },
    callsPerSecond: () => perSecond,
    lastCompleteAt(): number | undefined {
      let last: number | undefined;
      for (const answer of byIndex.values()) {
        if (answer.completeAt !== undefined) last = Math.max(last ?? 0, answer.completeAt);
      }
      return last;
    },
    maxContentCallsPerSecond(): number {
      let best = 0;
      let start = 0;
      for (let end = 0; end < contentCallTimes.length; end++) {
        while ((contentCallTimes[end] as number) - (contentCallTimes[start] as number) >= 1000) start++;
        best = Math.max(best, end - start + 1);
      }
      return best;
    },
    records(): AnswerRecord[] {
      return [...byIndex.values()].map((answer) => {
        const { outcome, problem } = outcomeOf(answer);
        const from = answer.firstTokenAt;
        const to = answer.lastTokenAt;
        const record: AnswerRecord = {
          index: answer.plan.index,
          chatType: answer.plan.chatType,
          tokens: answer.tokens,
          tokensSent: answer.tokensSent,
          updates: answer.updateTimes.length,
          updatesWhileStreaming:
            from === undefined || to === undefined
              ? 0
              : answer.updateTimes.filter((at) => at >= from && at <= to).length,
          outcome,
          duplicates: duplicatesOf(answer),
          rateLimited: answer.rateLimited,
        };
        if (answer.requestAt !== undefined) record.requestAt = answer.requestAt;
        if (from !== undefined) record.firstTokenAt = from;
        if (to !== undefined) record.lastTokenAt = to;
        if (answer.firstVisibleAt !== undefined) record.firstVisibleAt = answer.firstVisibleAt;
        if (answer.completeAt !== undefined) record.completeAt = answer.completeAt;
        if (problem !== undefined) record.problem = problem;
        return record;
      });
    },
  };
}

export type AnswerTracker = ReturnType<typeof createAnswerTracker>;
