/**
 * A local fake of Active Jobs DB on RapidAPI
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db): the 24h and 7d feeds
 * with their filters, paging and job credits, bare-array replies, and `/active-ats-expired`,
 * which only Ultra and Mega plans may call.
 *
 * @module
 */
import { brokenRecords } from "./faults.ts";
import { COUNTRY_NAMES } from "./places.ts";
import {
  type EndpointCall,
  type EndpointReply,
  type FakeProviderOptions,
  type FakeServer,
  type RapidApiPlan,
  serveRapidApi,
} from "./rapidapi_gateway.ts";
import { hashString } from "./random.ts";
import { isoWithoutZone, normalizeSearchText } from "./text.ts";
import { createJobWorld, type JobSearch, type JobWorld, type WorldPosting } from "./world.ts";

/**
 * Default plan: BASIC, 10,000 requests and 250 jobs a month. The free tier meters jobs; 250 jobs
 * a month is what client code written for it assumes (the listing does not state it).
 */
export const ACTIVE_JOBS_DB_DEFAULT_PLAN: RapidApiPlan = {
  name: "BASIC",
  monthlyRequests: 10_000,
  monthlyJobs: 250,
};

/** Options of {@link startFakeActiveJobsDb}. */
export type FakeActiveJobsDbOptions = FakeProviderOptions;

/** Indexing delay: `date_created` is `date_posted` plus this. */
export const INDEXING_DELAY_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** The Active Jobs DB id of a posting: a string of 12 digits, stable per posting. */
export function activeJobsDbId(uid: string): string {
  const high = 100_000 + (hashString(`${uid}|ajdb`, 7) % 900_000);
  const low = hashString(`${uid}|ajdb`, 8) % 1_000_000;
  return `${high}${String(low).padStart(6, "0")}`;
}

/** The `include_ai=true` fields. */
function aiFields(posting: WorldPosting): Record<string, unknown> {
  const { salary } = posting;
  const range = salary && salary.min !== salary.max;
  return {
    ai_salary_currency: salary?.currency ?? null,
    ai_salary_value: salary && !range ? salary.min : null,
    ai_salary_minvalue: range ? salary.min : null,
    ai_salary_maxvalue: range ? salary.max : null,
    ai_salary_unittext: salary?.period ?? null,
    ai_experience_level: posting.seniority,
    ai_work_arrangement: posting.workArrangement,
    ai_employment_type: [posting.employmentType],
    ai_key_skills: posting.skills,
    ai_taxonomies_a: posting.taxonomies,
    ai_job_language: posting.language,
  };
}

/**
 * The posting as an Active Jobs DB job object; `description_text` with `description_type=text`
 * (the fake serves no HTML), the `ai_*` fields with `include_ai=true`.
 */
export function toActiveJobsDbJob(
  posting: WorldPosting,
  format: { description: boolean; ai: boolean },
): Record<string, unknown> {
  const { salary, company, city, region, countryName } = posting;
  const solelyRemote = posting.workArrangement === "Remote Solely";
  return {
    id: activeJobsDbId(posting.uid),
    date_posted: isoWithoutZone(posting.postedAt),
    date_created: isoWithoutZone(new Date(posting.postedAt.getTime() + INDEXING_DELAY_MS)),
    date_validthrough: posting.validThrough ? isoWithoutZone(posting.validThrough) : null,
    title: posting.title,
    organization: company.name,
    organization_url: `https://www.${company.domain}`,
    url: posting.atsUrl,
    source_type: "ats",
    source: company.ats,
    source_domain: new URL(posting.atsUrl).hostname,
    employment_type: [posting.employmentType],
    salary_raw: salary && {
      "@type": "MonetaryAmount",
      currency: salary.currency,
      value: {
        "@type": "QuantitativeValue",
        minValue: salary.min,
        maxValue: salary.max,
        unitText: salary.period,
      },
    },
    ...(format.description && { description_text: posting.description }),
    locations_raw: [{
      "@type": "Place",
      address: {
        "@type": "PostalAddress",
        addressCountry: posting.country,
        addressLocality: city,
        addressRegion: region,
      },
    }],
    location_type: solelyRemote ? "TELECOMMUTE" : null,
    cities_derived: city ? [city] : [],
    regions_derived: region ? [region] : [],
    countries_derived: [countryName],
    locations_derived: [[city, region, countryName].filter((p) => p !== null).join(", ")],
    remote_derived: posting.remote,
    ...(format.ai && aiFields(posting)),
  };
}

/** Google-like `A OR B` alternatives of a filter, unquoted; empty parts dropped. */
function alternatives(raw: string | null): string[] {
  return (raw ?? "").split(/\s+OR\s+/).map((part) => part.trim().replace(/^"+|"+$/g, "").trim())
    .filter((part) => part.length > 0);
}

/** A comma list, items kept exactly as sent ("no spaces", as the provider documents). */
function commaList(raw: string | null): string[] | null {
  return raw === null || raw === "" ? null : raw.split(",");
}

function matchesFilters(posting: WorldPosting, params: URLSearchParams): boolean {
  const filter = (name: string, values: readonly string[]) => {
    const wanted = commaList(params.get(name));
    return !wanted || values.some((value) => wanted.includes(value));
  };
  const remote = params.get("remote")?.toLowerCase();
  return filter("ai_work_arrangement_filter", [posting.workArrangement]) &&
    filter("ai_employment_type_filter", [posting.employmentType]) &&
    filter("ai_experience_level_filter", [posting.seniority]) &&
    filter("ai_taxonomies_a_filter", posting.taxonomies) &&
    (remote !== "true" || posting.remote) && (remote !== "false" || !posting.remote);
}

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, UTC; null when it is not such a date. */
function parseDateFilter(raw: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2})?)?$/.exec(raw.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2] ?? "00:00"}${match[3] ?? ":00"}Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[1] ? null : date;
}

/** `limit` (10–100, default 100), `offset` (default 0) and `date_filter`, or a 400. */
function pageParams(
  params: URLSearchParams,
): { limit: number; offset: number; after: Date | null } | EndpointReply {
  const integer = (name: string, fallback: number) => {
    const raw = params.get(name)?.trim();
    return !raw ? fallback : /^\d+$/.test(raw) ? Number(raw) : NaN;
  };
  const limit = integer("limit", 100);
  const offset = integer("offset", 0);
  const rawDate = params.get("date_filter") ?? "";
  const after = rawDate === "" ? null : parseDateFilter(rawDate);
  const badRequest = (message: string) => ({ status: 400, body: { message } });
  if (!(limit >= 10 && limit <= 100)) return badRequest("limit must be between 10 and 100");
  if (!(offset >= 0)) return badRequest("offset must be a non-negative integer");
  if (rawDate !== "" && !after) return badRequest("Invalid date_filter");
  return { limit, offset, after };
}

/** The searches this fake has served, for `/active-ats-expired`. */
type SearchLog = Map<string, JobSearch>;

/**
 * The postings of a feed whose `date_created` lies in the last `windowMs`, newest first. Codes
 * (`DE`, `us`, `NYC`) are not location names: the real API matches nothing for them. Without
 * `location_filter` every country the fake knows is searched.
 */
function feedPostings(world: JobWorld, log: SearchLog, call: EndpointCall, windowMs: number) {
  const { params, now } = call;
  const locationFilter = params.get("location_filter");
  const locations = locationFilter === null || locationFilter.trim() === ""
    ? COUNTRY_NAMES
    : alternatives(locationFilter).filter((l) => !/^[A-Za-z]{2}$|^[A-Z]{3}$/.test(l));
  const to = new Date(now.getTime() - INDEXING_DELAY_MS);
  const range = { from: new Date(to.getTime() - windowMs), to };
  const found = new Map<string, WorldPosting>();
  for (const title of alternatives(params.get("title_filter"))) {
    for (const location of locations) {
      log.set(`${title}\u0000${normalizeSearchText(location)}`, { title, location });
      for (const p of world.postings({ title, location }, range)) found.set(p.uid, p);
    }
  }
  return [...found.values()]
    .filter((p) => p.visibility !== "jsearch" && matchesFilters(p, params))
    .sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime() || (a.uid < b.uid ? -1 : 1));
}

function feed(
  world: JobWorld,
  log: SearchLog,
  call: EndpointCall,
  windowMs: number,
): EndpointReply {
  const paging = pageParams(call.params);
  if ("status" in paging) return paging;
  const { limit, offset, after } = paging;
  const format = {
    description: call.params.get("description_type") === "text",
    ai: call.params.get("include_ai")?.toLowerCase() === "true",
  };
  const page = feedPostings(world, log, call, windowMs)
    .filter((p) => !after || p.postedAt.getTime() > after.getTime())
    .slice(offset, offset + limit)
    .map((p) => toActiveJobsDbJob(p, format));
  page.push(...brokenRecords(page, call.malformedRecords, {
    id: "id",
    title: "title",
    dates: ["date_posted", "date_created"],
    newId: (i) => activeJobsDbId(`broken|${offset}|${i}|${call.now.getTime()}`),
  }));
  return { status: 200, body: page, jobs: page.length };
}

/** Ids of postings of searches this fake has served whose validity ended yesterday (UTC). */
function expired(world: JobWorld, log: SearchLog, now: Date): EndpointReply {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const ids = new Set<string>();
  for (const search of log.values()) {
    for (
      const posting of world.postings(search, { from: new Date(today - 62 * DAY_MS), to: now })
    ) {
      const until = posting.validThrough?.getTime() ?? -1;
      if (posting.visibility !== "jsearch" && until >= today - DAY_MS && until < today) {
        ids.add(activeJobsDbId(posting.uid));
      }
    }
  }
  return { status: 200, body: [...ids], jobs: 0 };
}

/**
 * Starts a fake Active Jobs DB on a free port of 127.0.0.1: `/active-ats-24h` and
 * `/active-ats-7d` serve postings whose `date_created` (posted time plus a one-hour indexing
 * delay) lies in the last 24 hours or 7 days of the fake's clock, one job credit a record; without
 * `title_filter` they return no jobs (the fake cannot list every job in the world).
 * `/active-ats-expired` answers 403 unless the plan is ULTRA or MEGA, and costs no job credits.
 */
export function startFakeActiveJobsDb(options: FakeActiveJobsDbOptions = {}): Promise<FakeServer> {
  const world = options.world ?? createJobWorld();
  const log: SearchLog = new Map();
  return Promise.resolve(serveRapidApi({
    ...options,
    plan: options.plan ?? ACTIVE_JOBS_DB_DEFAULT_PLAN,
    listing: "fantastic-jobs-fantastic-jobs-default/api/active-jobs-db",
    endpoints: {
      "/active-ats-24h": { handle: (call) => feed(world, log, call, DAY_MS) },
      "/active-ats-7d": { handle: (call) => feed(world, log, call, 7 * DAY_MS) },
      "/active-ats-expired": {
        plans: ["ULTRA", "MEGA"],
        refusal: "This endpoint requires an Ultra or Mega subscription",
        metersJobs: false,
        handle: (call) => expired(world, log, call.now),
      },
    },
  }));
}
