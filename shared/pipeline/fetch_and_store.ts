/**
 * The step the backfill and the daily refresh share: fetch one combination from the providers
 * it still needs over a window, store what came back (deduplicated, linked to the combination),
 * and count what happened. Never throws for a provider or storage failure: they are reported.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { type Provider, PROVIDER_NAMES } from "../jobs/canonical_job.ts";
import { emptyStoreStats, storeJobs, type StoreStats } from "../jobs/store.ts";
import { fetchFrom, type ProviderSessions } from "../providers/mod.ts";
import type { FetchWindow, JobSearch, ProviderFetch } from "../providers/types.ts";

/** What fetching and storing one combination did. */
export interface FetchAndStore {
  fetches: ProviderFetch[];
  store: StoreStats;
  /** Providers fetched to the end whose jobs are stored. */
  providersDone: Provider[];
  /** Credits spent, by provider. */
  creditsByProvider: Partial<Record<Provider, number>>;
  /** One sentence per problem (a provider that failed or was skipped, a store that failed). */
  errors: string[];
}

function describeFailure(fetch: ProviderFetch): string {
  const reason = fetch.error ?? `fetch ended ${fetch.status}`;
  return fetch.status === "partial"
    ? `${PROVIDER_NAMES[fetch.provider]} stopped after ${fetch.calls} call(s): ${reason}`
    : `${PROVIDER_NAMES[fetch.provider]}: ${reason}`;
}

/** Fetches `providers` in parallel for the combination, then stores their jobs. */
export async function fetchAndStore(
  deps: { sql: Queryable; sessions: ProviderSessions },
  request: {
    search: JobSearch;
    /** One window for every provider, or one per provider. */
    window: FetchWindow | Partial<Record<Provider, FetchWindow>>;
    providers: readonly Provider[];
    combinationId: number;
    runId: number;
  },
): Promise<FetchAndStore> {
  const context = { runId: request.runId, combinationId: request.combinationId };
  const fetches = await Promise.all(
    request.providers.map((provider) => {
      const window = "since" in request.window
        ? request.window as FetchWindow
        : (request.window as Partial<Record<Provider, FetchWindow>>)[provider]!;
      return fetchFrom(provider, deps.sessions, request.search, window, context);
    }),
  );
  const errors = fetches.filter((fetch) => fetch.status !== "ok").map(describeFailure);
  const jobs = fetches.flatMap((fetch) => fetch.jobs);
  let store = emptyStoreStats();
  let stored = true;
  try {
    store = await storeJobs(deps.sql, jobs, { combinationId: request.combinationId });
  } catch (error) {
    stored = false;
    errors.push(`Storing ${jobs.length} postings failed: ${(error as Error).message}`);
  }
  return {
    fetches,
    store,
    providersDone: stored
      ? fetches.filter((fetch) => fetch.status === "ok").map((fetch) => fetch.provider)
      : [],
    creditsByProvider: Object.fromEntries(fetches.map((fetch) => [fetch.provider, fetch.credits])),
    errors,
  };
}

/** The counts one step adds to its run's stats (`runs.stats`, summed by SQL). */
export function usageDelta(step: FetchAndStore): Record<string, unknown> {
  const { fetches, store } = step;
  const credits = Object.values(step.creditsByProvider).reduce((sum, n) => sum + (n ?? 0), 0);
  const rejected = fetches.reduce(
    (sum, fetch) => sum + Object.values(fetch.rejected).reduce((a, b) => a + b, 0),
    0,
  );
  const jobCredits = fetches.find((fetch) => fetch.provider === "active_jobs_db")?.jobsReturned;
  return {
    provider_calls: fetches.reduce((sum, fetch) => sum + fetch.calls, 0),
    postings: store.postings,
    new_jobs: store.newJobs,
    merged_within_provider: store.mergedWithinProvider,
    merged_across_providers: store.mergedAcrossProviders,
    seen_again: store.seenAgain,
    store_retries: store.retried,
    rejected_records: rejected,
    credits_used: credits,
    credits_by_provider: step.creditsByProvider,
    job_credits: jobCredits === undefined ? {} : { active_jobs_db: jobCredits },
  };
}
