import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { COMMANDS } from './command-list.js';
import { effectiveModel, ensureChat, type FeatureDeps } from './feature-deps.js';
import { type FormattedText, formattedText } from './formatted-text.js';
import { formatTokens } from './usage-table.js';

const PROMPT_PREVIEW = 300;

/** /start: a short welcome with this chat's settings; /help: the commands and how the bot behaves. */
export function createStartHelpFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();

  feature.command('start', async (ctx) => {
    const chat = await ensureChat(deps.storage, ctx.chat);
    const name = ctx.from?.first_name;
    const text = formattedText()
      .plain(`👋 Hi${name ? ` ${name}` : ''}! I answer with a large language model and show the answer `)
      .plain('while it is being written.\n\n')
      .plain('Model: ')
      .bold(effectiveModel(deps.config, chat).id)
      .plain('\nSystem prompt: ');
    const prompt = chat.systemPrompt;
    if (prompt === null) text.plain('the default');
    else text.italic(prompt.length > PROMPT_PREVIEW ? `${prompt.slice(0, PROMPT_PREVIEW)}…` : prompt);
    text.plain(`\nReasoning: ${chat.showReasoning ? 'shown' : 'hidden'}\n\n`);
    text.plain('Just send a message to ask. Commands:\n');
    commandLines(text, ctx, deps);
    await ctx.reply(text.text, { entities: text.entities });
  });

  feature.command('help', async (ctx) => {
    const username = ctx.me.username;
    const text = formattedText().bold('Commands').plain('\n');
    commandLines(text, ctx, deps);
    text
      .plain('\n\n')
      .bold('How I work')
      .plain('\n• One answer at a time per chat: ')
      .plain(
        deps.config.busyPolicy === 'replace'
          ? 'a new message stops your answer still being written and is answered instead.'
          : 'a message sent while I am answering waits its turn.',
      )
      .plain('\n• Reply to one of my older answers to continue the conversation from there.')
      .plain('\n• A long text that Telegram splits into several messages is read as one.')
      .plain(
        deps.config.media.transcription
          ? '\n• Send photos, albums, GIFs, text files, PDFs or voice messages: the caption (or what you say) is the question.'
          : '\n• Send photos, albums, GIFs, text files or PDFs: the caption is the question. Voice messages are not turned on here.',
      )
      .plain('\n\n')
      .bold('In groups')
      .plain(`\nI answer when you mention @${username}, reply to one of my messages, or send a command. `)
      .plain('The conversation belongs to the group; the tokens count for whoever asked.');
    const limits = ctx.from && !deps.isAdmin(ctx.from) ? deps.budget.limitsFor(ctx.from) : undefined;
    if (limits && (limits.daily !== null || limits.monthly !== null)) {
      const parts = [
        ...(limits.daily === null ? [] : [`${formatTokens(limits.daily)} a day`]),
        ...(limits.monthly === null ? [] : [`${formatTokens(limits.monthly)} a month`]),
      ];
      text.plain(`\n\nYour token limit: ${parts.join(' and ')} (see /usage).`);
    }
    await ctx.reply(text.text, { entities: text.entities });
  });

  return feature;
}

function commandLines(text: FormattedText, ctx: BotContext, deps: FeatureDeps): void {
  const admin = ctx.from !== undefined && deps.isAdmin(ctx.from);
  const lines = COMMANDS.filter((info) => info.command !== 'start')
    .filter((info) => admin || !(info.scopes.length === 1 && info.scopes[0] === 'admin'))
    .map((info) => `/${info.command} — ${info.description}`);
  text.plain(lines.join('\n'));
}
