/**
 * The Active Jobs DB client: fetches one combination over a window, paging with `limit=100` and
 * `offset` until a short page, stopping on a repeated first id. Each call costs one request
 * credit and one job credit per record returned; both are in the ledger.
 *
 * @module
 */
import { callProvider, InvalidResponseError } from "../call.ts";
import { mergeRejected, type ParsedPage, parseRecords } from "../page_parser.ts";
import type { ProviderSession } from "../session.ts";
import {
  type CallContext,
  type FetchWindow,
  type JobSearch,
  type ProviderFetch,
  startFetch,
} from "../types.ts";
import { mapActiveJob } from "./mapper.ts";
import { ACTIVE_JOBS_PAGE_SIZE, activeJobsParams } from "./params.ts";
import { activeJobSchema, activeJobsPageSchema } from "./schema.ts";

/** The real host; also the `X-RapidAPI-Host` header. */
export const ACTIVE_JOBS_HOST = "active-jobs-db.p.rapidapi.com";

function idOf(record: unknown): string | null {
  const id = (record as { id?: unknown })?.id;
  return typeof id === "string" || typeof id === "number" ? String(id) : null;
}

/** Validates a page body (a bare array). */
export function parseActiveJobsPage(body: unknown): { value: ParsedPage; records: number } {
  const page = activeJobsPageSchema.safeParse(body);
  if (!page.success) {
    const message = (body as { message?: string })?.message;
    throw new InvalidResponseError(message ?? "expected a JSON array of jobs");
  }
  const parsed = parseRecords(page.data, activeJobSchema, mapActiveJob, idOf);
  return { value: parsed, records: parsed.records };
}

/** Options for {@link fetchActiveJobsDb}. */
export interface ActiveJobsFetchOptions {
  context?: CallContext;
}

/** Fetches every page of one combination over a window. Never throws for provider trouble. */
export async function fetchActiveJobsDb(
  session: ProviderSession,
  search: JobSearch,
  window: FetchWindow,
  options: ActiveJobsFetchOptions = {},
): Promise<ProviderFetch> {
  const { endpoint, params } = activeJobsParams(search, window);
  const result = startFetch("active_jobs_db", endpoint);
  let previousFirstId: string | null = null;
  for (let page = 0; page < session.settings.maxPages; page++) {
    const call = await callProvider(session, {
      endpoint,
      params: { ...params, offset: String(page * ACTIVE_JOBS_PAGE_SIZE) },
      credits: 1,
      records: ACTIVE_JOBS_PAGE_SIZE,
      parse: parseActiveJobsPage,
      context: options.context ?? {},
    });
    result.calls += call.attempts;
    result.credits += call.credits;
    if (!call.ok) {
      result.status = call.skipped && page === 0 ? "skipped" : page > 0 ? "partial" : "failed";
      result.error = call.error;
      break;
    }
    const { value } = call;
    result.jobsReturned += value.records;
    // A page that starts like the previous one means the offset is ignored: stop, keep nothing
    // twice.
    if (value.firstId !== null && value.firstId === previousFirstId) break;
    previousFirstId = value.firstId;
    result.jobs.push(...value.jobs);
    mergeRejected(result.rejected, value.rejected);
    if (value.records < ACTIVE_JOBS_PAGE_SIZE) break;
    if (page + 1 >= session.settings.maxPages) {
      result.truncated = true;
      result.error = `stopped after ${session.settings.maxPages} pages (ACTIVE_JOBS_MAX_PAGES); ` +
        "more results exist";
    }
  }
  return result;
}
