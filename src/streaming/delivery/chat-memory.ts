/** What delivery remembers about a chat between answers. */
export interface ChatRecord {
  /** Telegram refused a draft here: later answers use send + edit straight away. */
  draftRefused: boolean;
  /** Highest message id seen in the chat (the user's messages and ours). */
  highestMessageId: number | undefined;
  /** Our own recent message ids, never probed as candidates for a lost send. */
  ownMessageIds: number[];
}

export interface ChatMemory {
  get(chatId: number): ChatRecord;
  noteMessageId(chatId: number, messageId: number, own: boolean): void;
}

const OWN_IDS_KEPT = 32;

/** A bounded map: the least recently used chats are forgotten first, so memory stays flat over months. */
export function createChatMemory(capacity: number): ChatMemory {
  const records = new Map<number, ChatRecord>();

  function get(chatId: number): ChatRecord {
    let record = records.get(chatId);
    if (record) {
      records.delete(chatId);
    } else {
      record = { draftRefused: false, highestMessageId: undefined, ownMessageIds: [] };
      if (records.size >= capacity) {
        const oldest = records.keys().next();
        if (!oldest.done) records.delete(oldest.value);
      }
    }
    records.set(chatId, record);
    return record;
  }

  return {
    get,
    noteMessageId(chatId, messageId, own) {
      const record = get(chatId);
      if (record.highestMessageId === undefined || messageId > record.highestMessageId) {
        record.highestMessageId = messageId;
      }
      if (own) {
        record.ownMessageIds.push(messageId);
        if (record.ownMessageIds.length > OWN_IDS_KEPT) record.ownMessageIds.shift();
      }
    },
  };
}
