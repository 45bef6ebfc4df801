import type { BotApiEmulator, EmulatorEvent, RateLimitPreset } from '../emulator/index.js';
import { type AnswerTracker, createAnswerTracker } from './answer-tracker.js';
import { createCommandMenus } from './command-scopes.js';
import type { FaultController } from './fault-controller.js';
import {
  type CallSummary,
  type LogLine,
  type ModelInfo,
  type PlaygroundEvent,
  type PlaygroundState,
  summarizeCall,
  toChatSnapshot,
} from './playground-events.js';

export interface PlaygroundHubDeps {
  emulator: BotApiEmulator;
  userId: number;
  /** The chats shown in the page, in order (private chat first). */
  chatIds: readonly number[];
  models: readonly ModelInfo[];
  faults: () => FaultController;
  /** Recent calls and log lines kept for a page that connects later; defaults 3000 and 300. */
  keepCalls?: number;
  keepLogs?: number;
}

export interface PlaygroundHub {
  /** Receives every event from now on; the snapshot is the state up to this moment. */
  subscribe(listener: (event: PlaygroundEvent) => void): { snapshot: PlaygroundState; unsubscribe(): void };
  snapshot(): PlaygroundState;
  publish(event: PlaygroundEvent): void;
  setLimits(preset: RateLimitPreset): void;
  /** A line the bot logged; `answer finished` lines settle the tracked answer. Returns it as the page shows it. */
  log(record: Record<string, unknown>): LogLine;
  readonly tracker: AnswerTracker;
  close(): void;
}

// Long polls would flood the panel with one call per poll timeout and say nothing about delivery.
const QUIET_METHODS = new Set(['getUpdates', 'getMe', 'deleteWebhook']);
const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const FINISHED = new Set(['complete', 'interrupted', 'cancelled', 'error']);

/** Turns emulator events and bot logs into the page's event stream, and keeps what a new page needs. */
export function createPlaygroundHub(deps: PlaygroundHubDeps): PlaygroundHub {
  const listeners = new Set<(event: PlaygroundEvent) => void>();
  const calls: CallSummary[] = [];
  const logs: LogLine[] = [];
  const keepCalls = deps.keepCalls ?? 3000;
  const keepLogs = deps.keepLogs ?? 300;
  let preset: string = 'telegram';

  const publish = (event: PlaygroundEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // One broken page connection must not stop the others.
      }
    }
  };

  const tracker = createAnswerTracker({
    botUsername: deps.emulator.bot.username,
    onChange: (answer) => publish({ type: 'answer', answer }),
  });

  const menus = createCommandMenus();
  const commandsByChat = () =>
    Object.fromEntries(
      deps.chatIds.map((id) => [
        String(id),
        menus.forChat({ id, kind: deps.emulator.chat(id).kind }, deps.userId),
      ]),
    );

  const onEmulatorEvent = (event: EmulatorEvent) => {
    if (event.kind === 'call') {
      if (QUIET_METHODS.has(event.call.method)) return;
      const call = summarizeCall(event.call);
      calls.push(call);
      if (calls.length > keepCalls) calls.splice(0, calls.length - keepCalls);
      tracker.observe(event);
      publish({ type: 'call', call });
      if (
        (event.call.method === 'setMyCommands' || event.call.method === 'deleteMyCommands') &&
        event.call.ok
      ) {
        menus.apply(event.call.method, event.call.params);
        publish({ type: 'commands', commands: commandsByChat() });
      }
    } else if (event.kind === 'timeline') {
      if (!deps.chatIds.includes(event.event.chatId)) return;
      // The tracker first, so the page sees the answer's metrics move with the frame.
      tracker.observe(event);
      publish({ type: 'timeline', event: event.event });
    }
  };
  const unsubscribeEmulator = deps.emulator.subscribe(onEmulatorEvent);

  const snapshot = (): PlaygroundState => {
    const now = Date.now();
    const user = deps.emulator.chat(deps.userId).chat;
    return {
      bot: {
        id: deps.emulator.bot.id,
        username: deps.emulator.bot.username,
        name: deps.emulator.bot.first_name,
      },
      user: { id: deps.userId, name: 'first_name' in user ? user.first_name : 'You' },
      chats: deps.chatIds.map((id) => toChatSnapshot(deps.emulator.chat(id), now)),
      commands: commandsByChat(),
      limits: { preset, values: deps.emulator.limits() },
      models: [...deps.models],
      faults: deps.faults().state(),
      calls: [...calls],
      answers: tracker.answers(),
      logs: [...logs],
      now,
    };
  };

  return {
    subscribe(listener) {
      const state = snapshot();
      listeners.add(listener);
      return { snapshot: state, unsubscribe: () => listeners.delete(listener) };
    },
    snapshot,
    publish,
    setLimits(next) {
      deps.emulator.setLimits(next);
      // A fresh start under new limits: old buckets and holds belong to the old ones.
      deps.emulator.resetRateLimits();
      preset = next;
      publish({ type: 'limits', preset, values: deps.emulator.limits() });
    },
    log(record) {
      const msg = typeof record.msg === 'string' ? record.msg : '';
      const chat = typeof record.chat === 'number' ? record.chat : undefined;
      if (msg === 'answer finished' && chat !== undefined && FINISHED.has(String(record.status))) {
        tracker.finished(chat, record.status as 'complete');
      }
      if (msg === 'tool finished' && chat !== undefined && typeof record.tool === 'string') {
        const seconds = typeof record.ms === 'number' ? ` ${(record.ms / 1000).toFixed(1)} s` : '';
        tracker.toolCall(chat, `${record.tool} ${record.failed === true ? '✗' : '✓'}${seconds}`);
      }
      const line: LogLine = {
        at: typeof record.time === 'number' ? record.time : Date.now(),
        level: LEVELS[Number(record.level)] ?? String(record.level ?? 'info'),
        msg: describeLog(msg, record),
        ...(chat === undefined ? {} : { chat }),
      };
      logs.push(line);
      if (logs.length > keepLogs) logs.shift();
      publish({ type: 'log', line });
      return line;
    },
    tracker,
    close() {
      unsubscribeEmulator();
      listeners.clear();
    },
  };
}

/** The message plus the few fields worth reading at a glance (an error's message, a status). */
function describeLog(msg: string, record: Record<string, unknown>): string {
  const details: string[] = [];
  for (const key of ['status', 'parts', 'method', 'retryAfter', 'retry_after', 'model']) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number') details.push(`${key}=${value}`);
  }
  const err = record.err as { message?: unknown } | undefined;
  if (typeof err?.message === 'string') details.push(err.message);
  return details.length === 0 ? msg : `${msg} (${details.join(', ')})`;
}
