import { ApiError, tooManyRequests } from './errors.js';
import { randomInt } from './random.js';

export interface FailNextSpec {
  /** Only calls of this method (case-insensitive); any method when absent. */
  method?: string;
  /** Only calls with this chat_id. */
  chatId?: number;
  /** How many matching calls fail; default 1. */
  times?: number;
  status: 429 | 500 | 502 | 503 | 504 | 400 | 403;
  /** For 429: the announced wait in seconds (default 1). */
  retryAfter?: number;
  /** For 429 to a chat: start the chat's hold as a real 429 would (default true). */
  hold?: boolean;
  /** Override the description (default: Telegram's for the status). */
  description?: string;
  /** Answer with an HTML error page instead of JSON, as Telegram's nginx front does for 502. */
  htmlBody?: boolean;
}

export interface RandomFaultsSpec {
  /** Share of matching calls answered 429, 0..1. */
  rate429?: number;
  /** Inclusive range for retry_after of random 429s; default [1, 5]. */
  retryAfterRange?: [number, number];
  /** Share of matching calls answered with a 5xx, 0..1. */
  rate5xx?: number;
  /** Default 500. */
  status5xx?: 500 | 502;
  /** Methods affected; default the message-like ones (sends, edits, drafts, chat actions, deletes, callback answers). */
  methods?: string[];
}

export interface DropSpec {
  method?: string;
  chatId?: number;
  /** Default 1. */
  times?: number;
}

export interface InjectedFailure {
  error: ApiError;
  /** A hold to start (injected 429s behave like real ones). */
  holdSeconds?: number;
  htmlBody: boolean;
}

export interface FaultInjector {
  failNext(spec: FailNextSpec): void;
  setRandomFaults(spec: RandomFaultsSpec | null): void;
  dropConnectionAfterProcessing(spec?: DropSpec): void;
  /** Removes every pending fault and random faults. */
  clear(): void;
  /** Consulted before a call runs: the failure to answer instead, if any. */
  beforeCall(method: string, chatId: number | undefined): InjectedFailure | undefined;
  /** Consulted after a call succeeded: cut the connection instead of answering? */
  dropAfter(method: string, chatId: number | undefined): boolean;
}

export const DEFAULT_RANDOM_FAULT_METHODS = [
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'sendMessageDraft',
  'sendChatAction',
  'deleteMessage',
  'answerCallbackQuery',
];

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: injected failure',
  403: 'Forbidden: injected failure',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

interface Matcher {
  method?: string;
  chatId?: number;
  remaining: number;
}

export function createFaultInjector(deps: { random: () => number }): FaultInjector {
  let failures: (Matcher & { spec: FailNextSpec })[] = [];
  let drops: Matcher[] = [];
  let random: (RandomFaultsSpec & { methodSet: Set<string> }) | undefined;

  const matches = (matcher: Matcher, method: string, chatId: number | undefined) =>
    (matcher.method === undefined || matcher.method === method.toLowerCase()) &&
    (matcher.chatId === undefined || matcher.chatId === chatId);

  const consume = <T extends Matcher>(
    list: T[],
    method: string,
    chatId: number | undefined,
  ): T | undefined => {
    const found = list.find((m) => matches(m, method, chatId));
    if (found !== undefined) found.remaining--;
    return found;
  };

  const toFailure = (spec: FailNextSpec): InjectedFailure => {
    if (spec.status === 429) {
      const seconds = Math.max(1, Math.round(spec.retryAfter ?? 1));
      const error = tooManyRequests(seconds);
      const failure: InjectedFailure = {
        error: spec.description === undefined ? error : new ApiError(429, spec.description, error.parameters),
        htmlBody: spec.htmlBody === true,
      };
      if (spec.hold !== false) failure.holdSeconds = seconds;
      return failure;
    }
    return {
      error: new ApiError(spec.status, spec.description ?? STATUS_DESCRIPTIONS[spec.status] ?? 'Error'),
      htmlBody: spec.htmlBody === true,
    };
  };

  return {
    failNext(spec) {
      failures.push({
        spec,
        remaining: spec.times ?? 1,
        ...(spec.method === undefined ? {} : { method: spec.method.toLowerCase() }),
        ...(spec.chatId === undefined ? {} : { chatId: spec.chatId }),
      });
    },
    setRandomFaults(spec) {
      random =
        spec === null
          ? undefined
          : {
              ...spec,
              methodSet: new Set((spec.methods ?? DEFAULT_RANDOM_FAULT_METHODS).map((m) => m.toLowerCase())),
            };
    },
    dropConnectionAfterProcessing(spec = {}) {
      drops.push({
        remaining: spec.times ?? 1,
        ...(spec.method === undefined ? {} : { method: spec.method.toLowerCase() }),
        ...(spec.chatId === undefined ? {} : { chatId: spec.chatId }),
      });
    },
    clear() {
      failures = [];
      drops = [];
      random = undefined;
    },
    beforeCall(method, chatId) {
      const scripted = consume(failures, method, chatId);
      if (scripted !== undefined) {
        failures = failures.filter((f) => f.remaining > 0);
        return toFailure(scripted.spec);
      }
      if (random === undefined || !random.methodSet.has(method.toLowerCase())) return undefined;
      const roll = deps.random();
      const rate429 = random.rate429 ?? 0;
      if (roll < rate429) {
        const [min, max] = random.retryAfterRange ?? [1, 5];
        return toFailure({ status: 429, retryAfter: randomInt(deps.random, min, max) });
      }
      if (roll < rate429 + (random.rate5xx ?? 0)) return toFailure({ status: random.status5xx ?? 500 });
      return undefined;
    },
    dropAfter(method, chatId) {
      const found = consume(drops, method, chatId);
      if (found === undefined) return false;
      drops = drops.filter((d) => d.remaining > 0);
      return true;
    },
  };
}
