import { Composer } from 'grammy';
import { type Tool, type ToolSource, toolsFor } from '../../tools/types.js';
import type { BotContext } from '../context.js';

/** /tools: the tools the model may call in this chat, by where they come from. */
export function createToolsFeature(deps: { tools: ToolSource; maxSteps: number }) {
  const feature = new Composer<BotContext>();
  feature.command('tools', async (ctx) => {
    const available = toolsFor(deps.tools.list(), ctx.from);
    if (available.length === 0 || deps.maxSteps === 0) {
      await ctx.reply('No tools are enabled: answers are written from the model alone.');
      return;
    }
    const bySource = new Map<string, Tool[]>();
    for (const tool of available) bySource.set(tool.source, [...(bySource.get(tool.source) ?? []), tool]);
    const sections = [...bySource].map(
      ([source, tools]) =>
        `${source === 'builtin' ? 'Built in' : source}:\n${tools
          .map((tool) => `• ${tool.definition.name} — ${tool.definition.description}`)
          .join('\n')}`,
    );
    await ctx.reply(
      `🔧 The model may call these tools while it answers (up to ${deps.maxSteps} rounds per answer):\n\n${sections.join('\n\n')}`,
    );
  });
  return feature;
}
