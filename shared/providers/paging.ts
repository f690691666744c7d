/**
 * Paging, the same for both providers: a fetch is a fixed plan (endpoint, parameters, window)
 * and a cursor (the next page, the first id of the last page). Each answered page is handed to
 * a sink before the next is asked for — `fetch_and_store.ts` stores it with the cursor's step
 * past it and its ledger row in one transaction — so a fetch that stops anywhere resumes at the
 * first page nobody stored, with the same parameters.
 *
 * @module
 */
import type { CanonicalJob } from "../jobs/canonical_job.ts";
import type { Provider } from "../vocabulary.ts";
import {
  type AnsweredUsage,
  type CallFailure,
  callProvider,
  type CallSuccess,
  completeUsage,
} from "./call.ts";
import { mergeRejected, type ParsedPage } from "./page_parser.ts";
import type { ProviderSession } from "./session.ts";
import { type CallContext, type FetchWindow, type ProviderFetch, startFetch } from "./types.ts";

/** Everything a fetch's pages are asked with, except the page. */
export interface FetchPlan {
  provider: Provider;
  endpoint: string;
  params: Record<string, string>;
  window: FetchWindow;
  /** What the window was asked as, e.g. "month" or "/active-ats-7d". */
  label: string;
}

/** Where a fetch's paging stands. */
export interface PageCursor {
  /** JSearch's `page` (from 1), or Active Jobs DB's `offset` (from 0). */
  nextPage: number;
  /** The first record id of the last page stored: a page starting the same is a repeat. */
  previousFirstId: string | null;
}

/** One answered page, ready to be stored. */
export interface AnsweredPage {
  provider: Provider;
  /** The cursor value it was asked for. */
  page: number;
  /** Where the cursor goes once the page is stored. */
  next: PageCursor;
  /** No page follows: the last one was short, repeated, or the page limit came. */
  done: boolean;
  /** The page limit ended the fetch on a full page. */
  truncated: boolean;
  /** Valid postings (none when the page repeats the previous one). */
  jobs: CanonicalJob[];
  rejected: Record<string, number>;
  records: number;
  /** Credits this page's call cost, retries included. */
  credits: number;
  usage: AnsweredUsage;
}

/** Stores an answered page; throws when it cannot (the fetch then stops before the next). */
export type PageSink = (page: AnsweredPage) => Promise<void>;

/** A provider's paging rules. */
export interface Pager {
  firstPage: number;
  /** The page's own parameters, its price, and the records it may hold (job credits). */
  request(
    page: number,
    session: ProviderSession,
    plan: FetchPlan,
  ): { params: Record<string, string>; credits: number; records?: number; span: number };
  /** A page this full means another may follow. */
  isFull(records: number, span: number): boolean;
  /** The next cursor value after a page of `span`. */
  after(page: number, span: number): number;
  /** Whether `page` is beyond the page limit. */
  beyondLimit(page: number, session: ProviderSession): boolean;
  parse(body: unknown): { value: ParsedPage; records: number };
  /** What the page limit is called, for the note on a truncated fetch. */
  limitName: string;
}

/** Options of {@link fetchPages}. */
export interface FetchPagesOptions {
  context?: CallContext;
  /** Where answered pages go; without one, their ledger rows are completed and jobs kept. */
  onPage?: PageSink;
}

function failedStatus(call: CallFailure, pagesBefore: number): ProviderFetch["status"] {
  if (call.retryAt) return "deferred";
  if (pagesBefore > 0) return "partial";
  return call.skipped ? "skipped" : "failed";
}

/** Asks for the page at `cursor`. */
async function askPage(
  session: ProviderSession,
  pager: Pager,
  plan: FetchPlan,
  cursor: PageCursor,
  context: CallContext,
) {
  const asked = pager.request(cursor.nextPage, session, plan);
  const call = await callProvider(session, {
    endpoint: plan.endpoint,
    params: { ...plan.params, ...asked.params },
    credits: asked.credits,
    records: asked.records,
    parse: pager.parse,
    context,
  });
  return { span: asked.span, call };
}

/** The answered page at `cursor`, and where the cursor goes next. */
function answeredPage(
  session: ProviderSession,
  pager: Pager,
  cursor: PageCursor,
  span: number,
  call: CallSuccess<ParsedPage>,
): AnsweredPage {
  const { value } = call;
  const page = cursor.nextPage;
  const repeated = value.firstId !== null && value.firstId === cursor.previousFirstId;
  const next = pager.after(page, span);
  const more = !repeated && pager.isFull(value.records, span);
  const truncated = more && pager.beyondLimit(next, session);
  return {
    provider: session.provider,
    page,
    next: { nextPage: next, previousFirstId: value.firstId },
    done: !more || truncated,
    truncated,
    jobs: repeated ? [] : value.jobs,
    rejected: repeated ? {} : value.rejected,
    records: value.records,
    credits: call.credits,
    usage: call.usage,
  };
}

/**
 * Fetches the pages of `plan` from `cursor` on, handing each to `onPage` before asking for the
 * next. Never throws for provider or storage trouble: the fetch says how it ended.
 */
export async function fetchPages(
  session: ProviderSession,
  pager: Pager,
  plan: FetchPlan,
  cursor: PageCursor,
  options: FetchPagesOptions = {},
): Promise<ProviderFetch> {
  const result = startFetch(plan.provider, plan.label);
  const sink: PageSink = options.onPage ?? ((page) => completeUsage(session, page.usage));
  // a resumed fetch stored pages before this one
  let pagesBefore = cursor.nextPage !== pager.firstPage ? 1 : 0;
  while (!pager.beyondLimit(cursor.nextPage, session)) {
    const { span, call } = await askPage(session, pager, plan, cursor, options.context ?? {});
    result.calls += call.attempts;
    result.credits += call.credits;
    if (!call.ok) {
      result.status = failedStatus(call, pagesBefore);
      result.error = call.error;
      result.retryAt = call.retryAt;
      return result;
    }
    result.jobsReturned += call.value.records;
    const answered = answeredPage(session, pager, cursor, span, call);
    try {
      await sink(answered);
    } catch (error) {
      result.status = pagesBefore > 0 ? "partial" : "failed";
      result.error = `${plan.provider} page ${answered.page} was answered but could not be ` +
        `stored: ${(error as Error).message}`;
      result.storeFailed = true;
      return result;
    }
    pagesBefore++;
    result.jobs.push(...answered.jobs);
    mergeRejected(result.rejected, answered.rejected);
    if (answered.truncated) {
      result.truncated = true;
      result.error = `stopped at the page limit (${pager.limitName}); more results exist`;
    }
    if (answered.done) break;
    cursor = answered.next;
  }
  return result;
}
