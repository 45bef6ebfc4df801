import { createAnswerDelivery, type ManagedAnswerDelivery } from './answer-delivery.js';
import { createChatMemory } from './chat-memory.js';
import { resolveDeliveryOptions } from './options.js';
import { createRateGate } from './rate-gate.js';
import { silentLogger, systemTimers } from './system-timers.js';
import type { ChatType, DeliveryEngine, DeliveryEngineDeps, StreamMode } from './types.js';

/** Telegram draft ids are non-zero; kept within 31 bits so every client library takes them. */
const MAX_DRAFT_ID = 2 ** 31 - 1;

/**
 * The streaming delivery engine: one per bot. Answers from every chat share its rate gate, so the
 * global budget, per-chat budgets, 429 holds and priorities hold across all of them.
 */
export function createDeliveryEngine(deps: DeliveryEngineDeps): DeliveryEngine {
  const options = resolveDeliveryOptions(deps.options);
  const timers = deps.timers ?? systemTimers;
  const logger = deps.logger ?? silentLogger;
  const gate = deps.gate ?? createRateGate({ options: options.gate, timers });
  const memory = createChatMemory(options.chatMemorySize);
  const answers = new Set<ManagedAnswerDelivery>();
  let nextDraftId = 1 + Math.floor(Math.random() * (MAX_DRAFT_ID - 1));
  let closed = false;

  function newDraftId(): number {
    const id = nextDraftId;
    nextDraftId = nextDraftId >= MAX_DRAFT_ID ? 1 : nextDraftId + 1;
    return id;
  }

  return {
    startAnswer(start) {
      for (const known of [start.lastSeenMessageId, start.replyToMessageId]) {
        if (known !== undefined) memory.noteMessageId(start.chatId, known, false);
      }
      const transport = chooseTransport(options.mode, start.chatType, memory.get(start.chatId).draftRefused);
      const answer = createAnswerDelivery(
        { sink: deps.sink, render: deps.createRenderer(), gate, timers, logger, options, memory },
        { ...start, transport, draftId: start.draftId ?? newDraftId() },
      );
      if (closed) {
        answer.close();
        return answer;
      }
      answers.add(answer);
      void answer.settled.then(() => answers.delete(answer));
      return answer;
    },

    async drain() {
      await Promise.all([...answers].filter((answer) => answer.finishing).map((answer) => answer.settled));
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const answer of answers) answer.close();
      answers.clear();
      // A gate passed in may be shared with other engines: its owner closes it.
      if (!deps.gate) await gate.close();
    },
  };
}

/** `auto`: drafts where Telegram offers them (private chats) unless this chat refused one before. */
export function chooseTransport(
  mode: StreamMode,
  chatType: ChatType,
  draftRefused: boolean,
): 'draft' | 'edit' {
  if (mode === 'edit' || draftRefused) return 'edit';
  if (mode === 'draft') return 'draft';
  return chatType === 'private' ? 'draft' : 'edit';
}
