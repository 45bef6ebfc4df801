import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import type { FeatureDeps } from './feature-deps.js';
import { formattedText } from './formatted-text.js';
import { formatTokens, renderUsageTable } from './usage-table.js';

/** /usage: the asker's own token totals (all chats) for today, this month and all time, by model. */
export function createUsageFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.command('usage', async (ctx) => {
    const user = ctx.from;
    if (!user) return;
    const now = deps.now();
    const usage = deps.storage.usage;
    const allTime = await usage.totalsByModel(user.id);
    if (allTime.length === 0) {
      const notes = await limitNotes(deps, user);
      await ctx.reply(['No usage yet: ask me something first.', ...notes].join('\n'));
      return;
    }
    const today = await usage.totalsByModel(user.id, deps.calendar.startOfDay(now));
    const month = await usage.totalsByModel(user.id, deps.calendar.startOfMonth(now));
    const { table, unreported, costShown } = renderUsageTable(
      [
        { title: 'Today', byModel: today },
        { title: 'This month', byModel: month },
        { title: 'All time', byModel: allTime },
      ],
      deps.config.prices,
    );
    const text = formattedText().bold('Your token usage').plain('\n').pre(table);
    const notes = [
      `Days and months begin at 00:00 ${deps.calendar.timeZone}.`,
      ...(costShown ? ['Costs are estimates from the configured prices.'] : []),
      ...(unreported > 0
        ? [`${unreported} request(s) got no usage report from the provider; their tokens are not counted.`]
        : []),
      ...(await limitNotes(deps, user)),
    ];
    text.plain(`\n${notes.join('\n')}`);
    await ctx.reply(text.text, { entities: text.entities });
  });
  return feature;
}

async function limitNotes(deps: FeatureDeps, user: { id: number; username?: string }): Promise<string[]> {
  if (deps.isAdmin(user)) return [];
  const limits = deps.budget.limitsFor(user);
  const now = deps.now();
  const notes: string[] = [];
  if (limits.daily !== null) {
    const used = (await deps.storage.usage.totalsForPeriod(user.id, deps.calendar.startOfDay(now))).tokens;
    notes.push(`Daily limit: ${formatTokens(used)} of ${formatTokens(limits.daily)} tokens used.`);
  }
  if (limits.monthly !== null) {
    const used = (await deps.storage.usage.totalsForPeriod(user.id, deps.calendar.startOfMonth(now))).tokens;
    notes.push(`Monthly limit: ${formatTokens(used)} of ${formatTokens(limits.monthly)} tokens used.`);
  }
  return notes;
}
