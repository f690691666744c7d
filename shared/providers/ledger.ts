/**
 * The usage ledger: one `api_usage` row per provider call, successful or not — provider,
 * endpoint, parameters (never the key), status, credits, jobs returned and the quota the gateway
 * reported. The row is written `pending` before the request leaves and completed when the answer
 * is in, so a call that reached the provider always has one; a row a dead process left pending
 * becomes `unknown` (possibly billed). It is what the quota budget and the analytics read.
 *
 * @module
 */
import { isolated, type Queryable } from "../db/postgres.ts";
import type { QuotaSnapshot } from "./rapidapi.ts";

/** How a call ended (the `api_usage.outcome` values, besides the two of a row not answered). */
export type CallOutcome =
  | "ok"
  | "http_error"
  | "rate_limited"
  | "quota_exhausted"
  /** Never written to api_usage: no call was made, the monthly budget in settings is spent. */
  | "budget_exhausted"
  /** Never written to api_usage: no call was made, its ledger row could not be written. */
  | "not_sent"
  | "timeout"
  | "network_error"
  | "invalid_response";

/** A call about to leave: what its `pending` row holds. */
export interface UsageStart {
  runId: number | null;
  combinationId: number | null;
  provider: "jsearch" | "active_jobs_db" | "anthropic";
  endpoint: string;
  params: Record<string, string>;
  /** What the call costs if it is billed: the pending row counts it until the answer is in. */
  credits: number;
}

/** How a call ended: what completes its row. */
export interface UsageResult {
  httpStatus: number | null;
  outcome: CallOutcome;
  error: string | null;
  credits: number;
  jobsReturned: number;
  quota: QuotaSnapshot | null;
  durationMs: number;
}

/** One completed ledger row. */
export interface UsageEntry extends UsageStart, UsageResult {}

/** A row written as `pending` before its call left. */
export interface UsageRow {
  id: number;
  start: UsageStart;
}

/**
 * Where usage rows go: a row is opened (`pending`) before the request leaves and completed when
 * the answer is in, so a call that reached the provider always has a row.
 */
export interface UsageLedger {
  /** Writes the pending row. Throws when it cannot: then no call may be made. */
  open(start: UsageStart): Promise<UsageRow>;
  /**
   * Completes the row. `within`: in this transaction (an answered page completes its row in the
   * transaction that stores it). Throws when it cannot be written.
   */
  complete(row: UsageRow, result: UsageResult, within?: Queryable): Promise<void>;
}

/** Parameter names that carry a secret and never reach the ledger. */
const SECRET_PARAMS = /key|token|secret|password|authorization/i;

/** The parameters without anything that looks like a secret. */
export function redactParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !SECRET_PARAMS.test(name)));
}

/** Text Postgres stores: no NUL, no lone surrogate, at most `max` characters. */
function cleanText(value: string | null, max = 2000): string | null {
  if (value === null) return null;
  return value.replaceAll("\u0000", "").toWellFormed().slice(0, max);
}

/** An integer column's value, or null when it does not fit (a header in milliseconds, say). */
function int4(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= 2147483647
    ? value
    : null;
}

/** The parameters as the table holds them: no secret, no NUL, each at most 500 characters. */
function storableParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(redactParams(params)).map(([k, v]) => [k, cleanText(v, 500) ?? ""]),
  );
}

/** A ledger in `public.api_usage`. */
export function sqlUsageLedger(sql: Queryable): UsageLedger {
  return {
    async open(start) {
      const [{ id }] = await isolated(
        sql,
        (q) =>
          q`
        insert into public.api_usage (run_id, combination_id, provider, endpoint, params, outcome,
                                      credits)
        values (${start.runId}, ${start.combinationId}, ${start.provider}, ${start.endpoint},
                ${q.json(storableParams(start.params))}, 'pending', ${start.credits})
        returning id`,
      );
      return { id: Number(id), start };
    },
    async complete(row, result, within) {
      const quota = result.quota;
      const q = within ?? sql;
      await isolated(
        q,
        (t) =>
          t`
        update public.api_usage
        set http_status = ${result.httpStatus}, outcome = ${result.outcome},
            error = ${cleanText(result.error)}, credits = ${result.credits},
            jobs_returned = ${result.jobsReturned},
            quota_requests_limit = ${int4(quota?.requestsLimit)},
            quota_requests_remaining = ${int4(quota?.requestsRemaining)},
            quota_jobs_limit = ${int4(quota?.jobsLimit)},
            quota_jobs_remaining = ${int4(quota?.jobsRemaining)},
            quota_reset_seconds = ${int4(quota?.resetSeconds)},
            duration_ms = ${Math.max(0, Math.round(result.durationMs))}, completed_at = now()
        where id = ${row.id} and outcome in ('pending', 'unknown')`,
      );
    },
  };
}

/** A ledger that keeps rows in memory (for code paths that have no database). */
export function memoryUsageLedger(): UsageLedger & { entries: UsageEntry[] } {
  const entries: UsageEntry[] = [];
  let next = 0;
  return {
    entries,
    open(start) {
      return Promise.resolve({ id: ++next, start });
    },
    complete(row, result) {
      entries.push({ ...row.start, ...result, params: redactParams(row.start.params) });
      return Promise.resolve();
    },
  };
}
