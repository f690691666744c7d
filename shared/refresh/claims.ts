/**
 * The daily refresh's SQL operations, one function each (migration `..._daily_refresh.sql` holds
 * the rules, and `public.settings` the lease and attempt limits they read): start a date's run,
 * claim items, finish one, settle the run.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { postgresJson } from "../db/json.ts";
import type { Provider } from "../vocabulary.ts";
import { type CombinationColumns, type JobSearch, searchFromRow } from "../providers/types.ts";

/** How a run was started (`runs.triggered_by`). */
export type Trigger = "cron" | "cli" | "manual" | "test";

/** A claimed work item: one combination of one run. */
export interface RefreshItem {
  combinationId: number;
  search: JobSearch;
  /** Active users sharing the combination (the priority). */
  users: number;
  /** Where each provider's window starts: its last successful refresh. */
  since: Record<Provider, Date>;
  attempts: number;
}

/** How a claimed item ended. */
export type ItemState = "done" | "failed" | "skipped";

/**
 * Starts the run of the local date of `at` (default now): its row and work items. Returns the
 * run id, or null when that date has its run (unless `force`).
 */
export async function startRun(
  sql: Queryable,
  options: { at?: Date; force?: boolean; triggeredBy?: Trigger } = {},
): Promise<number | null> {
  const [{ run }] = await sql`
    select public.start_daily_refresh(${(options.at ?? new Date()).toISOString()}::timestamptz,
      ${options.force ?? false}, ${options.triggeredBy ?? "manual"}) as run`;
  return run === null ? null : Number(run);
}

/** The run of the local date of `at`, if any: id and status. */
export async function runOfDate(
  sql: Queryable,
  at: Date,
): Promise<{ id: number; status: string; runDate: string } | null> {
  const [row] = await sql`
    select u.id, u.status, u.run_date::text as run_date from public.runs u, public.settings s
    where u.kind = 'daily_refresh'
      and u.run_date = (${at.toISOString()}::timestamptz at time zone s.daily_refresh_time_zone)::date`;
  return row ? { id: Number(row.id), status: row.status, runDate: row.run_date } : null;
}

/** The newest running daily run, if any. */
export async function runningRun(sql: Queryable): Promise<number | null> {
  const [row] = await sql`
    select id from public.runs where kind = 'daily_refresh' and status = 'running'
    order by id desc limit 1`;
  return row ? Number(row.id) : null;
}

/** Claims up to `limit` items of the run, most-shared first. */
export async function claimItems(
  sql: Queryable,
  runId: number,
  worker: string,
  limit = 1,
): Promise<RefreshItem[]> {
  const rows = await sql`
    select * from public.claim_refresh_items(${runId}::bigint, ${worker}, ${limit}::integer)`;
  return rows.map((row) => ({
    combinationId: Number(row.combination_id),
    search: searchFromRow(row as unknown as CombinationColumns),
    users: row.users,
    since: { jsearch: row.since_jsearch, active_jobs_db: row.since_active_jobs_db },
    attempts: row.attempts,
  }));
}

/** Records an item; returns the state written, or "lost" when the claim expired. */
export async function finishItem(
  sql: Queryable,
  runId: number,
  item: RefreshItem,
  worker: string,
  outcome: {
    state: ItemState;
    /** Providers fetched to the end and stored: their marks move to `refreshedUntil`. */
    providersDone: Provider[];
    since: Date;
    until: Date;
    refreshedUntil: Date;
    stats: Record<string, unknown>;
    error?: string;
  },
): Promise<ItemState | "lost"> {
  const [{ state }] = await sql`
    select public.finish_refresh_item(${runId}::bigint, ${item.combinationId}::bigint, ${worker},
      ${outcome.state}, ${outcome.providersDone}::text[], ${outcome.since.toISOString()}::timestamptz,
      ${outcome.until.toISOString()}::timestamptz,
      ${outcome.refreshedUntil.toISOString()}::timestamptz,
      ${postgresJson(outcome.stats)}::text::jsonb, ${outcome.error ?? null}) as state`;
  return state;
}

/**
 * Puts a claimed item back in line until `until` (its next page waits for a Retry-After); the
 * attempt does not count. Returns false when the claim is not the worker's any more.
 */
export async function deferItem(
  sql: Queryable,
  runId: number,
  item: RefreshItem,
  worker: string,
  until: Date,
  stats: Record<string, unknown>,
  error?: string,
): Promise<boolean> {
  const [{ kept }] = await sql`
    select public.defer_refresh_item(${runId}::bigint, ${item.combinationId}::bigint, ${worker},
      ${until.toISOString()}::timestamptz, ${postgresJson(stats)}::text::jsonb,
      ${error ?? null}) as kept`;
  return kept;
}

/** Why a run's items are not refreshed now (`public.refresh_waits`). */
export interface RefreshWait {
  /** held: claimed by a live worker; retry: a Retry-After; paused: a provider is paused. */
  reason: "held" | "retry" | "paused";
  until: Date;
  /** Items it concerns (null for a provider pause: every item skips that provider). */
  items: number | null;
  provider: string | null;
  detail: string | null;
}

/** What keeps the run's items from being refreshed now, and until when. */
export async function refreshWaits(sql: Queryable, runId: number): Promise<RefreshWait[]> {
  const rows = await sql`select * from public.refresh_waits(${runId}::bigint)`;
  return rows.map((row) => ({
    reason: row.reason,
    until: new Date(row.until),
    items: row.items,
    provider: row.provider,
    detail: row.detail,
  }));
}

/** Finishes the run if no item is left; returns its status. */
export async function settleRun(sql: Queryable, runId: number): Promise<string> {
  const [{ status }] = await sql`select public.settle_daily_refresh(${runId}::bigint) as status`;
  return status;
}

/** Queues one more invocation for the run if items are left that nobody holds. */
export async function continueRun(sql: Queryable, runId: number): Promise<boolean> {
  const [{ queued }] = await sql`select public.continue_daily_refresh(${runId}::bigint) as queued`;
  return queued;
}

/** Why a run's expired-postings check failed (`runs.expired_failure`). */
export type ExpiredFailure =
  /** 401/403 for the plan: the endpoint needs Ultra or Mega. */
  | "plan_required"
  /** 401 for the key. */
  | "key_refused"
  /** Another 4xx: the request itself. */
  | "refused"
  | "quota_exhausted"
  | "budget_exhausted"
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "network_error"
  | "invalid_response"
  /** No call left: its ledger row or budget could not be written. */
  | "not_sent"
  /** The answer came, the marks could not be stored. */
  | "store_failed";

/** A daily run's expired-postings check as `public.runs` records it. */
export interface ExpiredCheckRecord {
  runId: number;
  runDate: string;
  /** null: not taken (the setting is off, or it waits: see `error`). */
  state: "claimed" | "done" | "failed" | null;
  attempts: number;
  claimedAt: Date | null;
  checkedAt: Date | null;
  /** A failed check is taken once more from then on, in this run. */
  retryAt: Date | null;
  reported: number | null;
  markedPostings: number | null;
  markedJobs: number | null;
  failure: ExpiredFailure | null;
  error: string | null;
}

/**
 * Takes the run's expired-postings check: the attempt number, or null when it is not this
 * invocation's to make. With `blockedBy` (the provider is paused) nothing is taken; the reason
 * is written on the run.
 */
export async function claimExpiredCheck(
  sql: Queryable,
  runId: number,
  blockedBy: string | null = null,
): Promise<number | null> {
  const [{ attempt }] = await sql`
    select public.claim_expired_check(${runId}::bigint, ${blockedBy}) as attempt`;
  return attempt === null ? null : Number(attempt);
}

/**
 * Calls the expired-postings check may make on one run (`settings.expired_check_max_attempts`):
 * a transient failure is asked again, later in the run, until this many.
 */
export async function expiredCheckMaxAttempts(sql: Queryable): Promise<number> {
  const [{ attempts }] = await sql`
    select expired_check_max_attempts as attempts from public.settings`;
  return attempts;
}

/** Marks the reported ids expired and records the counts on the run, in one statement. */
export async function finishExpiredCheck(
  sql: Queryable,
  runId: number,
  provider: Provider,
  ids: readonly string[],
): Promise<{ reported: number; postings: number; jobs: number }> {
  const [row] = await sql`
    select * from public.finish_expired_check(${runId}::bigint, ${provider},
                                              ${[...ids]}::text[])`;
  return { reported: row.reported, postings: row.postings, jobs: row.jobs };
}

/** Records why the check failed; `retryAt`: one more attempt in this run from then (else none). */
export async function failExpiredCheck(
  sql: Queryable,
  runId: number,
  failure: ExpiredFailure,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await sql`select public.fail_expired_check(${runId}::bigint, ${failure}, ${error},
                                             ${retryAt?.toISOString() ?? null}::timestamptz)`;
}

/** The expired-postings checks of the newest daily runs that took or noted one (`runId`: one). */
export async function expiredChecks(
  sql: Queryable,
  options: { runId?: number; limit?: number } = {},
): Promise<ExpiredCheckRecord[]> {
  const rows = await sql`
    select id, run_date::text as run_date, expired_state, expired_attempts, expired_claimed_at,
           expired_checked_at, expired_retry_at, expired_reported, expired_marked_postings,
           expired_marked_jobs, expired_failure, expired_error
    from public.runs
    where kind = 'daily_refresh' and (expired_state is not null or expired_error is not null)
      and (${options.runId ?? null}::bigint is null or id = ${options.runId ?? null}::bigint)
    order by id desc limit ${options.limit ?? 5}`;
  const date = (value: unknown) => value ? new Date(value as string) : null;
  return rows.map((row) => ({
    runId: Number(row.id),
    runDate: row.run_date,
    state: row.expired_state,
    attempts: row.expired_attempts,
    claimedAt: date(row.expired_claimed_at),
    checkedAt: date(row.expired_checked_at),
    retryAt: date(row.expired_retry_at),
    reported: row.expired_reported,
    markedPostings: row.expired_marked_postings,
    markedJobs: row.expired_marked_jobs,
    failure: row.expired_failure,
    error: row.expired_error,
  }));
}
