/**
 * One answer at a time per chat, chats in parallel. Update handlers enqueue and return at once,
 * so long polling and webhooks keep flowing while an answer streams for minutes.
 */
export interface ChatQueue {
  enqueue(chatId: number, job: () => Promise<void>): Promise<void>;
  /** Jobs running or waiting in this chat. */
  pending(chatId: number): number;
  /** Resolves when every job enqueued so far has settled. */
  drain(): Promise<void>;
}

export function createChatQueue(onError: (error: unknown, chatId: number) => void): ChatQueue {
  const chats = new Map<number, { tail: Promise<void>; count: number }>();

  return {
    enqueue(chatId, job) {
      const chat = chats.get(chatId) ?? { tail: Promise.resolve(), count: 0 };
      chat.count += 1;
      chat.tail = chat.tail
        .then(job)
        .catch((error: unknown) => onError(error, chatId))
        .finally(() => {
          chat.count -= 1;
          if (chat.count === 0) chats.delete(chatId);
        });
      chats.set(chatId, chat);
      return chat.tail;
    },
    pending: (chatId) => chats.get(chatId)?.count ?? 0,
    async drain() {
      while (chats.size > 0) await Promise.all([...chats.values()].map((chat) => chat.tail));
    },
  };
}
