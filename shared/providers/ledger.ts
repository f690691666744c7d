/**
 * The usage ledger: one `api_usage` row per provider call, successful or not — provider,
 * endpoint, parameters (never the key), status, credits, jobs returned and the quota the gateway
 * reported. It is what the quota budget and the analytics read.
 *
 * @module
 */
import { isolated, type Queryable } from "../db/postgres.ts";
import type { QuotaSnapshot } from "./rapidapi.ts";

/** How a call ended (the `api_usage.outcome` values). */
export type CallOutcome =
  | "ok"
  | "http_error"
  | "rate_limited"
  | "quota_exhausted"
  /** Never written to api_usage: no call was made, the monthly budget in settings is spent. */
  | "budget_exhausted"
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

/** The entry as the table can hold it. */
function storable(entry: UsageEntry): UsageEntry {
  const params = Object.fromEntries(
    Object.entries(redactParams(entry.params)).map(([k, v]) => [k, cleanText(v, 500) ?? ""]),
  );
  const quota = entry.quota && {
    requestsLimit: int4(entry.quota.requestsLimit),
    requestsRemaining: int4(entry.quota.requestsRemaining),
    jobsLimit: int4(entry.quota.jobsLimit),
    jobsRemaining: int4(entry.quota.jobsRemaining),
    resetSeconds: int4(entry.quota.resetSeconds),
  };
  return { ...entry, params, quota, error: cleanText(entry.error), endpoint: entry.endpoint };
}

/**
 * A ledger that inserts into `public.api_usage`. A row that cannot be written is reported on
 * stderr and does not fail the provider call it describes.
 */
export function sqlUsageLedger(sql: Queryable): UsageLedger {
  return {
    async record(original) {
      const entry = storable(original);
      const quota = entry.quota;
      try {
        const insert = (q: Queryable) =>
          q`
        insert into public.api_usage (run_id, combination_id, provider, endpoint, params,
          http_status, outcome, error, credits, jobs_returned, quota_requests_limit,
          quota_requests_remaining, quota_jobs_limit, quota_jobs_remaining, quota_reset_seconds,
          duration_ms)
        values (${entry.runId}, ${entry.combinationId}, ${entry.provider}, ${entry.endpoint},
          ${q.json(entry.params)}, ${entry.httpStatus}, ${entry.outcome},
          ${entry.error}, ${entry.credits}, ${entry.jobsReturned},
          ${quota?.requestsLimit ?? null}, ${quota?.requestsRemaining ?? null},
          ${quota?.jobsLimit ?? null}, ${quota?.jobsRemaining ?? null},
          ${quota?.resetSeconds ?? null}, ${Math.max(0, Math.round(entry.durationMs))})`;
        await isolated(sql, insert);
      } catch (error) {
        console.error(
          `Cannot write the usage row for ${entry.provider} ${entry.endpoint} ` +
            `(${entry.outcome}): ${(error as Error).message}`,
        );
      }
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
