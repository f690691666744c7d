/**
 * One attempt at backfilling one claimed combination: fetch the providers it still needs (JSearch
 * over the period, `date_posted=month` for a month; Active Jobs DB's 7-day endpoint, paged),
 * store what came back — deduplicated across providers and linked to the combination — and say
 * which providers are done. Jobs from a provider that failed half-way are stored too; the
 * combination is then retried for that provider only.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { PROVIDERS } from "../jobs/canonical_job.ts";
import { emptyStoreStats, storeJobs, type StoreStats } from "../jobs/store.ts";
import { fetchFrom, type ProviderSessions } from "../providers/mod.ts";
import type { ProviderFetch } from "../providers/types.ts";
import type { BackfillRequest, ClaimedCombination, CombinationResult } from "./claims.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one attempt did, for the run's stats. */
export interface CombinationReport {
  result: CombinationResult;
  fetches: ProviderFetch[];
  store: StoreStats;
}

/** What {@link backfillCombination} needs. */
export interface CombinationDeps {
  sql: Queryable;
  sessions: ProviderSessions;
  now?: () => Date;
}

function describeFailure(fetch: ProviderFetch): string {
  const what = fetch.provider === "jsearch" ? "JSearch" : "Active Jobs DB";
  const reason = fetch.error ?? `fetch ended ${fetch.status}`;
  return fetch.status === "partial"
    ? `${what} stopped after ${fetch.calls} call(s): ${reason}`
    : `${what}: ${reason}`;
}

/** Fetches and stores one combination; never throws for a provider or storage failure. */
export async function backfillCombination(
  deps: CombinationDeps,
  request: BackfillRequest,
  combination: ClaimedCombination,
): Promise<CombinationReport> {
  const until = deps.now?.() ?? new Date();
  const window = { since: new Date(until.getTime() - combination.days * DAY_MS), until };
  const wanted = PROVIDERS.filter((provider) => !combination.providersDone.includes(provider));
  const context = { runId: request.runId, combinationId: combination.id };
  const fetches = await Promise.all(
    wanted.map((provider) =>
      fetchFrom(provider, deps.sessions, combination.search, window, context)
    ),
  );
  const creditsByProvider = Object.fromEntries(
    fetches.map((fetch) => [fetch.provider, fetch.credits]),
  );
  const errors = fetches.filter((fetch) => fetch.status !== "ok").map(describeFailure);
  let store = emptyStoreStats();
  let stored = true;
  const jobs = fetches.flatMap((fetch) => fetch.jobs);
  try {
    store = await storeJobs(deps.sql, jobs, { combinationId: combination.id });
  } catch (error) {
    stored = false;
    errors.push(`Storing ${jobs.length} postings failed: ${(error as Error).message}`);
  }
  return {
    fetches,
    store,
    result: {
      providersDone: stored
        ? fetches.filter((fetch) => fetch.status === "ok").map((fetch) => fetch.provider)
        : [],
      creditsByProvider,
      fetchedUntil: until,
      error: errors.length > 0 ? errors.join("; ") : undefined,
    },
  };
}

/** The counts one attempt adds to the run's stats (`runs.stats`). */
export function progressDelta(report: CombinationReport, state: string): Record<string, unknown> {
  const { fetches, store, result } = report;
  const credits = Object.values(result.creditsByProvider).reduce((sum, n) => sum + (n ?? 0), 0);
  const rejected = fetches.reduce(
    (sum, fetch) => sum + Object.values(fetch.rejected).reduce((a, b) => a + b, 0),
    0,
  );
  const jobCredits = fetches.find((fetch) => fetch.provider === "active_jobs_db")?.jobsReturned;
  return {
    attempts: 1,
    attempts_failed: state === "failed" ? 1 : 0,
    claims_lost: state === "lost" ? 1 : 0,
    provider_calls: fetches.reduce((sum, fetch) => sum + fetch.calls, 0),
    postings: store.postings,
    new_jobs: store.newJobs,
    merged_within_provider: store.mergedWithinProvider,
    merged_across_providers: store.mergedAcrossProviders,
    seen_again: store.seenAgain,
    rejected_records: rejected,
    credits_used: credits,
    credits_by_provider: result.creditsByProvider,
    job_credits: jobCredits === undefined ? {} : { active_jobs_db: jobCredits },
  };
}
