/**
 * The delivery engine: streams an answer into Telegram within its limits.
 *
 * - create-delivery-engine.ts: the composition (one gate, chat memory, one AnswerDelivery per answer).
 * - answer-delivery.ts: one answer's state and the calls it makes (drafts, send + edit, parts, final).
 * - rate-gate.ts (+ token-bucket.ts): who may call next: priorities, latest-wins per chat, per-chat
 *   budgets, 429 holds, the bot-wide pace as granted.
 * - write-pacer.ts + paced-fetch.ts: the last word, at the socket: no more than the bot-wide limit in
 *   any sliding second (plus margin) and group spacing, counted at the moment each request is written,
 *   whatever the event loop did since the gate granted it. Every Bot API client of the process shares
 *   one paced fetch (src/telegram/paced-telegram-fetch.ts).
 * - primitives.ts: leaf types with no imports, so the files above import no circle.
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
