import * as commonmark from 'micromark-core-commonmark';

/**
 * Keeps V8's optimized code for micromark alive between parses.
 *
 * V8 holds a function's optimized code only while some closure of that function is alive (the
 * feedback vector refers to it weakly). micromark creates its state functions afresh for every
 * construct it tries, so between parses none is alive, and every full garbage collection (every
 * few seconds under load) threw away the optimized code of most of the parser; V8 then compiled
 * it all again. In the benchmark that was a steady 15-20 optimizing compiles per second on V8's
 * worker threads, a sixth of the bot's CPU. Remembering the latest start state of each construct
 * keeps one closure, and so the code, alive. Results are untouched (the wrapper returns what the
 * construct returns); what stays alive is each construct's latest state and what it refers to of
 * its parse (about half a megabyte for the whole process, measured).
 */
export function keepParserCode(extensions: readonly unknown[]): void {
  visit(Object.values(commonmark));
  visit(extensions);
}

/** micromark calls `tokenize.call(context, effects, ok, nok)` and runs the state it returns. */
type Tokenize = (this: unknown, effects: unknown, ok: unknown, nok: unknown) => unknown;

interface Construct {
  tokenize: Tokenize;
}

const wrapped = new WeakSet<object>();
/** The latest start state of every construct, by the construct's slot. */
const latest: unknown[] = [];

function isConstruct(value: object): value is Construct {
  return typeof (value as Partial<Construct>).tokenize === 'function';
}

/** Walks extension maps (`{ text: { 42: construct | construct[] } }`) down to their constructs. */
function visit(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (!isConstruct(value)) {
    for (const item of Object.values(value)) visit(item);
    return;
  }
  if (wrapped.has(value)) return;
  wrapped.add(value);
  const slot = latest.length;
  latest.push(undefined);
  const tokenize = value.tokenize;
  value.tokenize = function keptTokenize(this: unknown, effects: unknown, ok: unknown, nok: unknown) {
    const start = tokenize.call(this, effects, ok, nok);
    latest[slot] = start;
    return start;
  };
}
