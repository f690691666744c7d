/**
 * Provider sessions as the functions and the CLI run them: every call written to `api_usage`,
 * reserved against the monthly budgets of `public.settings`, and paced by the rate slots that
 * every invocation shares.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Queryable } from "../db/postgres.ts";
import { sqlBudgetLedger, sqlRatePacer } from "./budget.ts";
import { sqlUsageLedger } from "./ledger.ts";
import { createProviderSessions, type ProviderSessions } from "./mod.ts";

/** Sessions for one invocation, backed by the database `sql`. */
export function databaseBackedSessions(config: Config, sql: Queryable): ProviderSessions {
  return createProviderSessions(config, {
    ledger: sqlUsageLedger(sql),
    budget: sqlBudgetLedger(sql),
    pacer: sqlRatePacer(sql),
  });
}
