/**
 * The Active Jobs DB client: fetches one combination over a window, paging with `limit=100` and
 * `offset` until a short page, stopping on a repeated first id. Each call costs one request
 * credit and one job credit per record returned; both are in the ledger.
 *
 * @module
 */
import { InvalidResponseError } from "../call.ts";
import { type ParsedPage, parseRecords } from "../page_parser.ts";
import { fetchPages, type FetchPagesOptions, type FetchPlan, type Pager } from "../paging.ts";
import type { ProviderSession } from "../session.ts";
import type { FetchWindow, JobSearch, ProviderFetch } from "../types.ts";
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

/** The fixed part of a fetch: the endpoint and filters for the combination and window. */
export function planActiveJobsDb(search: JobSearch, window: FetchWindow): FetchPlan {
  const { endpoint, params } = activeJobsParams(search, window);
  return { provider: "active_jobs_db", endpoint, params, window, label: endpoint };
}

/** Active Jobs DB's paging: `offset` from 0 in steps of `limit=100`, full at 100 records. */
export const activeJobsPager: Pager = {
  firstPage: 0,
  request: (offset) => ({
    params: { offset: String(offset) },
    credits: 1,
    records: ACTIVE_JOBS_PAGE_SIZE,
    span: ACTIVE_JOBS_PAGE_SIZE,
  }),
  isFull: (records) => records >= ACTIVE_JOBS_PAGE_SIZE,
  after: (offset, span) => offset + span,
  beyondLimit: (offset, session) => offset / ACTIVE_JOBS_PAGE_SIZE >= session.settings.maxPages,
  parse: parseActiveJobsPage,
  limitName: "settings.active_jobs_db_max_pages",
};

/** Fetches every page of one combination over a window. Never throws for provider trouble. */
export async function fetchActiveJobsDb(
  session: ProviderSession,
  search: JobSearch,
  window: FetchWindow,
  options: FetchPagesOptions = {},
): Promise<ProviderFetch> {
  return await fetchPages(session, activeJobsPager, planActiveJobsDb(search, window), {
    nextPage: activeJobsPager.firstPage,
    previousFirstId: null,
  }, options);
}
