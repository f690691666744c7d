/**
 * The usage ledger: one `api_usage` row per provider call, successful or not — provider,
 * endpoint, parameters (never the key), status, credits, jobs returned and the quota the gateway
 * reported. It is what the quota budget and the analytics read.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import type { QuotaSnapshot } from "./rapidapi.ts";

/** How a call ended (the `api_usage.outcome` values). */
export type CallOutcome =
  | "ok"
  | "http_error"
  | "rate_limited"
  | "quota_exhausted"
  | "timeout"
  | "network_error"
  | "invalid_response";

/** One ledger row. */
export interface UsageEntry {
  runId: number | null;
  combinationId: number | null;
  provider: "jsearch" | "active_jobs_db" | "anthropic";
  endpoint: string;
  params: Record<string, string>;
  httpStatus: number | null;
  outcome: CallOutcome;
  error: string | null;
  credits: number;
  jobsReturned: number;
  quota: QuotaSnapshot | null;
  durationMs: number;
}

/** Where usage rows go. */
export interface UsageLedger {
  record(entry: UsageEntry): Promise<void>;
}

/** Parameter names that carry a secret and never reach the ledger. */
const SECRET_PARAMS = /key|token|secret|password|authorization/i;

/** The parameters without anything that looks like a secret. */
export function redactParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !SECRET_PARAMS.test(name)));
}

/** A ledger that inserts into `public.api_usage`. */
export function sqlUsageLedger(sql: Queryable): UsageLedger {
  return {
    async record(entry) {
      const quota = entry.quota;
      await sql`
        insert into public.api_usage (run_id, combination_id, provider, endpoint, params,
          http_status, outcome, error, credits, jobs_returned, quota_requests_limit,
          quota_requests_remaining, quota_jobs_limit, quota_jobs_remaining, quota_reset_seconds,
          duration_ms)
        values (${entry.runId}, ${entry.combinationId}, ${entry.provider}, ${entry.endpoint},
          ${sql.json(redactParams(entry.params))}, ${entry.httpStatus}, ${entry.outcome},
          ${entry.error}, ${entry.credits}, ${entry.jobsReturned},
          ${quota?.requestsLimit ?? null}, ${quota?.requestsRemaining ?? null},
          ${quota?.jobsLimit ?? null}, ${quota?.jobsRemaining ?? null},
          ${quota?.resetSeconds ?? null}, ${Math.max(0, Math.round(entry.durationMs))})`;
    },
  };
}

/** A ledger that keeps rows in memory (for code paths that have no database). */
export function memoryUsageLedger(): UsageLedger & { entries: UsageEntry[] } {
  const entries: UsageEntry[] = [];
  return {
    entries,
    record(entry) {
      entries.push({ ...entry, params: redactParams(entry.params) });
      return Promise.resolve();
    },
  };
}
