import type { Config, ModelRef } from '../config.js';
import type { Logger } from '../logger.js';
import type { Attachment } from '../media/attachment.js';
import type { ReadAttachments } from '../media/read-attachments.js';
import { ProviderAbortedError } from '../providers/errors.js';
import type { ChatMessage, ModelProvider, Usage } from '../providers/types.js';
import { StorageError } from '../storage/errors.js';
import type { FinishedStatus } from '../storage/messages.js';
import type { Storage } from '../storage/storage.js';
import type { DeliveryEngine, DeliveryResult, DeliveryStats } from '../streaming/delivery/types.js';
import type { InlineKeyboard } from '../streaming/telegram-sink.js';
import type { ChatActivity } from '../telegram/chat-activity.js';
import { type ToolSource, toolsFor } from '../tools/types.js';
import type { ActiveAnswers, StopReason } from './active-answers.js';
import { appendMessage, buildHistory } from './build-history.js';
import { describeFailure, isPictureRefusal } from './describe-failure.js';
import { estimateImageTokens } from './estimate-image-tokens.js';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from './estimate-tokens.js';
import { markPicturesRefused } from './history-images.js';
import { quoteTranscripts, readTurn } from './read-question.js';
import { createAnswerRelay, createStreamedAnswer } from './relay-answer-events.js';
import { streamWithTools, type ToolLoopSettings, type ToolTranscript } from './stream-with-tools.js';
import { trimHistory } from './trim-history.js';

export interface Question {
  updateId: number;
  /** Every update the question came from when parts were merged (a split paste, an album); else unset. */
  updateIds?: number[];
  chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string };
  user: { id: number; username?: string; firstName?: string };
  text: string;
  /** The user's Telegram message id(s); more than one when a split paste was merged. */
  messageIds: number[];
  threadId?: number;
  /** The Telegram message the user replied to, to continue the conversation from there. */
  replyToMessageId?: number;
  /** Forwarded messages tend to come in batches, so they wait briefly to be merged. */
  forwarded?: boolean;
  /** Pictures and files sent with the question, fetched from Telegram in the question's turn. */
  attachments?: Attachment[];
  /** The album (Telegram's `media_group_id`) the message belongs to: its parts are one question. */
  mediaGroupId?: string;
}

export interface AnswerOutcome {
  status: FinishedStatus;
  model: ModelRef;
  delivery: DeliveryResult;
  stats: Readonly<DeliveryStats>;
  usage: Usage | undefined;
}

export interface AnswerQuestionDeps {
  storage: Storage;
  delivery: DeliveryEngine;
  providers: ReadonlyMap<string, ModelProvider>;
  models: readonly ModelRef[];
  defaultModel: ModelRef;
  defaultSystemPrompt: string;
  maxOutputTokens: number;
  /** Models asked to think first, with their reasoning budgets (`MODEL_THINKING_TOKENS`). */
  thinkingTokens: ReadonlyMap<string, number>;
  /** The prompt budget per model; history is trimmed from the oldest end to fit. */
  context: Config['context'];
  activeAnswers: ActiveAnswers;
  /** Tools the model may call, read at the start of each answer (none: text-only answers). */
  tools: ToolSource;
  toolSettings: ToolLoopSettings;
  /** Aborted on shutdown once the grace period is over. */
  shutdownSignal: AbortSignal;
  logger: Logger;
  /** Fetches and reads attachments; a MediaError it throws is told to the user, nothing stored. */
  readAttachments?: ReadAttachments;
  /** Most pictures sent in one request, the newest first; older ones become a short placeholder. */
  maxImages: number;
  /** "typing…" while attachments are fetched and read, before the answer's own delivery starts. */
  chatActivity?: ChatActivity;
  now?: () => number;
}

const STOP_NOTICES: Record<StopReason, string> = {
  user: '⏹ Stopped.',
  replaced: '⏹ Stopped: a newer message arrived.',
};
/** Stored chains are read this far back at most; the token budget usually trims far earlier. */
const MAX_CHAIN_MESSAGES = 1000;
const RESTART_NOTICE = '⚠️ Interrupted: the bot is restarting. Ask again in a moment.';

/** One question, from the stored history to the stored answer: stream, deliver, then record. */
export function createAnswerQuestion(deps: AnswerQuestionDeps) {
  const now = deps.now ?? Date.now;

  return async function answerQuestion(
    question: Question,
    log: Logger = deps.logger,
  ): Promise<AnswerOutcome> {
    const { storage } = deps;
    const chat = await storage.chats.upsert(question.chat);
    await storage.users.upsert(question.user);

    const model = deps.models.find((candidate) => candidate.id === chat.model) ?? deps.defaultModel;
    const provider = deps.providers.get(model.provider);
    if (!provider) throw new Error(`no provider named ${model.provider}`);

    const parentId = (await continuationPoint(storage, question)) ?? chat.headMessageId;
    const system = chat.systemPrompt ?? deps.defaultSystemPrompt;
    const chain =
      parentId === null ? [] : await storage.messages.getChain(parentId, { maxMessages: MAX_CHAIN_MESSAGES });
    const { read, pictures } = await readTurn(question, chain, {
      readAttachments: deps.readAttachments,
      maxImages: deps.maxImages,
      chatActivity: deps.chatActivity,
      signal: deps.shutdownSignal,
    });
    const asked = read.message;
    const budget = deps.context.byModel.get(model.id) ?? deps.context.defaultTokens;
    const fixed =
      estimateTokens(system) +
      estimateTokens(asked.content) +
      estimateImageTokens(asked.images ?? [], model.provider) +
      2 * MESSAGE_OVERHEAD_TOKENS;
    const trimmed = trimHistory(buildHistory(chain, pictures), Math.max(0, budget - fixed), (image) =>
      estimateImageTokens([image], model.provider),
    );
    const messages = appendMessage(trimmed.messages, asked);
    const { assistantId, userMessageId } = await storage.transaction(async (tx) => {
      const userMessageId = await tx.messages.insertUserMessage({
        chatId: question.chat.id,
        userId: question.user.id,
        parentId,
        // Document text is kept, so later questions about the file still see it.
        content: asked.content,
        telegramMessageIds: question.messageIds,
        threadId: question.threadId ?? null,
        updateId: question.updateId,
        ...(question.attachments === undefined ? {} : { attachments: question.attachments }),
      });
      const id = await tx.messages.startAssistantMessage({
        chatId: question.chat.id,
        userId: question.user.id,
        parentId: userMessageId,
        model: model.id,
        threadId: question.threadId ?? null,
      });
      await tx.chats.setHead(question.chat.id, id);
      return { assistantId: id, userMessageId };
    });

    const answerLog = log.child({ model: model.id, answer: assistantId });
    if (trimmed.dropped > 0) answerLog.debug({ dropped: trimmed.dropped, budget }, 'history trimmed');
    const stop = new AbortController();
    let stopReason: StopReason = 'user';
    const lastUserMessageId = Math.max(...question.messageIds);
    const delivery = deps.delivery.startAnswer({
      chatId: question.chat.id,
      chatType: question.chat.type,
      ...(question.threadId === undefined ? {} : { threadId: question.threadId }),
      replyToMessageId: lastUserMessageId,
      lastSeenMessageId: lastUserMessageId,
      stopKeyboard: stopKeyboard(assistantId),
      showReasoning: chat.showReasoning,
    });
    const unregister = deps.activeAnswers.register(question.chat.id, {
      answerId: assistantId,
      draftId: delivery.draftId,
      userId: question.user.id,
      stop: (reason = 'user') => {
        if (stop.signal.aborted) return;
        stopReason = reason;
        stop.abort();
      },
    });
    const signal = AbortSignal.any([stop.signal, delivery.signal, deps.shutdownSignal]);
    // Shown to the user, not stored as the answer: the model's own words are what history keeps.
    const heard = quoteTranscripts(read.transcripts);
    if (heard !== '') delivery.appendText(heard);

    const transcript: ToolTranscript = { messages: [] };
    // Sources switched off in this chat (/tools) are left out, on top of each server's allowUsers.
    const tools = new Map(
      toolsFor(deps.tools.list(), question.user, chat.disabledToolSources).map((tool) => [
        tool.definition.name,
        tool,
      ]),
    );
    const answer = createStreamedAnswer(tools);
    const { streamed } = answer;
    let status: FinishedStatus = 'complete';
    let notice: string | undefined;
    /** User messages whose pictures went with a request the provider refused. */
    let refusedPictureMessages: number[] = [];
    try {
      const thinkingBudgetTokens = deps.thinkingTokens.get(model.id);
      const request = {
        model: model.model,
        system,
        messages,
        maxOutputTokens: deps.maxOutputTokens,
        ...(thinkingBudgetTokens === undefined ? {} : { thinkingBudgetTokens }),
      };
      await streamWithTools(
        provider,
        request,
        tools,
        deps.toolSettings,
        signal,
        transcript,
        createAnswerRelay({ delivery, tools, log: answerLog }, answer),
      );
      if (streamed.cutShort) notice = '✂️ The answer reached the length limit.';
    } catch (error) {
      if (isPictureRefusal(error, withImages(messages)) && streamed.text === '') {
        refusedPictureMessages = [userMessageId, ...pictures.keys()];
      }
      ({ status, notice } = classifyEnd(
        error,
        {
          stopped: stop.signal.aborted ? stopReason : undefined,
          shown: streamed.text !== '',
          withImages: withImages(messages),
        },
        model.id,
      ));
      if (deps.shutdownSignal.aborted && !stop.signal.aborted) notice = RESTART_NOTICE;
      answerLog.warn({ err: error, status }, 'answer ended early');
    } finally {
      unregister();
    }

    const { usage } = streamed;
    const record = chat.showToolCalls ? streamed.toolRecord() : '';
    const result = await delivery.finish({
      status,
      ...(notice === undefined ? {} : { notice }),
      ...(record === '' ? {} : { record }),
    });
    try {
      await storage.transaction(async (tx) => {
        await tx.messages.finishAssistantMessage(assistantId, {
          content: streamed.text,
          reasoning: streamed.reasoning === '' ? null : streamed.reasoning,
          toolTurns: transcript.messages,
          status,
          telegramMessageIds: result.messageIds,
        });
        await tx.usage.record({
          userId: question.user.id,
          chatId: question.chat.id,
          messageId: assistantId,
          provider: model.provider,
          model: model.model,
          usage,
        });
        // The refused request's pictures become placeholders, or every later question would fail too.
        await markPicturesRefused(tx.messages, refusedPictureMessages);
        for (const transcript of read.transcripts) {
          await tx.usage.record({
            userId: question.user.id,
            chatId: question.chat.id,
            messageId: assistantId,
            provider: transcript.provider,
            model: transcript.model,
            usage: transcript.usage,
          });
        }
      });
    } catch (error) {
      // The user has the answer; what is lost is our record of it. The row stays 'streaming' and is
      // marked interrupted at the next start, never half-written.
      if (!(error instanceof StorageError)) throw error;
      answerLog.error({ err: error, kind: error.kind }, 'answer delivered but could not be stored');
    }
    answerLog.info(
      {
        status,
        parts: result.parts,
        delivered: result.delivered,
        usage,
        ms: now() - delivery.stats.startedAt,
      },
      'answer finished',
    );
    return { status, model, delivery: result, stats: delivery.stats, usage };
  };
}

function withImages(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => message.role === 'user' && (message.images?.length ?? 0) > 0);
}

/** Replying to one of our earlier messages continues the conversation from that point. */
async function continuationPoint(storage: Storage, question: Question): Promise<number | null> {
  if (question.replyToMessageId === undefined) return null;
  return (
    (await storage.messages.findByTelegramMessageId(question.chat.id, question.replyToMessageId))?.id ?? null
  );
}

function classifyEnd(
  error: unknown,
  state: { stopped: StopReason | undefined; shown: boolean; withImages: boolean },
  modelId: string,
): { status: FinishedStatus; notice: string } {
  if (error instanceof ProviderAbortedError) {
    return state.stopped
      ? { status: 'cancelled', notice: STOP_NOTICES[state.stopped] }
      : { status: 'interrupted', notice: '⚠️ Interrupted.' };
  }
  const reason = describeFailure(error, modelId, { withImages: state.withImages });
  // Before the first token there is nothing to keep: the notice is the whole answer.
  return state.shown
    ? { status: 'interrupted', notice: `⚠️ Interrupted: ${reason}` }
    : { status: 'error', notice: `⚠️ ${reason}` };
}

function stopKeyboard(answerId: number): InlineKeyboard {
  return { inline_keyboard: [[{ text: '⏹ Stop', callback_data: `stop:${answerId}` }]] };
}
