import type { BotApiEmulator } from '../emulator/index.js';
import type { DemoFailure, DemoProvider } from './demo-provider.js';

export type FaultKind =
  | 'telegram-429-storm'
  | 'telegram-429-next'
  | 'telegram-5xx-next'
  | 'provider-overloaded'
  | 'provider-rate-limited'
  | 'provider-connection-lost'
  | 'clear';

export const FAULT_KINDS: readonly FaultKind[] = [
  'telegram-429-storm',
  'telegram-429-next',
  'telegram-5xx-next',
  'provider-overloaded',
  'provider-rate-limited',
  'provider-connection-lost',
  'clear',
];

export interface FaultRequest {
  kind: FaultKind;
  /** The chat the scripted Telegram failures apply to (the one on screen). */
  chatId?: number;
}

export interface FaultState {
  /** A 429 storm is raging until this time (ms). */
  stormUntil?: number;
  /** Provider failures waiting for the next demo request. */
  pendingProvider: DemoFailure[];
  /** Provider faults need the demo model (real providers cannot be told to fail). */
  providerFaults: boolean;
  /** What was injected last, for the panel. */
  last?: { kind: FaultKind; at: number; description: string };
}

export class FaultRequestError extends Error {
  override readonly name = 'FaultRequestError';
}

export interface FaultControllerDeps {
  emulator: Pick<BotApiEmulator, 'failNext' | 'setRandomFaults' | 'clearFaults'>;
  demo: DemoProvider | undefined;
  onChange(state: FaultState): void;
  /** How long a 429 storm lasts; default 20 s. */
  stormMs?: number;
  now?: () => number;
}

export interface FaultController {
  apply(request: FaultRequest): FaultState;
  state(): FaultState;
  /** Ends a running storm and its timer. */
  close(): void;
}

const PROVIDER_FAULTS: Partial<Record<FaultKind, DemoFailure>> = {
  'provider-overloaded': 'overloaded',
  'provider-rate-limited': 'rate-limited',
  'provider-connection-lost': 'connection-lost',
};

/** The panel's fault buttons, turned into emulator faults and demo-model failures. */
export function createFaultController(deps: FaultControllerDeps): FaultController {
  const stormMs = deps.stormMs ?? 20_000;
  const now = deps.now ?? Date.now;
  let stormTimer: ReturnType<typeof setTimeout> | undefined;
  let stormUntil: number | undefined;
  let last: FaultState['last'];

  const state = (): FaultState => ({
    ...(stormUntil === undefined ? {} : { stormUntil }),
    pendingProvider: [...(deps.demo?.pendingFailures() ?? [])],
    providerFaults: deps.demo !== undefined,
    ...(last === undefined ? {} : { last }),
  });

  const endStorm = () => {
    if (stormTimer !== undefined) clearTimeout(stormTimer);
    stormTimer = undefined;
    stormUntil = undefined;
  };

  const requireChat = (request: FaultRequest): number => {
    if (request.chatId === undefined || !Number.isSafeInteger(request.chatId)) {
      throw new FaultRequestError(`${request.kind} needs the chatId it applies to`);
    }
    return request.chatId;
  };

  return {
    apply(request) {
      let description: string;
      const provider = PROVIDER_FAULTS[request.kind];
      if (provider !== undefined) {
        if (deps.demo === undefined) {
          throw new FaultRequestError('provider faults need the demo model (no demo provider is running)');
        }
        deps.demo.failNextRequest(provider);
        description = `the demo model's next request fails: ${provider}`;
      } else if (request.kind === 'telegram-429-storm') {
        endStorm();
        deps.emulator.setRandomFaults({ rate429: 0.5, retryAfterRange: [2, 8] });
        stormUntil = now() + stormMs;
        stormTimer = setTimeout(() => {
          deps.emulator.setRandomFaults(null);
          endStorm();
          deps.onChange(state());
        }, stormMs);
        stormTimer.unref?.();
        description = `429 storm: half of all message calls answered 429 (retry after 2–8 s) for ${Math.round(stormMs / 1000)} s`;
      } else if (request.kind === 'telegram-429-next') {
        // Scoped to the chat, so getUpdates and other chats are not hit.
        deps.emulator.failNext({ chatId: requireChat(request), status: 429, retryAfter: 5, times: 3 });
        description = 'the next 3 calls to this chat get 429 (retry after 5 s)';
      } else if (request.kind === 'telegram-5xx-next') {
        deps.emulator.failNext({ chatId: requireChat(request), status: 502, htmlBody: true, times: 2 });
        description = 'the next 2 calls to this chat get 502 Bad Gateway';
      } else if (request.kind === 'clear') {
        deps.emulator.clearFaults();
        endStorm();
        description = 'Telegram faults cleared';
      } else {
        throw new FaultRequestError(`unknown fault ${String(request.kind)}`);
      }
      last = { kind: request.kind, at: now(), description };
      const current = state();
      deps.onChange(current);
      return current;
    },
    state,
    close: endStorm,
  };
}
