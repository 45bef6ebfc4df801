import type { ChatRequest, ToolCall } from '../providers/types.js';

/** What the demo model does about tools for this request: call one, answer from a result, or neither. */
export type DemoToolPlan =
  | { kind: 'call'; text: string; call: ToolCall }
  | { kind: 'answer'; text: string }
  | { kind: 'none' };

const ARITHMETIC = /(?:sqrt\s*\(|\d)[\d\s.+\-*/^%()]*[+\-*/^%][\d\s.+\-*/^%()]*\d\)?/i;

/**
 * The offline demo model calls the built-in tools the way a real model would: a question about the
 * time or date calls `current_time`, one with arithmetic in it calls `calculator`; after the results
 * come back it answers from them.
 */
export function planDemoTools(request: ChatRequest): DemoToolPlan {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') {
    const results = request.messages.slice(request.messages.findLastIndex((m) => m.role !== 'tool') + 1);
    const lines = results.map((result) =>
      result.role === 'tool'
        ? result.isError
          ? `The ${result.name} tool failed: ${result.content}`
          : `**${result.name}** says: ${result.content}`
        : '',
    );
    return { kind: 'answer', text: `${lines.join('\n\n')}\n\nThat is what the tool found.` };
  }
  if (last?.role !== 'user') return { kind: 'none' };
  const offered = request.toolChoice === 'none' ? [] : (request.tools ?? []);
  const available = new Set(offered.map((tool) => tool.name));
  const question = last.content;
  const id = `demo_call_${request.messages.length}`;
  const expression = question.match(ARITHMETIC)?.[0]?.trim();
  if (expression && available.has('calculator')) {
    return {
      kind: 'call',
      text: 'Let me work that out with the calculator.',
      call: { id, name: 'calculator', arguments: { expression } },
    };
  }
  if (/\b(time|date|today|day is it|clock)\b/i.test(question) && available.has('current_time')) {
    return {
      kind: 'call',
      text: 'Let me look at the clock.',
      call: { id, name: 'current_time', arguments: {} },
    };
  }
  return { kind: 'none' };
}
