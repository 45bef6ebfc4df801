import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { Question } from '../../conversation/answer-question.js';
import type { Attachment } from '../../media/attachment.js';
import { mentionsBot, repliesToBot } from '../addressed.js';
import type { BotContext } from '../context.js';
import { toQuestion } from '../to-question.js';

/**
 * Text messages become questions. In private chats every message is one; in groups only those that
 * mention the bot or reply to it, so the bot does not answer every line of a conversation.
 */
export function createChatFeature(deps: {
  submit(question: Question, ctx: BotContext): Promise<void>;
  /** The next part of a split text from the same user, addressed or not (see QuestionIntake). */
  continueText(question: Question): boolean;
  /** For a reply to a picture: its attachment, and the answer when the chat's model cannot see. */
  pictures?: {
    replied(message: Message): Attachment | undefined;
    refusal(ctx: BotContext, attachments: readonly Attachment[]): Promise<string | undefined>;
  };
}) {
  const feature = new Composer<BotContext>();
  feature.on('message:text', async (ctx, next) => {
    const message = ctx.message;
    if (message.text.startsWith('/')) return next();
    const isPrivate = ctx.chat.type === 'private';
    const addressed = isPrivate || mentionsBot(ctx) || repliesToBot(ctx);
    if (!addressed) {
      const part = toQuestion(ctx.update.update_id, message, message.text);
      if (part && deps.continueText(part)) return;
      return next();
    }
    const asked = isPrivate ? message.text : stripMention(message.text, ctx.me.username);
    const text = withQuote(asked, message, ctx.me.id);
    const question = toQuestion(ctx.update.update_id, message, text);
    if (question === undefined || question.text.trim() === '') return next();
    if (message.forward_origin !== undefined) question.forwarded = true;
    const picture =
      message.reply_to_message?.from?.id === ctx.me.id ? undefined : deps.pictures?.replied(message);
    if (picture !== undefined) {
      const refusal = await deps.pictures?.refusal(ctx, [picture]);
      if (refusal !== undefined) {
        await ctx.reply(refusal, {
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        });
        return;
      }
      question.attachments = [picture];
    }
    await deps.submit(question, ctx);
  });
  return feature;
}

function stripMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, 'gi'), '').trim();
}

/**
 * A reply to someone else's message ("@bot what do you make of this?") carries that message, or the
 * part the user quoted, so the model sees what the question is about. Replies to the bot's own
 * messages continue the stored conversation instead.
 */
function withQuote(text: string, message: Message, botId: number): string {
  const replied = message.reply_to_message;
  if (!replied || replied.from?.id === botId || replied.from?.id === message.from?.id) return text;
  if (replied.forum_topic_created !== undefined) return text; // every topic message "replies" to the topic's start
  const quoted = message.quote?.text ?? replied.text ?? replied.caption;
  if (quoted === undefined || quoted.trim() === '') return text;
  const author = replied.from?.first_name ?? replied.sender_chat?.title ?? 'someone';
  return `${author} wrote:\n"""\n${quoted}\n"""\n\n${text}`.trim();
}
