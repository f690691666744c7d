/**
 * What every provider client takes and returns: the search combination, the time window, the
 * ledger context of a call, and the outcome of fetching one combination from one provider.
 *
 * @module
 */
import type { CanonicalJob } from "../jobs/canonical_job.ts";
import type { EmploymentType, Provider, Seniority, WorkArrangement } from "../vocabulary.ts";

/** One search combination, as stored in `backfill_tracking` (normalised labels, NULL = any). */
export interface JobSearch {
  titleKeyword: string;
  location: string;
  workArrangement?: WorkArrangement | null;
  employmentType?: EmploymentType | null;
  seniority?: Seniority | null;
  /** An Active Jobs DB `ai_taxonomies_a` value. */
  industry?: string | null;
}

/** The postings wanted: posted after `since`, up to `until` (now). */
export interface FetchWindow {
  since: Date;
  until: Date;
}

/** Where a call belongs, for the usage ledger. */
export interface CallContext {
  runId?: number | null;
  combinationId?: number | null;
}

/** How fetching one combination from one provider ended. */
export type FetchStatus =
  /** Every page was fetched. */
  | "ok"
  /** Some pages were fetched, then a call failed; the jobs fetched so far are kept. */
  | "partial"
  /** Nothing was fetched. */
  | "failed"
  /** No call was made: the provider is stopped for this run (quota spent, key rejected). */
  | "skipped"
  /**
   * The next page must wait (a Retry-After longer than a worker waits, or the invocation's
   * deadline): not a failure; `retryAt` says when it is asked again.
   */
  | "deferred";

/** The outcome of fetching one combination from one provider. */
export interface ProviderFetch {
  provider: Provider;
  status: FetchStatus;
  /** Valid postings, mapped to the canonical shape. */
  jobs: CanonicalJob[];
  /** Records skipped as malformed, counted by reason. */
  rejected: Record<string, number>;
  /** HTTP calls made, retries included. */
  calls: number;
  /** Request credits spent, as the provider bills them. */
  credits: number;
  /** Records returned (Active Jobs DB bills each one as a job credit). */
  jobsReturned: number;
  /** The window the provider was actually asked for (e.g. "month", "/active-ats-7d"). */
  window: string;
  /** Why the fetch failed or stopped early. */
  error?: string;
  /**
   * The page limit (settings.jsearch_max_pages / active_jobs_db_max_pages) ended the fetch on a
   * full page.
   */
  truncated?: boolean;
  /** When the next page may be asked for (status `deferred`). */
  retryAt?: Date;
  /** A page was answered but could not be stored (the database): the fetch stopped there. */
  storeFailed?: boolean;
}

/** The outcome of a fetch that has not made a call yet. */
export function startFetch(provider: Provider, window: string): ProviderFetch {
  return {
    provider,
    status: "ok",
    jobs: [],
    rejected: {},
    calls: 0,
    credits: 0,
    jobsReturned: 0,
    window,
  };
}

/** Counts a rejected record under `reason`. */
export function countRejection(rejected: Record<string, number>, reason: string): void {
  rejected[reason] = (rejected[reason] ?? 0) + 1;
}

/** A combination's columns as SQL returns them (`backfill_tracking`, claim functions). */
export interface CombinationColumns {
  title_keyword: string;
  location: string;
  ai_work_arrangement: string | null;
  ai_employment_type: string | null;
  ai_seniority: string | null;
  ai_industry: string | null;
}

/** The search a combination row stands for. */
export function searchFromRow(row: CombinationColumns): JobSearch {
  return {
    titleKeyword: row.title_keyword,
    location: row.location,
    workArrangement: row.ai_work_arrangement as WorkArrangement | null,
    employmentType: row.ai_employment_type as EmploymentType | null,
    seniority: row.ai_seniority as Seniority | null,
    industry: row.ai_industry,
  };
}
