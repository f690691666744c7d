/**
 * The JSearch client: fetches one combination over a window through `/search`, page policy and
 * billing from `params.ts`, every call through the resilient `callProvider`.
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
import { mapJSearchJob } from "./mapper.ts";
import {
  datePostedFor,
  JSEARCH_PAGE_SIZE,
  jsearchCredits,
  jsearchParams,
  nextNumPages,
} from "./params.ts";
import { jsearchEnvelopeSchema, jsearchJobSchema } from "./schema.ts";

/** The real host; also the `X-RapidAPI-Host` header. */
export const JSEARCH_HOST = "jsearch.p.rapidapi.com";

function idOf(record: unknown): string | null {
  const id = (record as { job_id?: unknown })?.job_id;
  return typeof id === "string" ? id : null;
}

/** Validates a `/search` body. */
export function parseJSearchPage(body: unknown): { value: ParsedPage; records: number } {
  const envelope = jsearchEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const error = (body as { error?: { message?: string } })?.error?.message;
    throw new InvalidResponseError(
      error ?? `expected {"status":"OK","data":[...]}: ${envelope.error.issues[0]?.message}`,
    );
  }
  const page = parseRecords(envelope.data.data, jsearchJobSchema, mapJSearchJob, idOf);
  return { value: page, records: page.records };
}

/** Options for {@link fetchJSearch}. */
export interface JSearchFetchOptions {
  context?: CallContext;
  /** Country for locations that name none (and for "remote"). Default "de". */
  defaultCountry?: string;
  /** `num_pages` per call after the first (1–20). Default 10. */
  pagesPerCall?: number;
}

/** Fetches every page of one combination over a window. Never throws for provider trouble. */
export async function fetchJSearch(
  session: ProviderSession,
  search: JobSearch,
  window: FetchWindow,
  options: JSearchFetchOptions = {},
): Promise<ProviderFetch> {
  const datePosted = datePostedFor(window);
  const base = jsearchParams(search, window, options.defaultCountry ?? "de");
  const result = startFetch("jsearch", datePosted);
  const maxPages = session.settings.maxPages;
  let page = 1;
  let previousFirstId: string | null = null;
  while (page <= maxPages) {
    const numPages = nextNumPages({
      datePosted,
      firstCall: page === 1,
      pagesLeft: maxPages - page + 1,
      requestsRemaining: session.quota?.requestsRemaining ?? null,
      pagesPerCall: options.pagesPerCall,
    });
    const call = await callProvider(session, {
      endpoint: "/search",
      params: { ...base, page: String(page), num_pages: String(numPages) },
      credits: jsearchCredits(numPages),
      parse: parseJSearchPage,
      context: options.context ?? {},
    });
    result.calls += call.attempts;
    result.credits += call.credits;
    if (!call.ok) {
      result.status = call.skipped && page === 1
        ? "skipped"
        : result.jobs.length > 0 || page > 1
        ? "partial"
        : "failed";
      result.error = call.error;
      break;
    }
    result.jobsReturned += call.value.records;
    // a call that starts like the previous one means paging is ignored: keep nothing twice
    if (call.value.firstId !== null && call.value.firstId === previousFirstId) break;
    previousFirstId = call.value.firstId;
    result.jobs.push(...call.value.jobs);
    mergeRejected(result.rejected, call.value.rejected);
    if (call.value.records < numPages * JSEARCH_PAGE_SIZE) break;
    page += numPages;
    if (page > maxPages) {
      result.truncated = true;
      result.error = `stopped after ${maxPages} pages (JSEARCH_MAX_PAGES); more results exist`;
    }
  }
  return result;
}
