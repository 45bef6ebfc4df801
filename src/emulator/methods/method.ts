import type { EmulatorCore } from '../core.js';
import type { Params } from '../params.js';

export interface CallInfo {
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** A method answer that also carries Telegram's `description` (setWebhook does this). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export interface MethodSpec {
  /** Canonical name (`sendMessage`); calls match it case-insensitively. */
  name: string;
  /** Whether the call is about one chat: injected 429s then hold that chat. */
  chatBound: boolean;
  handle(params: Params, call: CallInfo): unknown;
}

export type MethodFactory = (core: EmulatorCore) => MethodSpec[];
