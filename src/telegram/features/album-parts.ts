import type { Question } from '../../conversation/answer-question.js';
import { updateIdsOf } from '../../conversation/question-intake.js';

/**
 * How long a group album's unaddressed part waits for the part that mentions the bot. Telegram
 * sends an album's parts within about a second, in no promised order.
 */
export const ALBUM_PART_HOLD_MS = 3000;
/** Albums held at once; a busy group posting albums nobody asks about must not grow memory. */
const MAX_HELD_ALBUMS = 200;

export interface AlbumParts {
  /** Keeps an album part that does not address the bot, in case a later part of it does. */
  hold(question: Question): void;
  /** The held parts of this question's album (removed), oldest first. */
  take(question: Question): Question[];
  /** Whether a part of an album in this chat is held here (its chat's other parts must come here too). */
  holds(chatId: number): boolean;
  /**
   * Marks this question's album as on its way to the intake (its token budget is read first); call
   * the returned function once it is there. Parts arriving meanwhile wait for it (see `claimed`).
   */
  claim(question: Question): () => void;
  /** While the album's addressed part is on its way: resolves when it has reached the intake. */
  claimed(question: Question): Promise<void> | undefined;
}

interface Held {
  parts: Question[];
  timer: ReturnType<typeof setTimeout>;
}

/**
 * In groups an album is for the bot when ANY of its parts mentions it (or replies to it); only one
 * part carries the caption, and it may arrive after the others. Parts seen before it wait here.
 */
export function createAlbumParts(
  options: {
    holdMs?: number;
    /**
     * A part is held (every part, as it comes). With the durable inbox its update stays open meanwhile:
     * if this instance dies during the hold, the part is handed to the chat's next owner, not lost.
     */
    onHeld?(part: Question): void;
    /** Parts no part addressing the bot came for: their hold ended (or room was needed). */
    onDropped?(parts: readonly Question[]): void;
  } = {},
): AlbumParts {
  const holdMs = options.holdMs ?? ALBUM_PART_HOLD_MS;
  const held = new Map<string, Held>();
  const claims = new Map<string, Promise<void>>();
  const keyOf = (question: Question) => `${question.chat.id}:${question.mediaGroupId ?? ''}`;

  /** Forgets an album; `expired`: its parts will not join a question. */
  const drop = (key: string, expired: boolean) => {
    const album = held.get(key);
    if (album === undefined) return;
    clearTimeout(album.timer);
    held.delete(key);
    if (expired) options.onDropped?.(album.parts);
  };

  return {
    hold(question) {
      if (question.mediaGroupId === undefined) return;
      const key = keyOf(question);
      options.onHeld?.(question);
      const album = held.get(key);
      if (album !== undefined) {
        album.parts.push(question);
        return;
      }
      for (const oldest of held.keys()) {
        if (held.size < MAX_HELD_ALBUMS) break;
        drop(oldest, true);
      }
      const timer = setTimeout(() => drop(key, true), holdMs);
      // Only a memory: it never keeps the process alive.
      timer.unref?.();
      held.set(key, { parts: [question], timer });
    },
    take(question) {
      if (question.mediaGroupId === undefined) return [];
      const key = keyOf(question);
      const parts = held.get(key)?.parts ?? [];
      drop(key, false);
      return parts;
    },
    holds(chatId) {
      const prefix = `${chatId}:`;
      for (const key of held.keys()) if (key.startsWith(prefix)) return true;
      return false;
    },
    claim(question) {
      if (question.mediaGroupId === undefined) return () => {};
      const key = keyOf(question);
      let release = () => {};
      const arrived = new Promise<void>((resolve) => {
        release = resolve;
      });
      claims.set(key, arrived);
      return () => {
        if (claims.get(key) === arrived) claims.delete(key);
        release();
      };
    },
    claimed(question) {
      return question.mediaGroupId === undefined ? undefined : claims.get(keyOf(question));
    },
  };
}

/**
 * One question from an album's parts, in message order: the addressed part stays the question
 * (its sender, reply and update), with every part's caption and attachments.
 */
export function joinAlbum(addressed: Question, parts: readonly Question[]): Question {
  if (parts.length === 0) return addressed;
  const ordered = [...parts, addressed].sort((a, b) => Math.min(...a.messageIds) - Math.min(...b.messageIds));
  const attachments = ordered.flatMap((part) => part.attachments ?? []);
  return {
    ...addressed,
    text: ordered
      .map((part) => part.text)
      .filter((text) => text !== '')
      .join('\n'),
    messageIds: ordered.flatMap((part) => part.messageIds),
    // The durable inbox marks every part's update with the question's answer.
    updateIds: ordered.flatMap(updateIdsOf),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}
