/**
 * The daily refresh's settings and provider sessions from the environment, for the Edge Function
 * and the CLI alike. Every call is written to `api_usage` and reserved against the monthly
 * budgets of `public.settings`.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Queryable } from "../db/postgres.ts";
import { databaseBackedSessions } from "../providers/database_sessions.ts";
import type { RefreshDeps } from "./run.ts";

/** Builds {@link RefreshDeps}. */
export function refreshDepsFromConfig(
  config: Config,
  sql: Queryable,
  options: { log?: (line: string) => void; chain?: boolean } = {},
): RefreshDeps {
  return {
    sql,
    sessions: () => databaseBackedSessions(config, sql),
    maxItems: config.REFRESH_MAX_ITEMS,
    concurrency: config.REFRESH_CONCURRENCY,
    timeBudgetMs: config.REFRESH_TIME_BUDGET_MS,
    deadlineMs: config.FUNCTION_DEADLINE_MS,
    chain: options.chain ?? false,
    log: options.log ?? ((line) => console.log(line)),
  };
}
