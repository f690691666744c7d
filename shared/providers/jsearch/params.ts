/**
 * How a search combination becomes JSearch `/search` parameters, and JSearch's billing:
 * one page is one request; `num_pages` 2–10 is charged ×2, more than 10 ×3
 * (rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch).
 *
 * Page policy: the first call asks for 1 page when the window is a day (a daily refresh rarely
 * fills more than 10 results), otherwise `pagesPerCall` pages (default 10, for the price of 2).
 * While a call comes back full, the next asks for the next `pagesPerCall` pages, up to
 * `maxPages`. The default stays at 10: ×3 for 11–20 pages only pays off when more than 150
 * results exist, which a single title and city rarely have.
 *
 * @module
 */
import { findCountry, resolvePlace } from "../../geo/places.ts";
import { type EmploymentType, REMOTE_WORK_ARRANGEMENTS, type Seniority } from "../../vocabulary.ts";
import type { FetchWindow, JobSearch } from "../types.ts";

/** JSearch's `date_posted` values, narrowest first. */
export type DatePosted = "today" | "3days" | "week" | "month" | "all";

const DAY_MS = 24 * 3600 * 1000;

/** The narrowest `date_posted` that covers the window. */
export function datePostedFor(window: FetchWindow): DatePosted {
  // a minute of slack: "the last 7 days" computed with two clock reads is still a week
  const age = window.until.getTime() - window.since.getTime() - 60_000;
  if (age <= DAY_MS) return "today";
  if (age <= 3 * DAY_MS) return "3days";
  if (age <= 7 * DAY_MS) return "week";
  if (age <= 31 * DAY_MS) return "month";
  return "all";
}

/** Request credits JSearch charges for one call of `numPages` pages. */
export function jsearchCredits(numPages: number): number {
  if (numPages <= 1) return 1;
  return numPages <= 10 ? 2 : 3;
}

/** Results per JSearch page. */
export const JSEARCH_PAGE_SIZE = 10;

/**
 * Pages to ask for in the next call: 1 for a first call over one day, else `pagesPerCall`; never more
 * than `pagesLeft`, and only 1 when the known quota cannot pay for a ×2 call.
 */
export function nextNumPages(options: {
  datePosted: DatePosted;
  firstCall: boolean;
  pagesLeft: number;
  requestsRemaining: number | null;
  /** Pages per call after the first (1–20). Default 10. */
  pagesPerCall?: number;
}): number {
  const perCall = Math.min(20, Math.max(1, Math.floor(options.pagesPerCall ?? 10)));
  let pages = options.firstCall && options.datePosted === "today" ? 1 : perCall;
  pages = Math.min(pages, options.pagesLeft);
  if (options.requestsRemaining !== null && options.requestsRemaining < jsearchCredits(pages)) {
    pages = 1;
  }
  return Math.max(1, pages);
}

/** JSearch's `employment_types` for each employment type; null: JSearch has no such filter. */
const EMPLOYMENT: Readonly<Record<EmploymentType, string | null>> = {
  FULL_TIME: "FULLTIME",
  PART_TIME: "PARTTIME",
  CONTRACTOR: "CONTRACTOR",
  TEMPORARY: "CONTRACTOR",
  INTERN: "INTERN",
  VOLUNTEER: null,
  PER_DIEM: null,
  OTHER: null,
};

/** JSearch's `job_requirements` for each seniority level. */
const REQUIREMENTS: Readonly<Record<Seniority, string>> = {
  "0-2": "under_3_years_experience",
  "2-5": "more_than_3_years_experience",
  "5-10": "more_than_3_years_experience",
  "10+": "more_than_3_years_experience",
};

/** The place name to write in the query, and the country to send. */
function placeOf(location: string, defaultCountry: string) {
  const place = resolvePlace(location);
  if (place.remote) {
    return {
      text: "remote",
      country: (place.country?.code ?? defaultCountry).toLowerCase(),
      remote: true,
    };
  }
  const name = place.city?.name ?? place.country?.name ?? location;
  const country = place.country?.code ?? findCountry(location)?.code ?? defaultCountry;
  return { text: name, country: country.toLowerCase(), remote: false };
}

/**
 * The `/search` parameters for a combination and window, without `page`/`num_pages`.
 * `defaultCountry` is used when the location names no known country (and for "remote").
 */
export function jsearchParams(
  search: JobSearch,
  window: FetchWindow,
  defaultCountry: string,
): Record<string, string> {
  const place = placeOf(search.location, defaultCountry.toLowerCase());
  const params: Record<string, string> = {
    query: place.remote
      ? `${search.titleKeyword} remote`
      : `${search.titleKeyword} in ${place.text}`,
    country: place.country,
    date_posted: datePostedFor(window),
  };
  const remote = place.remote ||
    REMOTE_WORK_ARRANGEMENTS.some((arrangement) => arrangement === search.workArrangement);
  if (remote) params.work_from_home = "true";
  const employment = search.employmentType ? EMPLOYMENT[search.employmentType] : null;
  if (employment) params.employment_types = employment;
  if (search.seniority) params.job_requirements = REQUIREMENTS[search.seniority];
  return params;
}
