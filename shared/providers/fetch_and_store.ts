/**
 * The step the backfill and the daily refresh share: fetch one combination from the providers
 * it still needs, page by page from each provider's cursor, storing every answered page as it
 * arrives (deduplicated, linked to the combination, in the users' feeds at once) together with
 * the cursor's step past it — so no answered page is asked for again, whatever stops the work.
 * Never throws for a provider or storage failure: each provider's outcome says how it ended.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { addStoreStats, emptyStoreStats, type StoreStats } from "../jobs/store.ts";
import { type Provider, PROVIDER_NAMES } from "../vocabulary.ts";
import { activeJobsPager, planActiveJobsDb } from "./active_jobs_db/client.ts";
import { type CursorKey, holdCursor, openCursor, storePage } from "./fetch_cursors.ts";
import { jsearchPager, planJSearch } from "./jsearch/client.ts";
import type { ProviderSessions } from "./mod.ts";
import { fetchPages, type FetchPlan, type Pager } from "./paging.ts";
import { persistPauses } from "./pauses.ts";
import { type FetchWindow, type JobSearch, type ProviderFetch, startFetch } from "./types.ts";

/** How one provider's part of a combination ended. */
export type ProviderOutcome =
  /** Every page is stored, over `window` (the cursor's, which may be an earlier attempt's). */
  | { kind: "done"; window: FetchWindow }
  /** A page could not be fetched or stored; the cursor keeps what was stored. */
  | { kind: "failed"; error: string }
  /** The provider is paused (quota, budget, key) until `until`. */
  | { kind: "paused"; until: Date; error: string }
  /** The next page waits until `until` (a Retry-After, the invocation's deadline). */
  | { kind: "deferred"; until: Date; error: string };

/** What fetching and storing one combination did. */
export interface FetchAndStore {
  fetches: ProviderFetch[];
  store: StoreStats;
  outcomes: Partial<Record<Provider, ProviderOutcome>>;
  /** Providers whose every page is stored. */
  providersDone: Provider[];
  /** Credits spent, by provider. */
  creditsByProvider: Partial<Record<Provider, number>>;
  /** One sentence per provider that did not finish, for people. */
  errors: string[];
  /** No provider failed and some wait: the earliest time worth trying again. */
  waitUntil?: Date;
  /**
   * The earliest end of the windows of the providers done (a cursor resumed from an earlier
   * attempt covers that attempt's window): where the next refresh must start.
   */
  doneUntil?: Date;
}

/** What {@link fetchAndStore} does. */
export interface FetchAndStoreRequest {
  search: JobSearch;
  /** One window for every provider, or one per provider (used only by a new cursor). */
  window: FetchWindow | Partial<Record<Provider, FetchWindow>>;
  providers: readonly Provider[];
  combinationId: number;
  runId: number;
  purpose: CursorKey["purpose"];
  /** Which fetch the cursors belong to: `days:30`, `run:17`. */
  owner: string;
}

function windowOf(request: FetchAndStoreRequest, provider: Provider): FetchWindow {
  return "since" in request.window
    ? request.window as FetchWindow
    : (request.window as Partial<Record<Provider, FetchWindow>>)[provider]!;
}

function planOf(
  provider: Provider,
  sessions: ProviderSessions,
  request: FetchAndStoreRequest,
): { plan: FetchPlan; pager: Pager } {
  const window = windowOf(request, provider);
  return provider === "jsearch"
    ? {
      plan: planJSearch(request.search, window, sessions.defaultCountry),
      pager: jsearchPager(sessions.jsearchPagesPerCall),
    }
    : { plan: planActiveJobsDb(request.search, window), pager: activeJobsPager };
}

interface ProviderStep {
  fetch: ProviderFetch;
  store: StoreStats;
  outcome: ProviderOutcome;
}

/** The outcome of a fetch that ran. */
function outcomeOf(fetch: ProviderFetch, sessions: ProviderSessions, window: FetchWindow) {
  const stopped = sessions[fetch.provider].stopped;
  const error = fetch.error ?? `fetch ended ${fetch.status}`;
  if (fetch.status === "ok") return { kind: "done", window } as const;
  if (fetch.status === "deferred") {
    return { kind: "deferred", until: fetch.retryAt ?? new Date(), error } as const;
  }
  if (stopped && !fetch.storeFailed) {
    return { kind: "paused", until: stopped.until ?? new Date(), error: stopped.message } as const;
  }
  return { kind: "failed", error } as const;
}

/** One provider's part: resume its cursor and store each page as it comes. */
async function fetchProvider(
  deps: { sql: Queryable; sessions: ProviderSessions },
  request: FetchAndStoreRequest,
  provider: Provider,
): Promise<ProviderStep> {
  const session = deps.sessions[provider];
  const store = emptyStoreStats();
  const { plan, pager } = planOf(provider, deps.sessions, request);
  const idle = (status: ProviderFetch["status"], error?: string) => ({
    ...startFetch(provider, plan.label),
    status,
    error,
  });
  if (session.stopped) {
    const { until, message } = session.stopped;
    return {
      fetch: idle("skipped", message),
      store,
      outcome: { kind: "paused", until: until ?? new Date(), error: message },
    };
  }
  const key: CursorKey = { ...request, provider };
  let cursor;
  try {
    cursor = await openCursor(deps.sql, key, plan, pager.firstPage);
  } catch (error) {
    const message = `its cursor could not be read (${(error as Error).message}); nothing was asked`;
    return { fetch: idle("failed", message), store, outcome: { kind: "failed", error: message } };
  }
  if (cursor.done) {
    return { fetch: idle("ok"), store, outcome: { kind: "done", window: cursor.plan.window } };
  }
  if (cursor.notBefore && cursor.notBefore > new Date()) {
    const error = `the next page waits until ${cursor.notBefore.toISOString()} (Retry-After)`;
    return {
      fetch: idle("deferred", error),
      store,
      outcome: { kind: "deferred", until: cursor.notBefore, error },
    };
  }
  const fetch = await fetchPages(session, pager, cursor.plan, cursor.position, {
    context: { runId: request.runId, combinationId: request.combinationId },
    onPage: async (page) => {
      addStoreStats(store, await storePage(deps.sql, key, page, session.ledger));
    },
  });
  const outcome = outcomeOf(fetch, deps.sessions, cursor.plan.window);
  if (outcome.kind !== "done") {
    const notBefore = outcome.kind === "deferred" ? outcome.until : null;
    await holdCursor(deps.sql, key, notBefore, outcome.error).catch(() => {});
  }
  return { fetch, store, outcome };
}

function describe(provider: Provider, step: ProviderStep): string | null {
  const { outcome, fetch } = step;
  if (outcome.kind === "done") return null;
  const name = PROVIDER_NAMES[provider];
  if (outcome.kind === "paused") return `${name} is paused: ${outcome.error}`;
  if (outcome.kind === "deferred") return `${name}: ${outcome.error}`;
  return fetch.status === "partial"
    ? `${name} stopped after ${fetch.calls} call(s): ${outcome.error}`
    : `${name}: ${outcome.error}`;
}

/** Fetches `providers` side by side for the combination, each page stored as it arrives. */
export async function fetchAndStore(
  deps: { sql: Queryable; sessions: ProviderSessions },
  request: FetchAndStoreRequest,
): Promise<FetchAndStore> {
  const steps = await Promise.all(
    request.providers.map(async (provider) => {
      return [provider, await fetchProvider(deps, request, provider)] as const;
    }),
  );
  await persistPauses(deps.sql, deps.sessions).catch((error) =>
    console.error(`Cannot write a provider pause: ${(error as Error).message}`)
  );
  const store = emptyStoreStats();
  for (const [, step] of steps) addStoreStats(store, step.store);
  const outcomes = Object.fromEntries(steps.map(([provider, step]) => [provider, step.outcome]));
  const waits = steps.map(([, step]) => step.outcome).filter((o) => o.kind !== "done");
  const waitUntil = waits.length > 0 && waits.every((o) => o.kind !== "failed")
    ? new Date(Math.min(...waits.map((o) => (o as { until: Date }).until.getTime())))
    : undefined;
  const ends = steps.flatMap(([, { outcome }]) =>
    outcome.kind === "done" ? [outcome.window.until.getTime()] : []
  );
  return {
    fetches: steps.map(([, step]) => step.fetch),
    store,
    outcomes,
    providersDone: steps.filter(([, step]) => step.outcome.kind === "done").map(([p]) => p),
    creditsByProvider: Object.fromEntries(steps.map(([p, step]) => [p, step.fetch.credits])),
    errors: steps.map(([provider, step]) => describe(provider, step)).filter((e) => e !== null),
    waitUntil,
    doneUntil: ends.length > 0 ? new Date(Math.min(...ends)) : undefined,
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
