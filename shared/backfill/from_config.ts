/**
 * The backfill's settings and provider sessions from the environment, for the Edge Function and
 * the CLI alike.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Queryable } from "../db/postgres.ts";
import { databaseBackedSessions } from "../providers/database_sessions.ts";
import type { BackfillDeps } from "./run.ts";

/** Builds {@link BackfillDeps}; provider calls are written to `api_usage` through `sql`. */
export function backfillDepsFromConfig(
  config: Config,
  sql: Queryable,
  options: { chain: boolean; log?: (line: string) => void },
): BackfillDeps {
  return {
    sql,
    sessions: () => databaseBackedSessions(config, sql),
    maxCombinations: config.BACKFILL_MAX_COMBINATIONS,
    timeBudgetMs: config.BACKFILL_TIME_BUDGET_MS,
    deadlineMs: config.FUNCTION_DEADLINE_MS,
    chain: options.chain,
    log: options.log ?? ((line) => console.log(line)),
  };
}
