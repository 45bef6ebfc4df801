import { Composer } from 'grammy';
import type { Animation, Message } from 'grammy/types';
import type { Question } from '../../conversation/answer-question.js';
import type { Attachment } from '../../media/attachment.js';
import { classifyDocument } from '../../media/classify-document.js';
import { TELEGRAM_DOWNLOAD_LIMIT_BYTES } from '../../media/download-telegram-file.js';
import { pickPhotoSize } from '../../media/pick-photo-size.js';
import { mentionsBot, repliesToBot } from '../addressed.js';
import type { BotContext } from '../context.js';
import { toQuestion } from '../to-question.js';
import { type AlbumParts, createAlbumParts, joinAlbum } from './album-parts.js';
import { effectiveModel, ensureChat, type FeatureDeps } from './feature-deps.js';

export interface MediaFeatureDeps extends Pick<FeatureDeps, 'storage'> {
  config: FeatureDeps['config'];
  submit(question: Question, ctx: BotContext): Promise<void>;
  continueText(question: Question): boolean;
  /** A question refused before it reached the intake (the durable inbox closes its album's updates). */
  refused(question: Question): void;
  /** Group album parts waiting for the part that addresses the bot (default: a new store). */
  albums?: AlbumParts;
}

/**
 * Photos and files become questions, addressed like text (private chats; in groups a caption that
 * mentions the bot or a reply to it). Everything that can be refused without fetching a byte is
 * refused here: a model that cannot see, a file type we cannot read, a file over the size limit.
 */
export function createMediaFeature(deps: MediaFeatureDeps) {
  const { config } = deps;
  const feature = new Composer<BotContext>();
  const albums = deps.albums ?? createAlbumParts();

  feature.on(
    [
      'message:photo',
      'message:document',
      'message:animation',
      'message:voice',
      'message:audio',
      'message:video_note',
    ],
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
        if (question.mediaGroupId === undefined) return next();
        // The rest of an album whose addressed part came first; else it waits for that part.
        // Its addressed part may still be on its way to the intake (a budget read): join it there.
        const onItsWay = albums.claimed(question);
        if (onItsWay) await onItsWay;
        if (!deps.continueText(question)) albums.hold(question);
        return;
      }
      const reply = (answer: string) =>
        ctx.reply(answer, {
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        });
      if ('refusal' in found) return void (await reply(found.refusal));
      if (found.attachment.kind === 'audio' && !config.media.transcription)
        return void (await reply(NO_TRANSCRIPTION));
      const asked = isPrivate ? question : joinAlbum(question, albums.take(question));
      const arrived = isPrivate ? () => {} : albums.claim(asked);
      try {
        const blind =
          (await pictureRefusal(deps, ctx, asked.attachments ?? [])) ??
          (await tooLargeForModel(deps, ctx, message));
        if (blind !== undefined) {
          deps.refused(asked);
          return void (await reply(blind));
        }
        await deps.submit(asked, ctx);
      } finally {
        arrived();
      }
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
  // Before `document`: Telegram sets both for an animation.
  if (message.animation !== undefined) return animationOf(message.animation, limit);
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

/**
 * Telegram turns a GIF into a silent MP4 "animation" with a JPEG thumbnail of its first frame: that
 * frame is the picture. A GIF kept as GIF is read as one (its first frame, see gifFirstFrame).
 */
function animationOf(animation: Animation, limit: number): Found {
  if (animation.mime_type === 'image/gif' && (animation.file_size ?? 0) <= limit) {
    const name = animation.file_name ?? 'animation';
    const fileName = name.toLowerCase().endsWith('.gif') ? name : `${name}.gif`;
    return { attachment: { kind: 'document', fileId: animation.file_id, fileName } };
  }
  if (animation.thumbnail !== undefined)
    return { attachment: { kind: 'image', fileId: animation.thumbnail.file_id } };
  return { refusal: '🎬 I can’t watch animations. Send a still picture (a screenshot) instead.' };
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

/** Anthropic's Messages API refuses a picture over 5 MB; OpenAI takes up to Telegram's own 20 MB. */
export const ANTHROPIC_IMAGE_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * A picture sent as a file keeps its full size (a photo is shrunk by Telegram): one too large for
 * the chat's model is refused here, with the way round, rather than by the provider.
 */
async function tooLargeForModel(
  deps: Pick<MediaFeatureDeps, 'config' | 'storage'>,
  ctx: BotContext,
  message: Message,
): Promise<string | undefined> {
  const document = message.document;
  if (document === undefined || (document.file_size ?? 0) <= ANTHROPIC_IMAGE_LIMIT_BYTES) return undefined;
  if (classifyDocument(document.file_name ?? '', document.mime_type).kind !== 'image') return undefined;
  const model = effectiveModel(deps.config, await ensureChat(deps.storage, ctx.chat as Message['chat']));
  const protocol = deps.config.providers.find((provider) => provider.name === model.provider)?.protocol;
  if (protocol !== 'anthropic') return undefined;
  return `🖼 That picture is over 5 MB, more than ${model.id} takes. Send it as a photo instead (Telegram makes it smaller), or a smaller file.`;
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
