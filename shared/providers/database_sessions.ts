/**
 * Provider sessions as the functions and the CLI run them: every call written to `api_usage`,
 * reserved against the monthly budgets of `public.settings`, paced by the rate slots that every
 * invocation shares, and paged as the provider-paging columns of `public.settings` say.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Queryable } from "../db/postgres.ts";
import { sqlBudgetLedger, sqlRatePacer } from "./budget.ts";
import { sqlUsageLedger } from "./ledger.ts";
import { createProviderSessions, type ProviderSessions } from "./mod.ts";
import { readPagingSettings } from "./paging_settings.ts";

/** Sessions for one invocation, backed by the database `sql`; reads the paging settings once. */
export async function databaseBackedSessions(
  config: Config,
  sql: Queryable,
): Promise<ProviderSessions> {
  return createProviderSessions(config, {
    ledger: sqlUsageLedger(sql),
    budget: sqlBudgetLedger(sql),
    pacer: sqlRatePacer(sql),
    paging: await readPagingSettings(sql),
  });
}
