import type { DeliveryLogger, DeliveryTimers } from './primitives.js';

export const systemTimers: DeliveryTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const silentLogger: DeliveryLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
