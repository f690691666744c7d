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
import { type Provider, PROVIDER_NAMES, PROVIDERS } from "../vocabulary.ts";
import { applyPauses } from "../providers/pauses.ts";
import { type FetchAndStore, fetchAndStore, usageDelta } from "../providers/fetch_and_store.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import {
  claimItems,
  continueRun,
  deferItem,
  type ExpiredCheckRecord,
  expiredChecks,
  finishItem,
  type ItemState,
  type RefreshItem,
  type RefreshWait,
  refreshWaits,
  runningRun,
  settleRun,
} from "./claims.ts";
import { checkExpiredOnce } from "./expired_check.ts";

/** What an invocation needs. */
export interface RefreshDeps {
  sql: Queryable;
  /** Provider sessions for this invocation (a stopped provider stays stopped in it). */
  sessions: () => ProviderSessions | Promise<ProviderSessions>;
  /** Most items this invocation takes. */
  maxItems: number;
  /** Items in flight at once (the provider limiters pace the calls). */
  concurrency: number;
  /** Wall-clock time in which new items are started, in ms. */
  timeBudgetMs: number;
  /** No provider call runs past this many ms after the invocation starts (none if absent). */
  deadlineMs?: number;
  /** Queue the next invocation through pg_net when items are left (the Edge Function). */
  chain?: boolean;
  now?: () => Date;
  clock?: () => number;
  log?: (line: string) => void;
}

/** What an invocation did. */
export interface RefreshInvocation {
  worker: string;
  runId: number;
  /** Items by how this invocation left them (`deferred`: back in line until a Retry-After). */
  items: Record<ItemState | "deferred" | "lost", number>;
  /** The run's status after this invocation ("running" while other items are left). */
  status: string;
  /** The run's stats so far (`runs.stats`). */
  stats: Record<string, unknown>;
  /**
   * The run's expired-postings check as recorded (`runs.expired_*`), whichever invocation made
   * it; null when none was taken or noted (the setting is off).
   */
  expired: ExpiredCheckRecord | null;
  /** Why the items left are not refreshed now (set by {@link drainRun} when it stops early). */
  waits?: RefreshWait[];
}

/** How far back each provider can reach at all. */
const REACH_MS: Record<Provider, number> = {
  jsearch: 31 * 24 * 3600_000, // date_posted=month
  active_jobs_db: 7 * 24 * 3600_000, // /active-ats-7d
};

/** The longest an item waits in its run for a Retry-After (the next run is a day away). */
const MAX_DEFER_MS = 6 * 3600_000;

/** How late after its firing an item may be fetched and still count as "at the firing". */
const FIRING_TOLERANCE_MS = 2 * 3600_000;

/**
 * The window to ask a provider for. It ends at the run's firing time when the item is fetched
 * soon after it (then a normal day is exactly 24 hours: JSearch `today`, Active Jobs DB
 * `/active-ats-24h`; both endpoints count back from the call, so nothing is lost), else now.
 */
function windowFor(since: Date, firedAt: Date, now: Date) {
  const late = now.getTime() - firedAt.getTime();
  const until = late >= 0 && late <= FIRING_TOLERANCE_MS ? firedAt : now;
  return { since: since < until ? since : new Date(until.getTime() - 60_000), until };
}

/** The item's state from its providers' outcomes, or the time to put it back in line. */
function itemState(step: FetchAndStore): ItemState | { deferUntil: Date } {
  const outcomes = PROVIDERS.map((provider) => step.outcomes[provider]);
  if (outcomes.every((o) => o?.kind === "done")) return "done";
  if (outcomes.some((o) => o?.kind === "failed")) return "failed";
  const deferred = outcomes.filter((o) => o?.kind === "deferred") as { until: Date }[];
  if (deferred.length > 0) {
    return { deferUntil: new Date(Math.min(...deferred.map((o) => o.until.getTime()))) };
  }
  return "skipped";
}

/** What an item adds to the run's stats, and the holes nobody can fill any more. */
function itemStats(step: FetchAndStore, item: RefreshItem, now: Date) {
  // a combination stale beyond what a provider can reach back has a hole: say so
  const gaps = step.providersDone.filter((provider) =>
    now.getTime() - item.since[provider].getTime() > REACH_MS[provider]
  );
  const notes = gaps.map((provider) =>
    `${PROVIDER_NAMES[provider]} reaches back ${
      REACH_MS[provider] / 86_400_000
    } days; postings from ` +
    `${item.since[provider].toISOString().slice(0, 10)} to ` +
    `${new Date(now.getTime() - REACH_MS[provider]).toISOString().slice(0, 10)} are missing for ` +
    `"${item.search.titleKeyword}" in "${item.search.location}"`
  );
  const paused = PROVIDERS.filter((provider) => step.outcomes[provider]?.kind === "paused");
  const stats = {
    ...usageDelta(step),
    windows: Object.fromEntries(
      step.fetches.map((fetch) => [`${fetch.provider} ${fetch.window}`, 1]),
    ),
    skipped_providers: Object.fromEntries(paused.map((provider) => [provider, 1])),
    unrecoverable_gaps: gaps.length,
  };
  return { stats, notes };
}

/** Refreshes one item; returns its state. */
async function refreshItem(
  deps: RefreshDeps,
  sessions: ProviderSessions,
  run: { runId: number; firedAt: Date; owner: string },
  item: RefreshItem,
  worker: string,
): Promise<ItemState | "deferred" | "lost"> {
  const { runId, firedAt } = run;
  await applyPauses(deps.sql, sessions);
  const now = deps.now?.() ?? new Date();
  const windows = Object.fromEntries(
    PROVIDERS.map((provider) => [provider, windowFor(item.since[provider], firedAt, now)]),
  ) as Record<Provider, { since: Date; until: Date }>;
  // a retry of this item in this run resumes its cursors, with the windows of its first attempt
  const step = await fetchAndStore({ sql: deps.sql, sessions }, {
    search: item.search,
    window: windows,
    providers: PROVIDERS,
    combinationId: item.combinationId,
    runId,
    purpose: "refresh",
    owner: run.owner,
  });
  const { stats, notes } = itemStats(step, item, now);
  const problems = [...step.errors, ...notes];
  const error = problems.length > 0 ? problems.join("; ") : undefined;
  const decided = itemState(step);
  // a wait longer than this is left to the next daily run's window instead of keeping this run
  // open
  const state = typeof decided === "object" &&
      decided.deferUntil.getTime() - Date.now() > MAX_DEFER_MS
    ? "skipped"
    : decided;
  const label = `refresh "${item.search.titleKeyword}" in "${item.search.location}" ` +
    `(${item.users} user(s))`;
  if (typeof state === "object") {
    const kept = await deferItem(deps.sql, runId, item, worker, state.deferUntil, stats, error);
    deps.log?.(`${label}: waits until ${state.deferUntil.toISOString()} — ${error}`);
    return kept ? "deferred" : "lost";
  }
  // the next window starts where this one ended (the run's firing time, or the fetch if later
  // than the tolerance): consecutive daily runs then ask for 24 hours, whatever the order
  const refreshedUntil = step.doneUntil ?? windows.jsearch.until;
  const written = await finishItem(deps.sql, runId, item, worker, {
    state,
    providersDone: step.providersDone,
    since: new Date(Math.min(...PROVIDERS.map((provider) => item.since[provider].getTime()))),
    until: now,
    refreshedUntil,
    stats,
    error,
  });
  deps.log?.(
    `${label}: ${written}, ${step.store.newJobs} new job(s)` + (error ? ` — ${error}` : ""),
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
  const sessions = await deps.sessions();
  for (const session of [sessions.jsearch, sessions.active_jobs_db]) {
    session.deadline = deps.deadlineMs === undefined ? null : session.clock() + deps.deadlineMs;
  }
  const [run] = await deps.sql`select stats ->> 'fired_at' as fired_at,
                                      stats ->> 'forced_at' as forced_at from public.runs
                               where id = ${runId}`;
  const firedAt = run?.fired_at ? new Date(run.fired_at) : deps.now?.() ?? new Date();
  // the cursors belong to this start of the run: a forced start fetches again
  const owner = `run:${runId}` + (run?.forced_at ? `@${run.forced_at}` : "");
  // beside the combinations, never before them; at most once per run, whichever invocation
  const expiredCheck = checkExpiredOnce(deps, sessions, runId);
  const items: Record<ItemState | "deferred" | "lost", number> = {
    done: 0,
    failed: 0,
    skipped: 0,
    deferred: 0,
    lost: 0,
  };
  let taken = 0;
  const lane = async () => {
    while (taken < deps.maxItems && clock() - started < deps.timeBudgetMs) {
      taken++;
      const [item] = await claimItems(deps.sql, runId, worker, 1);
      if (!item) return;
      items[await refreshItem(deps, sessions, { runId, firedAt, owner }, item, worker)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, lane));
  const status = await settleRun(deps.sql, runId);
  // stopped at this invocation's limits with items left: the next one starts now
  if (status === "running" && deps.chain) await continueRun(deps.sql, runId);
  await expiredCheck;
  const [after] = await deps.sql`select stats from public.runs where id = ${runId}`;
  const [expired] = await expiredChecks(deps.sql, { runId }).catch(() => []);
  return { worker, runId, items, status, stats: after?.stats ?? {}, expired: expired ?? null };
}

/**
 * Drains a run with invocations one after another until it is finished (the CLI and the demo,
 * where no fan-out runs them side by side), or until what is left waits for a Retry-After;
 * returns the last outcome, with the waits when it stopped early.
 */
export async function drainRun(deps: RefreshDeps, runId: number): Promise<RefreshInvocation> {
  for (;;) {
    const outcome = await runRefresh(deps, { runId });
    if (!outcome) throw new Error(`Run ${runId} does not exist.`);
    if (outcome.status !== "running") return outcome;
    const took = Object.values(outcome.items).reduce((a, b) => a + b, 0);
    if (took > 0) continue;
    const waits = await refreshWaits(deps.sql, runId);
    // an item that waits for a Retry-After is the sweep's to wake: say so rather than sleep
    if (waits.some((wait) => wait.reason === "retry")) return { ...outcome, waits };
    // items claimed by another worker: wait for them (or for their claims to expire)
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
