import { Composer } from 'grammy';
import { estimateCost } from '../../conversation/estimate-cost.js';
import type { AllUsersTotals, UserTotals } from '../../storage/usage.js';
import type { BotContext } from '../context.js';
import type { FeatureDeps } from './feature-deps.js';
import { formattedText } from './formatted-text.js';
import { formatCost, formatTokens, layout, renderUsageTable } from './usage-table.js';

const TOP_USERS = 10;

/** /stats, for ADMIN_USERS only: everyone's totals, the top users and the split by model. */
export function createStatsFeature(deps: FeatureDeps) {
  const feature = new Composer<BotContext>();
  feature.command('stats', async (ctx) => {
    if (!ctx.from || !deps.isAdmin(ctx.from)) {
      await ctx.reply('/stats is for the bot’s admins (ADMIN_USERS).');
      return;
    }
    const now = deps.now();
    const usage = deps.storage.usage;
    const periods = [];
    for (const period of [
      { title: 'Today', since: deps.calendar.startOfDay(now) },
      { title: 'This month', since: deps.calendar.startOfMonth(now) },
      { title: 'All time', since: undefined },
    ]) {
      periods.push({ ...period, totals: await usage.allUsersTotals(period.since) });
    }
    const top = await usage.topUsers(periods[1]?.since, TOP_USERS);

    const overview = layout([
      ['', 'users', 'requests', 'tokens', 'cost'],
      ...periods.map(({ title, totals }) => [
        title,
        formatTokens(totals.activeUsers),
        formatTokens(totals.requests),
        formatTokens(totals.tokens),
        periodCost(deps, totals),
      ]),
    ]);
    const models = renderUsageTable(
      periods.map(({ title, totals }) => ({ title, byModel: totals.byModel })),
      deps.config.prices,
    );
    const text = formattedText()
      .bold('Bot usage')
      .plain('\n')
      .pre(overview)
      .plain('\n')
      .bold('Top users this month')
      .plain('\n')
      .pre(topUsers(top))
      .plain('\n')
      .bold('By model')
      .plain('\n')
      .pre(models.table)
      .plain(`\nDays and months begin at 00:00 ${deps.calendar.timeZone}.`);
    if (models.unreported > 0) {
      text.plain(`\n${models.unreported} request(s) got no usage report; their tokens are not counted.`);
    }
    await ctx.reply(text.text, { entities: text.entities });
  });
  return feature;
}

/** The estimated cost of the priced models; marked `+` when some tokens went to unpriced ones. */
function periodCost(deps: FeatureDeps, totals: AllUsersTotals): string {
  let sum = 0;
  let priced = 0;
  for (const model of totals.byModel) {
    const price = deps.config.prices.get(`${model.provider}:${model.model}`);
    const cost = price ? estimateCost(model, price) : undefined;
    if (cost !== undefined) {
      sum += cost;
      priced += 1;
    }
  }
  if (priced === 0) return '—';
  return priced < totals.byModel.length ? `${formatCost(sum)}+` : formatCost(sum);
}

function topUsers(users: UserTotals[]): string {
  if (users.length === 0) return 'nobody yet';
  return layout(
    users.map((user, index) => [
      `${index + 1}. ${user.username ? `@${user.username}` : (user.firstName ?? 'user')} (${user.userId})`,
      formatTokens(user.tokens),
      `${formatTokens(user.requests)} req`,
    ]),
    40,
  );
}
