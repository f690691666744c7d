/**
 * How a search combination becomes Active Jobs DB parameters
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db): the endpoint for the
 * window (`/active-ats-24h` or `/active-ats-7d`), `title_filter` as a quoted phrase,
 * `location_filter` with the full place name (the API does not understand codes like "DE"), the
 * `ai_*_filter` values, `include_ai=true`, `description_type=text`, and `date_filter` for a "since"
 * inside the endpoint's window.
 *
 * @module
 */
import { resolvePlace } from "../../geo/places.ts";
import { REMOTE_WORK_ARRANGEMENTS } from "../../vocabulary.ts";
import type { FetchWindow, JobSearch } from "../types.ts";

/** The endpoints this client uses. */
export type ActiveJobsEndpoint = "/active-ats-24h" | "/active-ats-7d";

/** Records per page; the API's maximum for these endpoints. */
export const ACTIVE_JOBS_PAGE_SIZE = 100;

const HOUR_MS = 3600 * 1000;

/** The endpoint that covers the window (7 days is the widest without an Ultra plan). */
export function activeJobsEndpointFor(window: FetchWindow): ActiveJobsEndpoint {
  const age = window.until.getTime() - window.since.getTime();
  return age <= 24 * HOUR_MS ? "/active-ats-24h" : "/active-ats-7d";
}

/**
 * Jobs appear in Active Jobs DB one to two hours after their `date_posted`
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db), so a "since" filter
 * reaches back this much further, or a late-indexed posting would fall between two fetches. The
 * overlap costs a few job credits; the store dedups it.
 */
export const INDEXING_DELAY_MS = 2 * 3600 * 1000;

/** `YYYY-MM-DDTHH:MM:SS` in UTC, the `date_filter` format. */
export function dateFilterOf(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** The full place name for `location_filter`, or null for "remote". */
function locationFilterOf(location: string): { filter: string | null; remote: boolean } {
  const place = resolvePlace(location);
  if (place.remote && !place.city && !place.country) return { filter: null, remote: true };
  const name = place.city?.name ?? place.country?.name ??
    location.replace(/\b\p{L}/gu, (letter) => letter.toUpperCase());
  return { filter: name, remote: place.remote };
}

/** The parameters for a combination and window, without `offset`. */
export function activeJobsParams(
  search: JobSearch,
  window: FetchWindow,
): { endpoint: ActiveJobsEndpoint; params: Record<string, string> } {
  const endpoint = activeJobsEndpointFor(window);
  const params: Record<string, string> = {
    title_filter: `"${search.titleKeyword.replace(/"/g, "")}"`,
    description_type: "text",
    include_ai: "true",
    limit: String(ACTIVE_JOBS_PAGE_SIZE),
  };
  const location = locationFilterOf(search.location);
  if (location.filter) params.location_filter = location.filter;
  // date_filter narrows the endpoint's own window; a since older than it adds nothing
  const endpointSpan = endpoint === "/active-ats-24h" ? 24 * HOUR_MS : 7 * 24 * HOUR_MS;
  const since = window.since.getTime() - INDEXING_DELAY_MS;
  if (window.until.getTime() - since < endpointSpan) {
    params.date_filter = dateFilterOf(new Date(since));
  }
  const arrangement = search.workArrangement ??
    (location.remote ? REMOTE_WORK_ARRANGEMENTS.join(",") : null);
  if (arrangement) params.ai_work_arrangement_filter = arrangement;
  if (search.employmentType) params.ai_employment_type_filter = search.employmentType;
  if (search.seniority) params.ai_experience_level_filter = search.seniority;
  if (search.industry) params.ai_taxonomies_a_filter = search.industry;
  return { endpoint, params };
}
