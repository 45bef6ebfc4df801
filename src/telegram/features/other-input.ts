import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { mentionsBot, repliesToBot } from '../addressed.js';
import type { BotContext } from '../context.js';

/** What the bot says to each kind of message it cannot read. */
const NOT_READ: [keyof Message, string][] = [
  // Photos, documents and animations are questions (features/media.ts); these answer only what it could not take.
  ['photo', '📷 I couldn’t take that picture. Please send it again.'],
  ['voice', '🎤 I can’t listen to voice messages yet: please type your question.'],
  ['audio', '🎵 I can’t listen to audio: please type your question.'],
  ['video_note', '🎥 I can’t watch video messages: please type your question.'],
  ['video', '🎬 I can’t watch videos: tell me in words what you need.'],
  ['sticker', '🙂 Nice sticker! I read text only, so type what you would like to ask.'],
  ['document', '📄 I couldn’t take that file. Please send it again.'],
];
const OTHER_MEDIA: (keyof Message)[] = ['location', 'venue', 'contact', 'poll', 'dice', 'story'];
const FALLBACK = 'I read text messages only: please type your question.';

/**
 * The messages no other feature took: media gets a short friendly answer (in groups only when it is
 * addressed to the bot), an unknown command gets a pointer to /help, edits are ignored.
 */
export function createOtherInputFeature() {
  const feature = new Composer<BotContext>();

  feature.on('message', async (ctx) => {
    const message = ctx.message;
    const isPrivate = ctx.chat.type === 'private';
    if (message.text !== undefined) {
      const command = unknownCommand(message, ctx.me.username, isPrivate);
      if (command) await ctx.reply(`I don’t know /${command}. /help lists what I can do.`);
      return;
    }
    const reply =
      NOT_READ.find(([kind]) => message[kind] !== undefined)?.[1] ??
      (OTHER_MEDIA.some((kind) => message[kind] !== undefined) ? FALLBACK : undefined);
    // Service messages (members joining, pins, topic changes) get no answer.
    if (reply === undefined) return;
    if (!isPrivate && !repliesToBot(ctx) && !mentionsBot(ctx)) return;
    await ctx.reply(reply, {
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
    });
  });

  feature.on('edited_message', (ctx) => {
    // Answering again for every typo fixed would cost tokens and clutter the chat.
    ctx.log.debug('edited message ignored');
  });

  return feature;
}

/** A command none of ours matched: in groups only when addressed to this bot by name. */
function unknownCommand(message: Message, username: string, isPrivate: boolean): string | undefined {
  const entity = message.entities?.[0];
  if (entity?.type !== 'bot_command' || entity.offset !== 0) return undefined;
  const [name, target] = (message.text ?? '').slice(1, entity.length).split('@');
  if (target !== undefined && target.toLowerCase() !== username.toLowerCase()) return undefined;
  if (!isPrivate && target === undefined) return undefined;
  return name;
}
