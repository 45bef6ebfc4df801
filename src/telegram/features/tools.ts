import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { ChatRecord } from '../../storage/chats.js';
import type { Storage } from '../../storage/storage.js';
import { type Tool, type ToolSource, type ToolSourceInfo, toolsFor } from '../../tools/types.js';
import type { BotContext } from '../context.js';
import { ensureChat } from './feature-deps.js';

const SOURCE_CALLBACK = 'tools:src:';
const RECORD_CALLBACK = 'tools:record';
const SHOW = new Set(['show', 'on', 'yes']);
const HIDE = new Set(['hide', 'off', 'no']);

type User = { id: number; username?: string | undefined };

export interface ToolsFeatureDeps {
  tools: ToolSource;
  maxSteps: number;
  storage: Storage;
}

/**
 * /tools: the tools the model may call in this chat, by source, with buttons that switch a source
 * (the built-ins, an MCP server) off or on for this chat and show or hide the record of calls above
 * answers. `/tools show|hide` sets the record too. A server's `allowUsers` still decides per user:
 * users outside it neither see nor switch it.
 */
export function createToolsFeature(deps: ToolsFeatureDeps) {
  const { storage } = deps;
  const feature = new Composer<BotContext>();

  feature.command('tools', async (ctx) => {
    const chat = await ensureChat(storage, ctx.chat);
    const choice = ctx.match.trim().toLowerCase();
    if (SHOW.has(choice) || HIDE.has(choice)) {
      const show = SHOW.has(choice);
      await storage.chats.setShowToolCalls(chat.id, show);
      await ctx.reply(
        show
          ? 'Tool calls shown: answers open with a collapsed list of the tools they called.'
          : 'Tool calls hidden: answers show only their text.',
      );
      return;
    }
    const sources = sourcesFor(deps.tools, ctx.from);
    if (sources.length === 0 || deps.maxSteps === 0) {
      await ctx.reply('No tools are enabled: answers are written from the model alone.');
      return;
    }
    const view = toolsView(deps, chat, ctx.from);
    await ctx.reply(view.text, { reply_markup: view.keyboard });
  });

  feature.callbackQuery(/^tools:/, async (ctx) => {
    const message = ctx.callbackQuery.message;
    const data = ctx.callbackQuery.data;
    if (!message) {
      await ctx.answerCallbackQuery({ text: 'Send /tools to see the tools.' });
      return;
    }
    const chat = await ensureChat(storage, message.chat);
    let answer: string;
    if (data === RECORD_CALLBACK) {
      const show = !chat.showToolCalls;
      await storage.chats.setShowToolCalls(chat.id, show);
      answer = show ? 'Tool calls shown above answers.' : 'Tool calls hidden.';
    } else {
      const name = data.startsWith(SOURCE_CALLBACK) ? data.slice(SOURCE_CALLBACK.length) : '';
      // A forged button, a server no longer configured, or one this user may not use.
      if (!sourcesFor(deps.tools, ctx.from).some((source) => source.name === name)) {
        await ctx.answerCallbackQuery({ text: 'That tool source is not available. Send /tools again.' });
        return;
      }
      const enable = chat.disabledToolSources.includes(name);
      await storage.chats.setToolSourceEnabled(chat.id, name, enable);
      ctx.log.info({ source: name, enabled: enable }, 'tool source switched');
      answer = `${sourceLabel(name)}: ${enable ? 'on' : 'off'} in this chat.`;
    }
    await ctx.answerCallbackQuery({ text: answer });
    const view = toolsView(deps, (await storage.chats.get(chat.id)) ?? chat, ctx.from);
    try {
      await ctx.editMessageText(view.text, { reply_markup: view.keyboard });
    } catch (error) {
      // The switch is stored; a message too old to edit only shows the old marks.
      ctx.log.warn({ err: error }, 'could not update the tools keyboard');
    }
  });

  return feature;
}

/** The sources this user may see: the configured ones, else those the current tools name. */
function sourcesFor(tools: ToolSource, user: User | undefined): ToolSourceInfo[] {
  const listed: readonly ToolSourceInfo[] =
    tools.sources?.() ?? [...new Set(tools.list().map((tool) => tool.source))].map((name) => ({ name }));
  return listed.filter((source) => !source.allowedFor || (user !== undefined && source.allowedFor(user)));
}

function toolsView(deps: ToolsFeatureDeps, chat: ChatRecord, user: User | undefined) {
  const sources = sourcesFor(deps.tools, user);
  const available = toolsFor(deps.tools.list(), user);
  const sections = sources.map((source) => {
    const tools = available.filter((tool) => tool.source === source.name);
    const off = chat.disabledToolSources.includes(source.name) ? ' (off in this chat)' : '';
    if (tools.length === 0) return `${sourceLabel(source.name)}${off}: not connected right now.`;
    return `${sourceLabel(source.name)}${off}:\n${tools.map(describeTool).join('\n')}`;
  });
  const record = chat.showToolCalls
    ? 'Answers open with a collapsed list of the tools they called.'
    : 'Answers do not show the tools they called.';
  const text =
    `🔧 The model may call these tools while it answers (up to ${deps.maxSteps} rounds per answer):\n\n` +
    `${sections.join('\n\n')}\n\n${record} The buttons switch a source or the list off or on for this chat.`;
  const rows: InlineKeyboardButton[][] = sources.map((source) => [
    {
      text: `${chat.disabledToolSources.includes(source.name) ? '⛔' : '✅'} ${sourceLabel(source.name)}`,
      callback_data: `${SOURCE_CALLBACK}${source.name}`,
    },
  ]);
  rows.push([
    { text: `${chat.showToolCalls ? '✅' : '⛔'} List the calls in answers`, callback_data: RECORD_CALLBACK },
  ]);
  return { text, keyboard: { inline_keyboard: rows } };
}

function describeTool(tool: Tool): string {
  return `• ${tool.definition.name} — ${tool.definition.description}`;
}

function sourceLabel(name: string): string {
  return name === 'builtin' ? 'Built in' : name;
}
