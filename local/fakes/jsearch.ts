/**
 * A faithful local fake of JSearch on RapidAPI (rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch):
 * `GET /search` with its parameters, validation errors, page billing, filters, envelope and job
 * objects, behind the RapidAPI gateway.
 *
 * @module
 */
import { brokenRecords } from "./broken_records.ts";
import { JSEARCH_EMPLOYMENT_TYPE, jsearchJobId, toJSearchJob } from "./jsearch_job.ts";
import { countryOf } from "./places.ts";
import {
  createRapidApiGateway,
  type EndpointCall,
  type EndpointReply,
  type RapidApiPlan,
} from "./rapidapi_gateway.ts";
import { type FakeProviderOptions, type FakeServer, serveGateway } from "./server.ts";
import { createJobWorld, type JobWorld, type Seniority, type WorldPosting } from "./world.ts";

/** The RapidAPI host of JSearch. */
export const JSEARCH_HOST = "jsearch.p.rapidapi.com";

/**
 * The default JSearch plan: BASIC, 200 requests a month, the figure most often reported for the
 * free tier of rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch (not confirmed by the listing).
 */
export const JSEARCH_DEFAULT_PLAN: RapidApiPlan = { name: "BASIC", monthlyRequests: 200 };

/** Options of {@link startFakeJSearch}. */
export type FakeJSearchOptions = FakeProviderOptions;

const PAGE_SIZE = 10;
const DAY_MS = 86_400_000;

/** How far back each `date_posted` value reaches; `all` is taken as 180 days. */
export const JSEARCH_DATE_WINDOWS: Readonly<Record<string, number>> = {
  all: 180 * DAY_MS,
  today: DAY_MS,
  "3days": 3 * DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
};

const REQUIREMENTS: Readonly<Record<string, readonly Seniority[] | null>> = {
  under_3_years_experience: ["0-2"],
  more_than_3_years_experience: ["2-5", "5-10", "10+"],
  no_experience: ["0-2"],
  no_degree: null,
};

/** Requests quota a call costs: 1 page 1, 2..10 pages 2, more than 10 pages 3. */
export function jsearchCredits(numPages: number): number {
  return numPages <= 1 ? 1 : numPages <= 10 ? 2 : 3;
}

/** Title and location of a JSearch query: split on the last " in "; else the country's name. */
export function parseJSearchQuery(
  query: string,
  country: string,
): { title: string; location: string } {
  const match = /^(.*)\s+in\s+(.+)$/is.exec(query.trim());
  const rawTitle = match ? match[1] : query;
  const rawLocation = match ? match[2] : countryOf(country).name;
  const title = rawTitle.trim().replace(/\s+jobs?$/i, "").replace(/^jobs?$/i, "");
  const location = rawLocation.trim().replace(/\s+via\s+\S+$/i, "");
  return { title, location };
}

function error(message: string): EndpointReply {
  return {
    status: 400,
    body: { status: "ERROR", request_id: crypto.randomUUID(), error: { message, code: 400 } },
  };
}

function integerParam(
  params: URLSearchParams,
  name: string,
  range: { min: number; max: number; fallback: number },
): number | string {
  const raw = params.get(name);
  if (raw === null || raw === "") return range.fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(value >= range.min && value <= range.max)) {
    const bounds = `between ${range.min} and ${range.max}`;
    return `Invalid value for parameter ${name}: must be an integer ${bounds}`;
  }
  return value;
}

function list(raw: string | null): string[] {
  return (raw ?? "").split(",").map((v) => v.trim()).filter((v) => v.length > 0);
}

function filterPostings(postings: WorldPosting[], params: URLSearchParams, country: string) {
  const remoteOnly = params.get("work_from_home")?.toLowerCase() === "true";
  const types = list(params.get("employment_types")).map((t) => t.toUpperCase())
    .filter((t) => ["FULLTIME", "CONTRACTOR", "PARTTIME", "INTERN"].includes(t));
  const levels = new Set<Seniority>();
  for (const requirement of list(params.get("job_requirements"))) {
    for (const level of REQUIREMENTS[requirement.toLowerCase()] ?? []) levels.add(level);
  }
  return postings.filter((p) =>
    p.visibility !== "active_jobs_db" &&
    p.country === country.toUpperCase() &&
    (!remoteOnly || p.remote) &&
    (types.length === 0 || types.includes(JSEARCH_EMPLOYMENT_TYPE[p.employmentType])) &&
    (levels.size === 0 || levels.has(p.seniority))
  );
}

function project(job: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return job;
  return Object.fromEntries(fields.filter((f) => f in job).map((f) => [f, job[f]]));
}

function search(world: JobWorld, call: EndpointCall): EndpointReply {
  const { params, now } = call;
  const query = params.get("query")?.trim() ?? "";
  if (query.length === 0) return error("Missing required parameter: query");
  const page = integerParam(params, "page", { min: 1, max: 100, fallback: 1 });
  if (typeof page === "string") return error(page);
  const numPages = integerParam(params, "num_pages", { min: 1, max: 20, fallback: 1 });
  if (typeof numPages === "string") return error(numPages);
  const datePosted = (params.get("date_posted") || "all").toLowerCase();
  const window = JSEARCH_DATE_WINDOWS[datePosted];
  if (window === undefined) {
    return error(
      "Invalid value for parameter date_posted: must be one of all, today, 3days, week, month",
    );
  }
  const requested = (params.get("country") || "us").toLowerCase();
  // Google accepts gl=uk for the United Kingdom.
  const country = requested === "uk" ? "gb" : requested;
  const language = params.get("language") || countryOf(country).language;

  const { title, location } = parseJSearchQuery(query, country);
  const postings = filterPostings(
    world.postings({ title, location }, { from: new Date(now.getTime() - window), to: now }),
    params,
    country,
  );
  const jobs: Record<string, unknown>[] = [];
  for (const posting of postings) {
    jobs.push(toJSearchJob(posting, { now }));
    if (posting.jsearchDuplicate) jobs.push(toJSearchJob(posting, { now, duplicate: true }));
  }
  const start = (page - 1) * PAGE_SIZE;
  const data = jobs.slice(start, start + numPages * PAGE_SIZE);
  data.push(...brokenRecords({
    records: data,
    count: call.malformedRecords,
    fields: {
      id: "job_id",
      title: "job_title",
      dates: ["job_posted_at_datetime_utc", "job_posted_at_timestamp"],
    },
    newId: (i) => jsearchJobId(`${query}|broken|${start}|${i}`),
  }));
  const fields = list(params.get("fields"));
  return {
    status: 200,
    jobs: data.length,
    body: {
      status: "OK",
      request_id: crypto.randomUUID(),
      parameters: {
        query,
        page,
        num_pages: numPages,
        date_posted: datePosted,
        country: requested,
        language,
      },
      data: data.map((job) => project(job, fields)),
    },
  };
}

/**
 * Starts a fake JSearch on a free port of 127.0.0.1. `GET /search` only; other paths get the
 * gateway's 404. A query without country=de (default `us`) finds no German postings, as with the
 * real API.
 */
export function startFakeJSearch(options: FakeJSearchOptions = {}): Promise<FakeServer> {
  const world = options.world ?? createJobWorld();
  const gateway = createRapidApiGateway({
    listing: { owner: "letscrape-6bRBa3QguO5", api: "jsearch" },
    plan: options.plan ?? JSEARCH_DEFAULT_PLAN,
    keys: options.keys,
    unsubscribedKeys: options.unsubscribedKeys,
    now: options.now,
    latencyMs: options.latencyMs,
    randomFaults: options.randomFaults,
    endpoints: {
      "/search": {
        credits(params) {
          const numPages = integerParam(params, "num_pages", { min: 1, max: 20, fallback: 1 });
          return jsearchCredits(typeof numPages === "number" ? numPages : 1);
        },
        handle: (call) => search(world, call),
      },
    },
  });
  return serveGateway(gateway);
}
