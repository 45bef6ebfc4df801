import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { Question } from '../../conversation/answer-question.js';
import type { Attachment } from '../../media/attachment.js';
import { classifyDocument } from '../../media/classify-document.js';
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES } from '../../media/download-telegram-file.js';
import { pickPhotoSize } from '../../media/pick-photo-size.js';
import { mentionsBot, repliesToBot } from '../addressed.js';
import type { BotContext } from '../context.js';
import { toQuestion } from '../to-question.js';
import { effectiveModel, ensureChat, type FeatureDeps } from './feature-deps.js';

export interface MediaFeatureDeps extends Pick<FeatureDeps, 'storage'> {
  config: FeatureDeps['config'];
  submit(question: Question, ctx: BotContext): Promise<void>;
  continueText(question: Question): boolean;
}

/**
 * Photos and files become questions, addressed like text (private chats; in groups a caption that
 * mentions the bot or a reply to it). Everything that can be refused without fetching a byte is
 * refused here: a model that cannot see, a file type we cannot read, a file over the size limit.
 */
export function createMediaFeature(deps: MediaFeatureDeps) {
  const { config } = deps;
  const feature = new Composer<BotContext>();

  feature.on(
    ['message:photo', 'message:document', 'message:voice', 'message:audio', 'message:video_note'],
    async (ctx, next) => {
      const message = ctx.message;
      const found = attachmentOf(message, config.media.maxFileBytes);
      if (found === undefined) return next();
      const isPrivate = ctx.chat.type === 'private';
      const caption = message.caption ?? '';
      const text = isPrivate
        ? caption
        : caption.replace(new RegExp(`@${ctx.me.username}\\b`, 'gi'), '').trim();
      const question = toQuestion(ctx.update.update_id, message, text);
      if (question === undefined) return next();
      if ('attachment' in found) {
        question.attachments = [found.attachment];
        if (message.media_group_id !== undefined) question.mediaGroupId = message.media_group_id;
      }
      if (!isPrivate && !mentionsBot(ctx) && !repliesToBot(ctx)) {
        // The rest of an album whose first picture was addressed to the bot.
        if (question.mediaGroupId !== undefined && deps.continueText(question)) return;
        return next();
      }
      const reply = (answer: string) =>
        ctx.reply(answer, {
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        });
      if ('refusal' in found) return void (await reply(found.refusal));
      if (found.attachment.kind === 'audio' && !config.media.transcription)
        return void (await reply(NO_TRANSCRIPTION));
      if (found.attachment.kind === 'image' || isImageDocument(found.attachment)) {
        const model = effectiveModel(config, await ensureChat(deps.storage, ctx.chat));
        if (config.media.textOnlyModels.has(model.id)) return void (await reply(cannotSee(model.id, config)));
      }
      await deps.submit(question, ctx);
    },
  );
  return feature;
}

type Found = { attachment: Attachment } | { refusal: string };

const NO_TRANSCRIPTION =
  '🎤 I can’t listen to voice messages here yet: please type your question. (The bot owner can turn this on by setting TRANSCRIPTION_MODEL, e.g. openai:gpt-4o-mini-transcribe.)';

function attachmentOf(message: Message, maxFileBytes: number): Found | undefined {
  const limit = Math.min(maxFileBytes, TELEGRAM_DOWNLOAD_LIMIT_BYTES);
  if (message.photo !== undefined) {
    const size = pickPhotoSize(message.photo, limit);
    return size === undefined ? undefined : { attachment: { kind: 'image', fileId: size.file_id } };
  }
  const audio = audioOf(message);
  if (audio !== undefined) {
    if ((audio.file_size ?? 0) > limit) return { refusal: tooLarge(limit) };
    return { attachment: { kind: 'audio', fileId: audio.file_id, fileName: audio.fileName } };
  }
  const document = message.document;
  if (document === undefined) return undefined;
  const fileName = document.file_name ?? 'file';
  const kind = classifyDocument(fileName, document.mime_type);
  if (kind.kind === 'refused') return { refusal: kind.reason };
  if ((document.file_size ?? 0) > limit) {
    const mb = Math.round(limit / 1024 / 1024);
    return {
      refusal: `📦 That file is over ${mb} MB, more than I can fetch. Send a smaller one, or paste the part that matters.`,
    };
  }
  if ((document.file_size ?? 1) === 0)
    return { refusal: '📭 That file is empty. Send it again with something in it.' };
  return { attachment: { kind: 'document', fileId: document.file_id, fileName } };
}

function tooLarge(limit: number): string {
  const mb = Math.round(limit / 1024 / 1024);
  return `📦 That file is over ${mb} MB, more than I can fetch. Send a smaller one, or paste the part that matters.`;
}

/** Voice notes are Ogg Opus and video notes MP4; the name's extension tells the endpoint the format. */
function audioOf(message: Message): { file_id: string; file_size?: number; fileName: string } | undefined {
  if (message.voice) return { ...message.voice, fileName: 'voice.ogg' };
  if (message.video_note) return { ...message.video_note, fileName: 'video-note.mp4' };
  if (message.audio) return { ...message.audio, fileName: message.audio.file_name ?? 'audio.mp3' };
  return undefined;
}

/** The answer for pictures sent while the chat's model cannot see; undefined when it can. */
export async function pictureRefusal(
  deps: Pick<MediaFeatureDeps, 'config' | 'storage'>,
  ctx: BotContext,
  attachments: readonly Attachment[],
): Promise<string | undefined> {
  const pictures = attachments.filter((a) => a.kind === 'image' || isImageDocument(a));
  if (pictures.length === 0 || ctx.chat === undefined) return undefined;
  const model = effectiveModel(deps.config, await ensureChat(deps.storage, ctx.chat));
  return deps.config.media.textOnlyModels.has(model.id) ? cannotSee(model.id, deps.config) : undefined;
}

/** The picture of the message replied to ("@bot what is this?" under someone's photo), if any. */
export function repliedPicture(message: Message, maxFileBytes: number): Attachment | undefined {
  const replied = message.reply_to_message;
  if (replied === undefined || (replied.photo === undefined && replied.document === undefined))
    return undefined;
  const found = attachmentOf(replied, maxFileBytes);
  if (found === undefined || !('attachment' in found)) return undefined;
  const attachment = found.attachment;
  return attachment.kind === 'image' || isImageDocument(attachment) ? attachment : undefined;
}

function isImageDocument(attachment: Attachment): boolean {
  return attachment.kind === 'document' && classifyDocument(attachment.fileName, undefined).kind === 'image';
}

function cannotSee(modelId: string, config: FeatureDeps['config']): string {
  const seeing = config.models.filter((model) => !config.media.textOnlyModels.has(model.id));
  return seeing.length === 0
    ? `🙈 ${modelId} reads text only, and none of my models can see pictures. Describe the picture in words.`
    : `🙈 ${modelId} reads text only. Models that can see pictures: ${seeing.map((model) => model.id).join(', ')}. Switch with /model, then send the picture again.`;
}
