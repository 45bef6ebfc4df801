import type { Usage } from '../providers/types.js';
import { storageCall } from './errors.js';
import type { SqlExecutor } from './sql.js';

export interface UsageEntry {
  userId: number;
  chatId: number;
  messageId?: number | null;
  /** The provider name from `MODELS`, e.g. `openai`. */
  provider: string;
  /** The provider's own model id, e.g. `gpt-5` (without the `provider:` prefix). */
  model: string;
  /**
   * As the provider reported it. `undefined` (no report) still records the request, with every
   * token count NULL: it counts as a request, never as 0 tokens.
   */
  usage: Usage | undefined;
  at?: number;
}

/**
 * Token sums over a group of requests. A sum is null when no request of the group reported that
 * count (shown as "unknown", never 0); requests without any usage report are counted apart.
 */
export interface TokenTotals {
  requests: number;
  /** Requests whose provider sent no usage report; their tokens are in no sum. */
  unreportedRequests: number;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
}

export interface ModelTotals extends TokenTotals {
  provider: string;
  model: string;
}

export interface PeriodTotals {
  /** Input + output tokens of the requests that reported usage; 0 when none did. */
  tokens: number;
  requests: number;
  unreportedRequests: number;
}

export interface AllUsersTotals extends PeriodTotals {
  /** Users with at least one request in the period. */
  activeUsers: number;
  byModel: ModelTotals[];
}

export interface UserTotals extends PeriodTotals {
  userId: number;
  username: string | null;
  firstName: string | null;
}

export interface UsageRepository {
  /** Records one model request; returns the row id. */
  record(entry: UsageEntry): Promise<number>;
  /** The user's totals per provider and model since `sinceMs` (all time when omitted), most tokens first. */
  totalsByModel(userId: number, sinceMs?: number): Promise<ModelTotals[]>;
  /** The user's input + output tokens since `sinceMs`, for budgets. */
  totalsForPeriod(userId: number, sinceMs: number): Promise<PeriodTotals>;
  /** Everyone's totals since `sinceMs` (all time when omitted), for an admin's /stats. */
  allUsersTotals(sinceMs?: number): Promise<AllUsersTotals>;
  /** The users who spent the most tokens since `sinceMs` (all time when omitted). */
  topUsers(sinceMs?: number, limit?: number): Promise<UserTotals[]>;
}

interface ModelTotalsRow {
  provider: string;
  model: string;
  requests: number;
  unreported_requests: number;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  cache_write_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
}

interface PeriodRow {
  tokens: number;
  requests: number;
  unreported_requests: number;
}

// SUM() of only NULLs is NULL: exactly "nobody reported it".
const tokenSums = `count(*) AS requests,
  count(*) - count(input_tokens) AS unreported_requests,
  sum(input_tokens) AS input_tokens,
  sum(cached_input_tokens) AS cached_input_tokens,
  sum(cache_write_tokens) AS cache_write_tokens,
  sum(output_tokens) AS output_tokens,
  sum(reasoning_tokens) AS reasoning_tokens`;

const periodSums = `coalesce(sum(input_tokens + output_tokens), 0) AS tokens,
  count(*) AS requests,
  count(*) - count(input_tokens) AS unreported_requests`;

// Without a bound, "since" is the beginning of time.
const allTime = 0;

export function createUsageRepository(
  sql: SqlExecutor,
  options: { now?: () => number } = {},
): UsageRepository {
  const now = options.now ?? Date.now;
  const insert = `INSERT INTO usage (user_id, chat_id, message_id, provider, model, input_tokens, cached_input_tokens,
       cache_write_tokens, output_tokens, reasoning_tokens, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`;
  const byModel = `SELECT provider, model, ${tokenSums} FROM usage WHERE user_id = $1 AND created_at >= $2
     GROUP BY provider, model
     ORDER BY coalesce(sum(input_tokens + output_tokens), 0) DESC, requests DESC, provider, model`;
  const period = `SELECT ${periodSums} FROM usage WHERE user_id = $1 AND created_at >= $2`;
  const everyone = `SELECT ${periodSums}, count(DISTINCT user_id) AS active_users FROM usage WHERE created_at >= $1`;
  const everyoneByModel = `SELECT provider, model, ${tokenSums} FROM usage WHERE created_at >= $1
     GROUP BY provider, model
     ORDER BY coalesce(sum(input_tokens + output_tokens), 0) DESC, requests DESC, provider, model`;
  const top = `SELECT u.user_id, users.username, users.first_name, u.tokens, u.requests, u.unreported_requests
     FROM (SELECT user_id, ${periodSums} FROM usage WHERE created_at >= $1 GROUP BY user_id) AS u
     JOIN users ON users.id = u.user_id
     ORDER BY u.tokens DESC, u.requests DESC, u.user_id
     LIMIT $2`;

  return {
    record(entry) {
      const usage = entry.usage;
      return storageCall('usage.record', async () => {
        const row = await sql.get<{ id: number }>(insert, [
          entry.userId,
          entry.chatId,
          entry.messageId ?? null,
          entry.provider,
          entry.model,
          usage ? usage.inputTokens : null,
          usage?.cachedInputTokens ?? null,
          usage?.cacheWriteTokens ?? null,
          usage ? usage.outputTokens : null,
          usage?.reasoningTokens ?? null,
          entry.at ?? now(),
        ]);
        return Number(row!.id);
      });
    },
    totalsByModel(userId, sinceMs = allTime) {
      return storageCall('usage.totalsByModel', async () =>
        (await sql.all<ModelTotalsRow>(byModel, [userId, sinceMs])).map(toModelTotals),
      );
    },
    totalsForPeriod(userId, sinceMs) {
      return storageCall('usage.totalsForPeriod', async () =>
        toPeriodTotals((await sql.get<PeriodRow>(period, [userId, sinceMs]))!),
      );
    },
    allUsersTotals(sinceMs = allTime) {
      return storageCall('usage.allUsersTotals', async () => {
        const row = (await sql.get<PeriodRow & { active_users: number }>(everyone, [sinceMs]))!;
        return {
          ...toPeriodTotals(row),
          activeUsers: row.active_users,
          byModel: (await sql.all<ModelTotalsRow>(everyoneByModel, [sinceMs])).map(toModelTotals),
        };
      });
    },
    topUsers(sinceMs = allTime, limit = 10) {
      return storageCall('usage.topUsers', async () =>
        (
          await sql.all<PeriodRow & { user_id: number; username: string | null; first_name: string | null }>(
            top,
            [sinceMs, limit],
          )
        ).map((row) => ({
          userId: row.user_id,
          username: row.username,
          firstName: row.first_name,
          ...toPeriodTotals(row),
        })),
      );
    },
  };
}

function toModelTotals(row: ModelTotalsRow): ModelTotals {
  return {
    provider: row.provider,
    model: row.model,
    requests: row.requests,
    unreportedRequests: row.unreported_requests,
    inputTokens: row.input_tokens,
    cachedInputTokens: row.cached_input_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
  };
}

function toPeriodTotals(row: PeriodRow): PeriodTotals {
  return { tokens: row.tokens, requests: row.requests, unreportedRequests: row.unreported_requests };
}
