/** Why an answer was stopped before it ended: the user asked, or a newer question replaced it. */
export type StopReason = 'user' | 'replaced';

export interface ActiveAnswer {
  /** The stored assistant message id (also in the Stop button's callback data). */
  answerId: number;
  draftId: number;
  /** Who asked: in groups only they (or an admin) may stop it. */
  userId: number;
  stop(reason?: StopReason): void;
}

/** The answer streaming in each chat, so /stop, the Stop button and the draft's stop button can reach it. */
export interface ActiveAnswers {
  register(chatId: number, answer: ActiveAnswer): () => void;
  get(chatId: number): ActiveAnswer | undefined;
  readonly size: number;
}

export function createActiveAnswers(): ActiveAnswers {
  const answers = new Map<number, ActiveAnswer>();
  return {
    register(chatId, answer) {
      answers.set(chatId, answer);
      return () => {
        if (answers.get(chatId) === answer) answers.delete(chatId);
      };
    },
    get: (chatId) => answers.get(chatId),
    get size() {
      return answers.size;
    },
  };
}
