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
