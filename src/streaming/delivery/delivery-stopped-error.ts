import type { DeliveryFailure } from './types.js';

/** The reason of an answer's aborted `signal`: delivery cannot go on, so generating more is wasted. */
export class DeliveryStoppedError extends Error {
  override readonly name = 'DeliveryStoppedError';
  constructor(
    readonly chatId: number,
    readonly failure: DeliveryFailure,
  ) {
    super(`Delivery to chat ${chatId} stopped: ${failure}`);
  }
}
