/**
 * The daily run's expired-postings check: once per run, when
 * `settings.active_jobs_db_expired_enabled` is true, Active Jobs DB's `/active-ats-expired` is
 * asked which postings were flagged expired yesterday, and those stored postings and their jobs
 * are marked expired (they leave every feed and stay stored).
 *
 * Decisions, each with its reason:
 * - **At most once per run, whoever asks.** `claim_expired_check` takes the check in one
 *   statement, so parallel invocations and retried ones never call twice. A crash after the claim
 *   leaves it `claimed` and nobody asks again on that run: the call may have been billed (its
 *   `api_usage` row says), and the brief of this check is "at most once".
 * - **A transient failure gets one more attempt, later in the same run.** 429 throttling, 5xx,
 *   time-outs, network errors and cut-off bodies are first retried in process by `callProvider`
 *   (backoff, Retry-After). If the call still fails, an invocation of the same run may take the
 *   check once more, 5 minutes later at the earliest (or after the provider's Retry-After): the
 *   list stays the same all day (it updates at 01:30 UTC), so waiting loses nothing, and an outage
 *   that outlived the in-process retries is rarely over within seconds. A failure is final once
 *   `settings.expired_check_max_attempts` calls are spent; a run that settles before the retry time keeps the failure and its reason.
 * - **A final failure is recorded with its fix**: the plan (401/403: upgrade to Ultra or Mega, or
 *   turn the setting off), the key, a spent quota or budget, another 4xx.
 * - **It never stops the combinations.** It runs beside them on its own copy of the session, so a
 *   403 for the plan — which says nothing about the job endpoints — does not stop or pause Active
 *   Jobs DB; a spent quota or budget is found by the next job call on its own. It never throws.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { storeAnswer } from "../providers/answer_store.ts";
import { type CallFailure, completeUsage } from "../providers/call.ts";
import {
  ACTIVE_JOBS_EXPIRED_ENDPOINT,
  ACTIVE_JOBS_LISTING,
  fetchExpiredIds,
} from "../providers/active_jobs_db/expired.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import { applyPauses } from "../providers/pauses.ts";
import type { ProviderSession } from "../providers/session.ts";
import {
  claimExpiredCheck,
  expiredCheckMaxAttempts,
  type ExpiredFailure,
  failExpiredCheck,
  finishExpiredCheck,
} from "./claims.ts";

/** What one invocation's part in the check came to. */
export type ExpiredCheckResult =
  /** The setting is off: nothing asked, nothing written. */
  | { kind: "off" }
  /** Another invocation took it, it is done or failed for good, or its retry time has not come. */
  | { kind: "not_taken" }
  /** Active Jobs DB is paused: nothing taken; the reason is on the run. */
  | { kind: "blocked"; reason: string }
  | { kind: "done"; attempt: number; reported: number; postings: number; jobs: number }
  | {
    kind: "failed";
    attempt: number;
    failure: ExpiredFailure;
    /** One more attempt in this run from then; null: none. */
    retryAt: Date | null;
    error: string;
  }
  /** The database failed before the call could be taken; the refresh goes on. */
  | { kind: "error"; error: string };

/** The earliest a transient failure is asked again in the same run. */
const RETRY_GAP_MS = 5 * 60_000;

const TRANSIENT: ReadonlySet<ExpiredFailure> = new Set<ExpiredFailure>([
  "rate_limited",
  "server_error",
  "timeout",
  "network_error",
  "invalid_response",
  "not_sent",
  "store_failed",
]);

/** What a failed call means for the check. */
export function classifyExpiredFailure(call: CallFailure): ExpiredFailure {
  switch (call.outcome) {
    case "quota_exhausted":
    case "budget_exhausted":
    case "rate_limited":
    case "timeout":
    case "network_error":
    case "invalid_response":
    case "not_sent":
      return call.outcome;
  }
  switch (call.refusal) {
    case "plan":
    case "subscription":
      return "plan_required";
    case "key":
      return "key_refused";
  }
  const { status } = call;
  return status !== null && status >= 500 ? "server_error" : "refused";
}

/** The reason written on the run: what happened, and what to do. */
export function describeExpiredFailure(
  failure: ExpiredFailure,
  detail: string,
  status: number | null,
  retryAt: Date | null,
): string {
  if (failure === "plan_required") {
    return `Active Jobs DB refused ${ACTIVE_JOBS_EXPIRED_ENDPOINT} (${status}): the endpoint ` +
      `needs an Ultra or Mega plan (${ACTIVE_JOBS_LISTING}). Upgrade the RapidAPI subscription ` +
      "to Ultra or Mega, or turn the check off: update public.settings set " +
      "active_jobs_db_expired_enabled = false; (the provider's own words are in " +
      "api_usage.error; the combinations are refreshed either way)";
  }
  const next = retryAt
    ? ` Asked once more from ${retryAt.toISOString()} by a later invocation of this run, if ` +
      "one comes then."
    : TRANSIENT.has(failure)
    ? " Not asked again on this run."
    : "";
  return `${ACTIVE_JOBS_EXPIRED_ENDPOINT}: ${detail.replace(/\.?$/, ".")}${next}`;
}

/** Writes a failure on the run, with one more attempt later when it is transient and allowed. */
async function recordFailure(
  sql: Queryable,
  runId: number,
  attempt: number,
  failed: { failure: ExpiredFailure; detail: string; status: number | null; retryAt?: Date },
): Promise<ExpiredCheckResult> {
  const { failure } = failed;
  const retryAt = TRANSIENT.has(failure) && attempt < await expiredCheckMaxAttempts(sql)
    ? new Date(Math.max(Date.now() + RETRY_GAP_MS, failed.retryAt?.getTime() ?? 0))
    : null;
  const error = describeExpiredFailure(failure, failed.detail, failed.status, retryAt);
  await failExpiredCheck(sql, runId, failure, error, retryAt);
  return { kind: "failed", attempt, failure, retryAt, error };
}

/** Marks the ids and records the counts, retried as a page store is. */
async function recordMarks(
  sql: Queryable,
  runId: number,
  attempt: number,
  ids: readonly string[],
): Promise<ExpiredCheckResult> {
  try {
    const marked = await storeAnswer(
      sql,
      (tx) => finishExpiredCheck(tx, runId, "active_jobs_db", ids),
    );
    return { kind: "done", attempt, ...marked };
  } catch (error) {
    return await recordFailure(sql, runId, attempt, {
      failure: "store_failed",
      detail: `the ${ids.length} id(s) reported could not be marked (${(error as Error).message})`,
      status: null,
    });
  }
}

/** Takes the check if it is this invocation's, asks the provider, records the outcome. */
async function takeAndCheck(
  sql: Queryable,
  sessions: ProviderSessions,
  runId: number,
): Promise<ExpiredCheckResult> {
  const [settings] = await sql`
    select active_jobs_db_expired_enabled as enabled from public.settings`;
  if (!settings?.enabled) return { kind: "off" };
  await applyPauses(sql, sessions);
  const main = sessions.active_jobs_db;
  if (main.stopped) {
    const reason = `Active Jobs DB is paused until ${main.stopped.until?.toISOString()}: ` +
      `${main.stopped.message} The expired-postings check waits for a later invocation of ` +
      "this run.";
    await claimExpiredCheck(sql, runId, reason);
    return { kind: "blocked", reason };
  }
  const attempt = await claimExpiredCheck(sql, runId);
  if (attempt === null) return { kind: "not_taken" };
  // its own copy of the session: whatever this call stops (a 403 for the plan) stays with it
  const session: ProviderSession = { ...main, stopped: null };
  const call = await fetchExpiredIds(session, { runId });
  if (!call.ok) {
    return await recordFailure(sql, runId, attempt, {
      failure: classifyExpiredFailure(call),
      detail: call.error,
      status: call.status,
      retryAt: call.retryAt,
    });
  }
  await completeUsage(session, call.usage);
  return await recordMarks(sql, runId, attempt, call.value);
}

/** One line for the log. */
export function summarizeExpiredCheck(result: ExpiredCheckResult): string {
  switch (result.kind) {
    case "done":
      return `${result.reported} id(s) reported, ${result.postings} posting(s) and ` +
        `${result.jobs} job(s) marked expired`;
    case "failed":
      return `failed (${result.failure}): ${result.error}`;
    case "blocked":
      return `not taken: ${result.reason}`;
    case "error":
      return `could not run: ${result.error}`;
    default:
      return result.kind;
  }
}

/**
 * Makes the run's expired-postings check if it is this invocation's to make. Never throws: a
 * database failure is returned as `error`, and the refresh of the combinations goes on.
 */
export async function checkExpiredOnce(
  deps: { sql: Queryable; log?: (line: string) => void },
  sessions: ProviderSessions,
  runId: number,
): Promise<ExpiredCheckResult> {
  const result = await takeAndCheck(deps.sql, sessions, runId)
    .catch((error): ExpiredCheckResult => ({ kind: "error", error: (error as Error).message }));
  if (result.kind !== "off" && result.kind !== "not_taken") {
    deps.log?.(`expired postings (run ${runId}): ${summarizeExpiredCheck(result)}`);
  }
  return result;
}
