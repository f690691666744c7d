/**
 * The JSearch client: fetches one combination over a window through `/search`, page policy and
 * billing from `params.ts`, every call through the resilient `callProvider`.
 *
 * @module
 */
import { InvalidResponseError } from "../call.ts";
import { type ParsedPage, parseRecords } from "../page_parser.ts";
import { fetchPages, type FetchPagesOptions, type FetchPlan, type Pager } from "../paging.ts";
import type { ProviderSession } from "../session.ts";
import type { FetchWindow, JobSearch, ProviderFetch } from "../types.ts";
import { mapJSearchJob } from "./mapper.ts";
import {
  type DatePosted,
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
export interface JSearchFetchOptions extends FetchPagesOptions {
  /** Country for locations that name none (and for "remote"). Default "de". */
  defaultCountry?: string;
  /** `num_pages` per call after the first (1–20). Default 10. */
  pagesPerCall?: number;
}

/** The fixed part of a fetch: `/search` with the combination's query over the window. */
export function planJSearch(
  search: JobSearch,
  window: FetchWindow,
  defaultCountry = "de",
): FetchPlan {
  const params = jsearchParams(search, window, defaultCountry);
  return { provider: "jsearch", endpoint: "/search", params, window, label: params.date_posted };
}

/**
 * JSearch's paging: `page` from 1, `num_pages` by the page policy of `params.ts` (a call of 10
 * pages costs 2 credits), full while a call returns 10 results per page asked.
 */
export function jsearchPager(pagesPerCall?: number): Pager {
  return {
    firstPage: 1,
    request(page, session, plan) {
      const numPages = nextNumPages({
        datePosted: plan.params.date_posted as DatePosted,
        firstCall: page === 1,
        pagesLeft: session.settings.maxPages - page + 1,
        requestsRemaining: session.quota?.requestsRemaining ?? null,
        pagesPerCall,
      });
      return {
        params: { page: String(page), num_pages: String(numPages) },
        credits: jsearchCredits(numPages),
        span: numPages,
      };
    },
    isFull: (records, span) => records >= span * JSEARCH_PAGE_SIZE,
    after: (page, span) => page + span,
    beyondLimit: (page, session) => page > session.settings.maxPages,
    parse: parseJSearchPage,
    limitName: "settings.jsearch_max_pages",
  };
}

/** Fetches every page of one combination over a window. Never throws for provider trouble. */
export async function fetchJSearch(
  session: ProviderSession,
  search: JobSearch,
  window: FetchWindow,
  options: JSearchFetchOptions = {},
): Promise<ProviderFetch> {
  const pager = jsearchPager(options.pagesPerCall);
  return await fetchPages(
    session,
    pager,
    planJSearch(search, window, options.defaultCountry),
    { nextPage: pager.firstPage, previousFirstId: null },
    options,
  );
}
