/**
 * The monthly credit budgets of `public.settings`: every call reserves its credits (and, for
 * Active Jobs DB, a page of job credits) before it is made, and gives back what it did not spend.
 * The reservation is one atomic SQL update, so parallel invocations cannot overspend together.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { isolated } from "../db/postgres.ts";
import type { Provider } from "../vocabulary.ts";

/** Where budgets are kept. */
export interface BudgetLedger {
  /**
   * Reserves a call's credits and jobs: the month (YYYY-MM-DD) they count in, or null when the
   * month's budget has no room for them.
   */
  reserve(provider: Provider, credits: number, jobs: number): Promise<string | null>;
  /** Gives back credits and jobs a call reserved in `month` and did not spend. */
  release(provider: Provider, month: string, credits: number, jobs: number): Promise<void>;
}

/** The budgets in `public.settings`, reserved in `public.provider_budget_usage`. */
export function sqlBudgetLedger(sql: Queryable): BudgetLedger {
  return {
    async reserve(provider, credits, jobs) {
      const [{ month }] = await isolated(
        sql,
        (q) =>
          q`select public.reserve_provider_budget(${provider}, ${credits}::integer,
                                                 ${jobs}::integer)::text as month`,
      );
      return month;
    },
    async release(provider, month, credits, jobs) {
      if (credits <= 0 && jobs <= 0) return;
      await isolated(
        sql,
        (q) =>
          q`select public.release_provider_budget(${provider}, ${month}::date, ${credits}::integer,
                                                 ${jobs}::integer)`,
      );
    },
  };
}

/** Budgets in memory (tests): credits and jobs per provider; absent = unlimited. */
export function memoryBudgetLedger(
  limits: Partial<Record<Provider, { credits?: number; jobs?: number }>>,
): BudgetLedger & { used: Record<Provider, { credits: number; jobs: number }> } {
  const used = {
    jsearch: { credits: 0, jobs: 0 },
    active_jobs_db: { credits: 0, jobs: 0 },
  };
  return {
    used,
    reserve(provider, credits, jobs) {
      const limit = limits[provider] ?? {};
      const next = { credits: used[provider].credits + credits, jobs: used[provider].jobs + jobs };
      if (next.credits > (limit.credits ?? Infinity) || next.jobs > (limit.jobs ?? Infinity)) {
        return Promise.resolve(null);
      }
      used[provider] = next;
      return Promise.resolve("memory");
    },
    release(provider, _month, credits, jobs) {
      used[provider].credits = Math.max(0, used[provider].credits - credits);
      used[provider].jobs = Math.max(0, used[provider].jobs - jobs);
      return Promise.resolve();
    },
  };
}

/**
 * The providers' rate limits shared by every invocation (`public.take_provider_slot`): how long
 * to wait for the next call slot, in ms.
 */
export function sqlRatePacer(
  sql: Queryable,
): (provider: Provider, intervalMs: number) => Promise<number> {
  return async (provider, intervalMs) => {
    const [{ wait }] = await isolated(
      sql,
      (q) => q`select public.take_provider_slot(${provider}, ${intervalMs}::float8) as wait`,
    );
    return Number(wait);
  };
}
