import type { FormattedText } from '../api-types.js';
import type { ChatRecord, ChatStore } from './chat-store.js';

export interface DraftState {
  chatId: number;
  draftId: number;
  threadId?: number;
  text: string;
  entities: FormattedText['entities'];
  canStop: boolean;
  keepOnStop: boolean;
  /** When this draft id first showed, and when it last changed (clock ms). */
  shownAt: number;
  updatedAt: number;
  frames: number;
  /** The user pressed stop and the draft was kept (`keep_on_stop`). */
  stopped: boolean;
}

export interface ShowDraftInput extends FormattedText {
  draftId: number;
  threadId: number | undefined;
  canStop: boolean;
  keepOnStop: boolean;
}

export interface DraftBoard {
  /** Shows or updates the draft of a chat thread; returns false when the draft id was stopped by the user. */
  show(record: ChatRecord, input: ShowDraftInput): boolean;
  current(record: ChatRecord, threadId: number | undefined): DraftState | undefined;
  all(record: ChatRecord): DraftState[];
  /** The bot sent a message to the thread: Telegram removes the draft there. */
  clearForMessage(record: ChatRecord, threadId: number | undefined): void;
  /** The user pressed the stop button; returns the draft that was stopped. */
  stop(record: ChatRecord, draftId: number, threadId: number | undefined): DraftState | undefined;
  /** Clears all expiry timers (emulator shutdown). */
  close(): void;
}

interface DraftSlot {
  state: DraftState;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Drafts are ephemeral previews: one per chat thread, replaced by a draft with another id, gone
 * after `ttlMs` without an update (Telegram: about 30 s), when the bot sends a message to the
 * thread, or when the user presses stop (unless `keep_on_stop`). A draft id the user stopped is not
 * shown again: later frames for it are accepted and ignored, since stop means "no more drafts".
 */
export function createDraftBoard(deps: { store: ChatStore; now: () => number; ttlMs: number }): DraftBoard {
  const slots = new Map<ChatRecord, Map<number, DraftSlot>>();
  const stoppedIds = new Map<ChatRecord, Set<number>>();
  const key = (threadId: number | undefined) => threadId ?? 0;

  const slotsOf = (record: ChatRecord) => {
    let map = slots.get(record);
    if (map === undefined) {
      map = new Map();
      slots.set(record, map);
    }
    return map;
  };

  const remove = (
    record: ChatRecord,
    slot: DraftSlot,
    reason: 'message-sent' | 'expired' | 'stopped',
    at?: number,
  ) => {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slots.get(record)?.delete(key(slot.state.threadId));
    const { draftId, threadId } = slot.state;
    deps.store.recordEvent(record, {
      type: 'draft-cleared',
      draftId,
      reason,
      ...(threadId === undefined ? {} : { threadId }),
      ...(at === undefined ? {} : { at }),
    });
  };

  // Timers drive the expiry event; `expireIfDue` keeps reads right with an injected clock too.
  const schedule = (record: ChatRecord, slot: DraftSlot) => {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    const due = slot.state.updatedAt + deps.ttlMs;
    slot.timer = setTimeout(
      () => {
        slot.timer = undefined;
        if (slots.get(record)?.get(key(slot.state.threadId)) !== slot) return;
        if (deps.now() >= due) remove(record, slot, 'expired', due);
        else schedule(record, slot);
      },
      Math.max(1, due - deps.now()),
    );
    slot.timer.unref?.();
  };

  const expireIfDue = (record: ChatRecord, slot: DraftSlot | undefined): DraftSlot | undefined => {
    if (slot === undefined) return undefined;
    const due = slot.state.updatedAt + deps.ttlMs;
    if (deps.now() < due) return slot;
    remove(record, slot, 'expired', due);
    return undefined;
  };

  return {
    show(record, input) {
      if (stoppedIds.get(record)?.has(input.draftId)) return false;
      const map = slotsOf(record);
      const now = deps.now();
      const existing = expireIfDue(record, map.get(key(input.threadId)));
      const same = existing !== undefined && existing.state.draftId === input.draftId;
      const state: DraftState = {
        chatId: record.chat.id,
        draftId: input.draftId,
        ...(input.threadId === undefined ? {} : { threadId: input.threadId }),
        text: input.text,
        entities: input.entities,
        canStop: input.canStop,
        keepOnStop: input.keepOnStop,
        shownAt: same ? existing.state.shownAt : now,
        updatedAt: now,
        frames: same ? existing.state.frames + 1 : 1,
        stopped: false,
      };
      const slot: DraftSlot = existing ?? { state, timer: undefined };
      slot.state = state;
      map.set(key(input.threadId), slot);
      schedule(record, slot);
      deps.store.recordEvent(record, {
        type: 'draft',
        draftId: input.draftId,
        ...(input.threadId === undefined ? {} : { threadId: input.threadId }),
        text: input.text,
        entities: input.entities,
        canStop: input.canStop,
        replaced: existing !== undefined && !same,
        frame: state.frames,
      });
      return true;
    },
    current(record, threadId) {
      return expireIfDue(record, slots.get(record)?.get(key(threadId)))?.state;
    },
    all(record) {
      const map = slots.get(record);
      if (map === undefined) return [];
      const result: DraftState[] = [];
      for (const slot of [...map.values()]) {
        const live = expireIfDue(record, slot);
        if (live !== undefined) result.push(live.state);
      }
      return result;
    },
    clearForMessage(record, threadId) {
      const slot = expireIfDue(record, slots.get(record)?.get(key(threadId)));
      if (slot !== undefined) remove(record, slot, 'message-sent');
    },
    stop(record, draftId, threadId) {
      const slot = expireIfDue(record, slots.get(record)?.get(key(threadId)));
      if (slot === undefined || slot.state.draftId !== draftId) return undefined;
      let stopped = stoppedIds.get(record);
      if (stopped === undefined) {
        stopped = new Set();
        stoppedIds.set(record, stopped);
      }
      stopped.add(draftId);
      // Only the latest few stopped ids matter; keep the set small for long soaks.
      if (stopped.size > 64) stopped.delete(stopped.values().next().value as number);
      slot.state.stopped = true;
      deps.store.recordEvent(record, {
        type: 'stop-pressed',
        draftId,
        ...(threadId === undefined ? {} : { threadId }),
      });
      if (!slot.state.keepOnStop) remove(record, slot, 'stopped');
      return slot.state;
    },
    close() {
      for (const map of slots.values()) {
        for (const slot of map.values()) if (slot.timer !== undefined) clearTimeout(slot.timer);
      }
    },
  };
}
