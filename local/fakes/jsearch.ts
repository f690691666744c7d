/**
 * A local fake of JSearch on RapidAPI (rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch):
 * `GET /search` with its parameters, validation errors, page billing, filters and envelope, and
 * its job objects — the publishers, apply links (Google for Jobs' tracking parameters included),
 * relative dates and location spelling of Google for Jobs.
 *
 * @module
 */
import type { EmploymentType, Seniority } from "../../shared/vocabulary.ts";
import { brokenRecords } from "./faults.ts";
import { countryOf } from "./places.ts";
import {
  type EndpointCall,
  type EndpointReply,
  type FakeProviderOptions,
  type FakeServer,
  type RapidApiPlan,
  serveRapidApi,
} from "./rapidapi_gateway.ts";
import { createRandom, hashHex, type Random } from "./random.ts";
import { slugify } from "./text.ts";
import { createJobWorld, type JobWorld, type WorldPosting } from "./world.ts";

/**
 * The default JSearch plan: BASIC, 200 requests a month, the figure most often reported for the
 * free tier (the listing does not state it).
 */
export const JSEARCH_DEFAULT_PLAN: RapidApiPlan = { name: "BASIC", monthlyRequests: 200 };

/** Options of {@link startFakeJSearch}. */
export type FakeJSearchOptions = FakeProviderOptions;

/** Google for Jobs' tracking parameters, in the order Google appends them. */
export const GOOGLE_TRACKING = "utm_campaign=google_jobs_apply&utm_source=google_jobs_apply" +
  "&utm_medium=organic";

const PAGE_SIZE = 10;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How many days back each `date_posted` value reaches; `all` is taken as 180 days. */
const DATE_WINDOWS: Readonly<Record<string, number>> = {
  all: 180,
  today: 1,
  "3days": 3,
  week: 7,
  month: 30,
};

/** JSearch's wire employment type and its text, by type; TEMPORARY is reported as CONTRACTOR. */
const EMPLOYMENT: Partial<Record<EmploymentType, readonly [string, string]>> = {
  FULL_TIME: ["FULLTIME", "Full-time"],
  PART_TIME: ["PARTTIME", "Part-time"],
  CONTRACTOR: ["CONTRACTOR", "Contractor"],
  INTERN: ["INTERN", "Internship"],
  TEMPORARY: ["CONTRACTOR", "Contractor"],
};

/** `job_requirements` values, by the levels they admit. */
const REQUIREMENTS: Readonly<Record<string, readonly Seniority[]>> = {
  under_3_years_experience: ["0-2"],
  more_than_3_years_experience: ["2-5", "5-10", "10+"],
  no_experience: ["0-2"],
};

/** A Google-docid-like job id: 16 bytes, base64url with padding, ending `AAAAAA==`. */
export function jsearchJobId(seedText: string): string {
  const hex = hashHex(seedText, 24) + "00000000";
  const bytes = Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

function track(url: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${GOOGLE_TRACKING}`;
}

/** The posting on a job board, tracked. */
function boardLink(board: string, posting: WorldPosting, random: Random) {
  const country = posting.country.toLowerCase();
  const indeed = country === "us" ? "www" : country === "gb" ? "uk" : country;
  const links: Record<string, () => string> = {
    LinkedIn: () => `https://www.linkedin.com/jobs/view/${random.digits(10)}`,
    Indeed: () => `https://${indeed}.indeed.com/viewjob?jk=${random.hex(16)}`,
    StepStone: () =>
      `https://www.stepstone.de/stellenangebote--${slugify(posting.title, { keepCase: true })}--${
        random.digits(8)
      }-inline.html`,
    Glassdoor: () =>
      `https://www.glassdoor.com/job-listing/${slugify(posting.title)}.htm?jl=${random.digits(13)}`,
  };
  return { publisher: board, apply_link: track(links[board]()), is_direct: false };
}

/**
 * The ATS URL as Google for Jobs passes it on: tracked, and sometimes `http://`, a `www.` host, a
 * trailing slash, or a `gh_src` / `src=LinkedIn` source parameter.
 */
function trackedAtsUrl(atsUrl: string, random: Random): string {
  const url = new URL(atsUrl);
  if (random.chance(0.3)) url.protocol = "http:";
  if (random.chance(0.2)) url.hostname = `www.${url.hostname}`;
  if (random.chance(0.2)) url.pathname = `${url.pathname}/`;
  if (random.chance(0.3)) {
    url.search = url.hostname.endsWith("greenhouse.io")
      ? `gh_src=${random.hex(8)}`
      : "src=LinkedIn";
  }
  return track(url.toString());
}

/**
 * Where to apply: `same_url` overlaps lead with the company's own (tracked) ATS link; every other
 * posting is on job boards only. The within-provider duplicate is one other board.
 */
function applyOptions(posting: WorldPosting, duplicate: boolean) {
  const random = createRandom(`${posting.uid}|jsearch${duplicate ? "|duplicate" : ""}`);
  const boards = posting.country === "DE" || posting.country === "AT"
    ? ["LinkedIn", "Indeed", "StepStone", "Glassdoor"]
    : ["LinkedIn", "Indeed", "Glassdoor"];
  const picked = random.sample(boards.slice(0, -1), random.int(1, 2));
  if (duplicate) return [boardLink(boards[boards.length - 1], posting, random)];
  const options = picked.map((board) => boardLink(board, posting, random));
  if (posting.overlapStyle !== "same_url") return options;
  const careers = `${posting.company.brand} Careers`;
  const direct = trackedAtsUrl(posting.atsUrl, random);
  return [{ publisher: careers, apply_link: direct, is_direct: true }, ...options];
}

function postedAtText(age: number): string {
  if (age < HOUR_MS) return "just now";
  if (age < DAY_MS) return `${Math.floor(age / HOUR_MS)} hours ago`.replace(/^1 hours/, "1 hour");
  const days = Math.floor(age / DAY_MS);
  return days >= 30 ? "30+ days ago" : `${days} days ago`.replace(/^1 days/, "1 day");
}

/** The posting as a JSearch job object; `duplicate` is its second copy via another board. */
export function toJSearchJob(posting: WorldPosting, now: Date, duplicate = false) {
  const options = applyOptions(posting, duplicate);
  const jobId = jsearchJobId(`${posting.uid}|jsearch${duplicate ? "|duplicate" : ""}`);
  const coarse = posting.overlapStyle === "coarse_location";
  const city = coarse ? null : posting.city;
  // Google knows the hour of a fresh posting, else the day
  const step = now.getTime() - posting.postedAt.getTime() < DAY_MS ? HOUR_MS : DAY_MS;
  const posted = new Date(Math.floor(posting.postedAt.getTime() / step) * step);
  const [type, typeText] = EMPLOYMENT[posting.employmentType] ?? EMPLOYMENT.FULL_TIME!;
  const { salary, validThrough } = posting;
  return {
    job_id: jobId,
    job_title: posting.title,
    employer_name: posting.overlapStyle === "fingerprint"
      ? posting.company.brand
      : posting.company.name,
    employer_website: `https://www.${posting.company.domain}`,
    job_publisher: options[0].publisher,
    job_employment_type: typeText,
    job_employment_types: [type],
    job_apply_link: options[0].apply_link,
    job_apply_is_direct: options[0].is_direct,
    apply_options: options,
    job_description: posting.description,
    job_is_remote: posting.remote,
    job_posted_at: postedAtText(now.getTime() - posting.postedAt.getTime()),
    job_posted_at_timestamp: Math.floor(posted.getTime() / 1000),
    job_posted_at_datetime_utc: posted.toISOString(),
    job_location: city ? `${city}, ${posting.countryName}` : posting.countryName,
    job_city: city,
    job_state: coarse ? null : posting.region,
    job_country: posting.country,
    job_google_link: `https://www.google.com/search?q=jobs&gl=${posting.country.toLowerCase()}` +
      `&udm=8#vhid=vt%3D20/docid%3D${encodeURIComponent(jobId)}&vssid=jobs-detail-viewer`,
    job_salary: null,
    job_min_salary: salary?.min ?? null,
    job_max_salary: salary?.max ?? null,
    job_salary_period: salary?.period ?? null,
    ...(validThrough && {
      job_offer_expiration_datetime_utc: validThrough.toISOString(),
      job_offer_expiration_timestamp: Math.floor(validThrough.getTime() / 1000),
    }),
  };
}

function error(message: string): EndpointReply {
  const body = { status: "ERROR", request_id: crypto.randomUUID(), error: { message, code: 400 } };
  return { status: 400, body };
}

/** An integer parameter in `[1, max]`, 1 when absent, else the error message. */
function integerParam(params: URLSearchParams, name: string, max: number): number | string {
  const raw = params.get(name)?.trim() || "1";
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return value >= 1 && value <= max
    ? value
    : `Invalid value for parameter ${name}: must be an integer between 1 and ${max}`;
}

function list(raw: string | null): string[] {
  return (raw ?? "").split(",").map((v) => v.trim().toLowerCase()).filter((v) => v.length > 0);
}

/** Title and location of a query: split on the last " in "; else the country's name. */
function parseQuery(query: string, country: string): { title: string; location: string } {
  const match = /^(.*)\s+in\s+(.+)$/is.exec(query);
  const title = (match ? match[1] : query).replace(/\s+(jobs?|remote)$/i, "");
  return { title, location: match ? match[2] : countryOf(country).name };
}

function matches(posting: WorldPosting, params: URLSearchParams, country: string): boolean {
  const types = list(params.get("employment_types")).map((t) => t.toUpperCase());
  const levels = list(params.get("job_requirements")).flatMap((r) => REQUIREMENTS[r] ?? []);
  return posting.visibility !== "active_jobs_db" &&
    posting.country === country.toUpperCase() &&
    (params.get("work_from_home")?.toLowerCase() !== "true" || posting.remote) &&
    (types.length === 0 || types.includes(EMPLOYMENT[posting.employmentType]?.[0] ?? "")) &&
    (levels.length === 0 || levels.includes(posting.seniority));
}

function search(world: JobWorld, call: EndpointCall): EndpointReply {
  const { params, now } = call;
  const query = params.get("query")?.trim() ?? "";
  if (query.length === 0) return error("Missing required parameter: query");
  const page = integerParam(params, "page", 100);
  const numPages = integerParam(params, "num_pages", 20);
  if (typeof page === "string" || typeof numPages === "string") {
    return error(typeof page === "string" ? page : String(numPages));
  }
  const datePosted = (params.get("date_posted") || "all").toLowerCase();
  const days = DATE_WINDOWS[datePosted];
  if (days === undefined) {
    return error(
      "Invalid value for parameter date_posted: must be one of all, today, 3days, week, month",
    );
  }
  const requested = (params.get("country") || "us").toLowerCase();
  // Google accepts gl=uk for the United Kingdom
  const country = requested === "uk" ? "gb" : requested;
  const range = { from: new Date(now.getTime() - days * DAY_MS), to: now };
  // a posting JSearch carries twice comes again via another board, under another id
  const copies = (p: WorldPosting) =>
    p.jsearchDuplicate
      ? [toJSearchJob(p, now), toJSearchJob(p, now, true)]
      : [toJSearchJob(p, now)];
  const jobs = world.postings(parseQuery(query, country), range)
    .filter((posting) => matches(posting, params, country))
    .flatMap(copies);
  const start = (page - 1) * PAGE_SIZE;
  const data: Record<string, unknown>[] = jobs.slice(start, start + numPages * PAGE_SIZE);
  data.push(...brokenRecords(data, call.malformedRecords, {
    id: "job_id",
    title: "job_title",
    dates: ["job_posted_at_datetime_utc", "job_posted_at_timestamp"],
    newId: (i) => jsearchJobId(`${query}|broken|${start}|${i}`),
  }));
  const language = params.get("language") || (/^(de|at|ch)$/.test(country) ? "de" : "en");
  const parameters = {
    query,
    page,
    num_pages: numPages,
    date_posted: datePosted,
    country: requested,
    language,
  };
  return {
    status: 200,
    jobs: data.length,
    body: { status: "OK", request_id: crypto.randomUUID(), parameters, data },
  };
}

/**
 * Starts a fake JSearch on a free port of 127.0.0.1. `GET /search` only; other paths get the
 * gateway's 404. A query without country=de (default `us`) finds no German postings, as with the
 * real API. Billing: 1 page costs 1 request, 2–10 pages 2, 11–20 pages 3.
 */
export function startFakeJSearch(options: FakeJSearchOptions = {}): Promise<FakeServer> {
  const world = options.world ?? createJobWorld();
  return Promise.resolve(serveRapidApi({
    ...options,
    plan: options.plan ?? JSEARCH_DEFAULT_PLAN,
    listing: "letscrape-6bRBa3QguO5/api/jsearch",
    endpoints: {
      "/search": {
        credits(params) {
          const pages = integerParam(params, "num_pages", 20);
          return typeof pages === "string" || pages <= 1 ? 1 : pages <= 10 ? 2 : 3;
        },
        handle: (call) => search(world, call),
      },
    },
  }));
}
