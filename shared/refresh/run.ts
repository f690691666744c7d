/**
 * One invocation of the daily refresh: drain a run's work items — several at a time, most-shared
 * combinations first — each fetched since its last successful refresh (24 hours normally, wider
 * after a missed or failed day), stored and deduplicated; then settle the run. Invocations run
 * side by side on the same run; SKIP LOCKED hands each item to one of them. A provider that is
 * stopped (budget, quota, key) is skipped for the remaining items, the other goes on.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { type Provider, PROVIDERS } from "../jobs/canonical_job.ts";
import { emptyStoreStats } from "../jobs/store.ts";
import { type FetchAndStore, fetchAndStore, usageDelta } from "../pipeline/fetch_and_store.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import {
  claimItems,
  finishItem,
  type ItemState,
  type RefreshItem,
  runningRun,
  settleRun,
} from "./claims.ts";

/** What an invocation needs. */
export interface RefreshDeps {
  sql: Queryable;
  /** Provider sessions for this invocation (a stopped provider stays stopped in it). */
  sessions: () => ProviderSessions;
  /** Most items this invocation takes. */
  maxItems: number;
  /** Items in flight at once (the provider limiters pace the calls). */
  concurrency: number;
  /** Wall-clock time in which new items are started, in ms. */
  timeBudgetMs: number;
  now?: () => Date;
  clock?: () => number;
  log?: (line: string) => void;
}

/** What an invocation did. */
export interface RefreshInvocation {
  worker: string;
  runId: number;
  items: Record<ItemState | "lost", number>;
  /** The run's status after this invocation ("running" while other items are left). */
  status: string;
  /** The run's stats so far (`runs.stats`). */
  stats: Record<string, unknown>;
}

const NAMES: Record<Provider, string> = { jsearch: "JSearch", active_jobs_db: "Active Jobs DB" };

function emptyStep(): FetchAndStore {
  return {
    fetches: [],
    store: emptyStoreStats(),
    providersDone: [],
    creditsByProvider: {},
    errors: [],
  };
}

/** Refreshes one item; returns its state and what it adds to the run's stats. */
async function refreshItem(
  deps: RefreshDeps,
  sessions: ProviderSessions,
  runId: number,
  firedAt: Date,
  item: RefreshItem,
  worker: string,
): Promise<ItemState | "lost"> {
  const until = deps.now?.() ?? new Date();
  const window = { since: item.since, until };
  const stoppedBefore = PROVIDERS.filter((provider) => sessions[provider].stopped);
  const providers = PROVIDERS.filter((provider) => !stoppedBefore.includes(provider));
  const step = providers.length > 0
    ? await fetchAndStore({ sql: deps.sql, sessions }, {
      search: item.search,
      window,
      providers,
      combinationId: item.combinationId,
      runId,
    })
    : emptyStep();
  const errors = [
    ...stoppedBefore.map((provider) =>
      `${NAMES[provider]}: ${sessions[provider].stopped!.message}`
    ),
    ...step.errors,
  ];
  const failed =
    step.fetches.some((fetch) => fetch.status === "failed" || fetch.status === "partial") ||
    step.errors.some((error) => error.startsWith("Storing"));
  const state: ItemState = step.providersDone.length === PROVIDERS.length
    ? "done"
    : failed
    ? "failed"
    : "skipped";
  const skippedProviders = PROVIDERS.filter((provider) =>
    !step.providersDone.includes(provider) &&
    !step.fetches.some((fetch) => fetch.provider === provider && fetch.status !== "skipped")
  );
  const stats = {
    ...usageDelta(step),
    windows: Object.fromEntries(
      step.fetches.map((fetch) => [`${fetch.provider} ${fetch.window}`, 1]),
    ),
    skipped_providers: Object.fromEntries(skippedProviders.map((provider) => [provider, 1])),
  };
  // the next window starts where this run was fired, not where this item happened to be
  // fetched: consecutive daily runs then ask for 24 hours, whatever the order of items
  const refreshedUntil = new Date(Math.min(until.getTime(), firedAt.getTime()));
  const written = await finishItem(deps.sql, runId, item, worker, {
    state,
    since: item.since,
    until,
    refreshedUntil,
    stats,
    error: errors.length > 0 ? errors.join("; ") : undefined,
  });
  deps.log?.(
    `refresh "${item.search.titleKeyword}" in "${item.search.location}" (${item.users} user(s)): ` +
      `${written}, ${step.store.newJobs} new job(s)` +
      (errors.length ? ` — ${errors.join("; ")}` : ""),
  );
  return written;
}

/**
 * Drains the run `runId` (default: the newest running daily run) as far as this invocation's
 * limits allow, then settles it. Returns null when there is no running run.
 */
export async function runRefresh(
  deps: RefreshDeps,
  options: { runId?: number | null; worker?: string } = {},
): Promise<RefreshInvocation | null> {
  const runId = options.runId ?? await runningRun(deps.sql);
  if (runId === null) return null;
  const worker = options.worker ?? `refresh-${crypto.randomUUID()}`;
  const clock = deps.clock ?? (() => Date.now());
  const started = clock();
  const sessions = deps.sessions();
  const [run] = await deps.sql`select stats ->> 'fired_at' as fired_at from public.runs
                               where id = ${runId}`;
  const firedAt = run?.fired_at ? new Date(run.fired_at) : deps.now?.() ?? new Date();
  const items: Record<ItemState | "lost", number> = { done: 0, failed: 0, skipped: 0, lost: 0 };
  let taken = 0;
  const lane = async () => {
    while (taken < deps.maxItems && clock() - started < deps.timeBudgetMs) {
      taken++;
      const [item] = await claimItems(deps.sql, runId, worker, 1);
      if (!item) return;
      items[await refreshItem(deps, sessions, runId, firedAt, item, worker)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, lane));
  const status = await settleRun(deps.sql, runId);
  const [after] = await deps.sql`select stats from public.runs where id = ${runId}`;
  return { worker, runId, items, status, stats: after?.stats ?? {} };
}
