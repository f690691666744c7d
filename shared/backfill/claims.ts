/**
 * The backfill's SQL operations, one function each (migration `..._backfill.sql` holds the
 * rules, and `public.settings` the leases and attempt limits they read): take a request, claim
 * its combinations, finish one, record progress, settle.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { postgresJson } from "../db/json.ts";
import type { Provider } from "../vocabulary.ts";
import { type CombinationColumns, type JobSearch, searchFromRow } from "../providers/types.ts";

/** A `backfill_requests` row as the backfill uses it. */
export interface BackfillRequest {
  id: number;
  userId: string;
  /** Days back; null = a month (30 days). */
  days: number | null;
  runId: number;
  requestedBy: string;
  attempts: number;
}

/** A claimed `backfill_tracking` row. */
export interface ClaimedCombination {
  id: number;
  search: JobSearch;
  /** Providers already stored by an earlier attempt: not fetched again. */
  providersDone: Provider[];
  attempts: number;
  /** The period this claim fetches, in days. */
  days: number;
}

/** What {@link settleRequest} decided; see `public.settle_backfill_request`. */
export type Settlement = "continue" | "waiting" | "done" | "failed" | "lost";

/** The period of a request that names none: a month. */
export const DEFAULT_DAYS = 30;

/** Takes a due request (or the given one, if it is due) for `worker`; null when none is. */
export async function takeRequest(
  sql: Queryable,
  worker: string,
  requestId: number | null = null,
): Promise<BackfillRequest | null> {
  const [row] = await sql`
    select id, user_id, days, run_id, requested_by, attempts
    from public.take_backfill_request(${worker}, ${requestId}::bigint)`;
  if (!row) return null;
  return {
    id: Number(row.id),
    userId: row.user_id,
    days: row.days,
    runId: Number(row.run_id),
    requestedBy: row.requested_by,
    attempts: row.attempts,
  };
}

/** Claims up to `limit` of the request's combinations; empty when none is claimable. */
export async function claimCombinations(
  sql: Queryable,
  request: BackfillRequest,
  worker: string,
  options: { limit?: number } = {},
): Promise<ClaimedCombination[]> {
  const rows = await sql`
    select id, title_keyword, location, ai_work_arrangement, ai_employment_type, ai_seniority,
           ai_industry, providers_done, attempts
    from public.claim_backfill_combinations(${request.id}::bigint, ${worker},
      ${options.limit ?? 1}::integer)`;
  return rows.map((row) => ({
    id: Number(row.id),
    search: searchFromRow(row as unknown as CombinationColumns),
    providersDone: row.providers_done as Provider[],
    attempts: row.attempts,
    days: request.days ?? DEFAULT_DAYS,
  }));
}

/** How one attempt at a combination went. */
export interface CombinationResult {
  /** Providers fetched to the end in this attempt. */
  providersDone: Provider[];
  /** Request credits spent in this attempt, by provider. */
  creditsByProvider: Partial<Record<Provider, number>>;
  /** When the fetch started: the end of the window it covers. */
  fetchedUntil: Date;
  /** Why it is not complete, when it is not. */
  error?: string;
  /** The providers not done wait (a pause, a Retry-After) and none failed: until then. */
  waitUntil?: Date;
}

/** Records the attempt; returns the combination's new state, or "lost" if the claim expired. */
export async function finishCombination(
  sql: Queryable,
  combination: ClaimedCombination,
  request: BackfillRequest,
  worker: string,
  result: CombinationResult,
): Promise<"backfilled" | "waiting" | "failed" | "lost"> {
  const [{ state }] = await sql`
    select public.finish_backfill_combination(
      ${combination.id}::bigint, ${worker}, ${request.id}::bigint, ${result.providersDone}::text[],
      ${postgresJson(result.creditsByProvider)}::text::jsonb, ${result.fetchedUntil.toISOString()},
      ${combination.days}::integer, ${result.error ?? null},
      ${result.waitUntil?.toISOString() ?? null}::timestamptz) as state`;
  return state;
}

/** Adds counts to the run's stats (numbers add up, nested objects too). */
export async function recordProgress(
  sql: Queryable,
  runId: number,
  delta: Record<string, unknown>,
): Promise<void> {
  await sql`select public.record_backfill_progress(${runId}::bigint, ${
    postgresJson(delta)
  }::text::jsonb)`;
}

/** Releases the request: continue, wait, or finish it (see `settle_backfill_request`). */
export async function settleRequest(
  sql: Queryable,
  request: BackfillRequest,
  worker: string,
  options: { chain: boolean },
): Promise<Settlement> {
  const [{ outcome }] = await sql`
    select public.settle_backfill_request(${request.id}::bigint, ${worker}, interval '15 seconds',
      ${options.chain}) as outcome`;
  return outcome;
}

/** Puts a request this invocation could not work on back in line, with the reason. */
export async function releaseRequest(
  sql: Queryable,
  request: BackfillRequest,
  worker: string,
  error: string,
  retryAfterSeconds = 300,
): Promise<void> {
  await sql`
    select public.release_backfill_request(${request.id}::bigint, ${worker}, ${error},
                                           make_interval(secs => ${retryAfterSeconds}))`;
}

/** Why an open request does not run now (`public.backfill_waits()`). */
export interface BackfillWait {
  requestId: number;
  userId: string;
  /**
   * held: leased to a live worker; paused: a provider is paused; retry: a retry time;
   * allowance: new searches wait for the user's allowance of new paid searches.
   */
  reason: "held" | "paused" | "retry" | "allowance";
  until: Date;
  provider: string | null;
  worker: string | null;
  detail: string;
}

/** What keeps open requests from running now, and until when (only `requestId`'s if given). */
export async function backfillWaits(
  sql: Queryable,
  requestId: number | null = null,
): Promise<BackfillWait[]> {
  const rows = await sql`
    select * from public.backfill_waits() w
    where ${requestId}::bigint is null or w.request_id = ${requestId}::bigint`;
  return rows.map((row) => ({
    requestId: Number(row.request_id),
    userId: row.user_id,
    reason: row.reason,
    until: new Date(row.until),
    provider: row.provider,
    worker: row.worker,
    detail: row.detail,
  }));
}

/**
 * Asks for a user's backfill by hand (`public.request_backfill`), optionally over fewer days (a
 * partial backfill); the user's open request for the same period is reused. Returns its id.
 */
export async function requestBackfill(
  sql: Queryable,
  userId: string,
  days: number | null = null,
  requestedBy: "manual" | "cli" = "manual",
): Promise<number> {
  const [{ id }] = await sql`
    select id from public.request_backfill(${userId}::uuid, ${days}::integer, ${requestedBy})`;
  return Number(id);
}
