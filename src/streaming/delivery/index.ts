/**
 * The delivery engine: streams an answer into Telegram within its limits. Decisions are pure
 * functions of plain state and the clock; thin shells around them perform calls and arm timers.
 *
 * One answer (start with decide-next-call.ts: "How delivery decides"):
 * - answer-state.ts: the answer's state as plain data.
 * - decide-next-call.ts: when to ask for a turn, at what priority, and which call a granted turn makes.
 * - decide-after-failure.ts: what a failed call (429, message gone, ambiguous network error...) changes.
 * - answer-frames.ts: renders the live frame and the final parts.
 * - answer-delivery.ts (shell): asks the gate, applies decisions, arms the one timer;
 *   answer-calls.ts performs the calls through the sink and writes outcomes back.
 *
 * Every answer of the bot:
 * - create-delivery-engine.ts: the composition (one gate, chat memory, one answer delivery per answer).
 * - gate-decisions.ts (+ token-bucket.ts): who may call next, as pure functions: the bot-wide pace, a
 *   chat's own budget and 429 hold, the bot-wide hold; rate-gate.ts is their shell (priority queue,
 *   latest-wins per chat, timers), gate-types.ts its contract, call-priority.ts the order of calls.
 * - write-pacer.ts + paced-fetch.ts: the last word, at the socket: the bot-wide limit in any sliding
 *   second, group spacing and a private chat's burst, counted from the moment each request is written
 *   until a window after its answer, whatever the event loop or the network did. Every Bot API client
 *   of the process shares one paced fetch (src/telegram/paced-telegram-fetch.ts).
 * - primitives.ts: leaf types with no imports; import-cycles.test.ts keeps the folder free of circles.
 */
export { chooseTransport, createDeliveryEngine } from './create-delivery-engine.js';
export { DeliveryStoppedError } from './delivery-stopped-error.js';
export {
  DEFAULT_DELIVERY_OPTIONS,
  DEFAULT_GATE_OPTIONS,
  type DeliveryOptions,
  type DeliveryOptionsInput,
  type GateOptions,
  type GateOptionsInput,
  type RateBudget,
} from './options.js';
export {
  type CallPermit,
  type CallPriority,
  type CallRequest,
  createRateGate,
  type RateGate,
} from './rate-gate.js';
export type * from './types.js';
