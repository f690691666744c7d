/**
 * A faithful local fake of Active Jobs DB on RapidAPI
 * (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db): the 24h and
 * 7d feeds with their filters, paging and job credits, the Ultra/Mega-only endpoints, and
 * bare-array replies, behind the RapidAPI gateway.
 *
 * @module
 */
import {
  activeJobsDbId,
  type ActiveJobsDbJobOptions,
  dateCreated,
  INDEXING_DELAY_MS,
  toActiveJobsDbJob,
} from "./active_jobs_db_job.ts";
import { brokenRecords } from "./broken_records.ts";
import { COUNTRIES } from "./places.ts";
import {
  createRapidApiGateway,
  type EndpointCall,
  type EndpointReply,
  type RapidApiEndpoint,
  type RapidApiPlan,
} from "./rapidapi_gateway.ts";
import { type FakeProviderOptions, type FakeServer, serveGateway } from "./server.ts";
import { normalizeSearchText, startOfUtcDay } from "./text.ts";
import { createJobWorld, type JobSearch, type JobWorld, type WorldPosting } from "./world.ts";

/** The RapidAPI host of Active Jobs DB. */
export const ACTIVE_JOBS_DB_HOST = "active-jobs-db.p.rapidapi.com";

/**
 * Default plan: BASIC, 10,000 requests and 250 jobs a month. The listing's free tier meters
 * jobs; 250 jobs a month is what client code written for it assumes, not a figure the listing
 * confirms.
 */
export const ACTIVE_JOBS_DB_DEFAULT_PLAN: RapidApiPlan = {
  name: "BASIC",
  monthlyRequests: 10_000,
  monthlyJobs: 250,
};

/** Options of {@link startFakeActiveJobsDb}. */
export type FakeActiveJobsDbOptions = FakeProviderOptions;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ULTRA_PLANS = ["ULTRA", "MEGA"] as const;
const ULTRA_REFUSAL = "This endpoint requires an Ultra or Mega subscription";

interface FeedOptions {
  /** How far back `date_created` reaches. */
  windowMs: number;
  /** Allowed `limit`, or null when the endpoint takes none (1h: always 100). */
  limit: { min: number; max: number; fallback: number } | null;
  /** Whether `date_filter` applies (24h and 7d only). */
  dateFilter: boolean;
}

function badRequest(message: string): EndpointReply {
  return { status: 400, body: { message } };
}

function unquote(text: string): string {
  return text.trim().replace(/^"+|"+$/g, "").trim();
}

/** Google-like `A OR B` alternatives of a filter, unquoted; empty parts dropped. */
function alternatives(raw: string | null): string[] {
  return (raw ?? "").split(/\s+OR\s+/).map(unquote).filter((part) => part.length > 0);
}

/** Codes (`DE`, `us`, `UK`, `NYC`) are not location names: the real API matches nothing. */
function isCode(location: string): boolean {
  return /^[A-Za-z]{2}$/.test(location) || /^[A-Z]{3}$/.test(location);
}

/** A comma list, items kept exactly as sent ("no spaces", as the provider documents). */
function commaList(raw: string | null): string[] | null {
  if (raw === null || raw === "") return null;
  return raw.split(",");
}

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, UTC. */
export function parseDateFilter(raw: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2})?)?$/.exec(raw.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2] ?? "00:00"}${match[3] ?? ":00"}Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[1] ? null : date;
}

function integer(raw: string | null): number | null {
  if (raw === null || raw.trim() === "") return null;
  return /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
}

interface SearchLog {
  record(search: JobSearch): void;
  searches(): JobSearch[];
}

function createSearchLog(): SearchLog {
  const seen = new Map<string, JobSearch>();
  return {
    record(search) {
      const key = `${normalizeSearchText(search.title)}\u0000${
        normalizeSearchText(search.location)
      }`;
      seen.set(key, search);
    },
    searches: () => [...seen.values()],
  };
}

function matchesFilters(posting: WorldPosting, params: URLSearchParams): boolean {
  const arrangements = commaList(params.get("ai_work_arrangement_filter"));
  const types = commaList(params.get("ai_employment_type_filter"));
  const levels = commaList(params.get("ai_experience_level_filter"));
  const taxonomies = commaList(params.get("ai_taxonomies_a_filter"));
  const remote = params.get("remote")?.toLowerCase();
  return (!arrangements || arrangements.includes(posting.workArrangement)) &&
    (!types || types.includes(posting.employmentType)) &&
    (!levels || levels.includes(posting.seniority)) &&
    (!taxonomies || posting.taxonomies.some((t) => taxonomies.includes(t))) &&
    (remote !== "true" || posting.remote) &&
    (remote !== "false" || !posting.remote);
}

function feed(
  context: { world: JobWorld; log: SearchLog },
  call: EndpointCall,
  options: FeedOptions,
): EndpointReply {
  const { params, now } = call;
  let limit = 100;
  if (options.limit) {
    const value = integer(params.get("limit")) ?? options.limit.fallback;
    if (!(value >= options.limit.min && value <= options.limit.max)) {
      return badRequest(`limit must be between ${options.limit.min} and ${options.limit.max}`);
    }
    limit = value;
  }
  const offset = integer(params.get("offset")) ?? 0;
  if (!(offset >= 0)) return badRequest("offset must be a non-negative integer");
  let after: Date | null = null;
  const rawDate = params.get("date_filter");
  if (options.dateFilter && rawDate !== null && rawDate !== "") {
    after = parseDateFilter(rawDate);
    if (!after) return badRequest("Invalid date_filter");
  }

  const titles = alternatives(params.get("title_filter"));
  const locationFilter = params.get("location_filter");
  const locations = locationFilter === null || locationFilter.trim() === ""
    ? Object.values(COUNTRIES).map((c) => c.name)
    : alternatives(locationFilter).filter((location) => !isCode(location));
  const range = {
    from: new Date(now.getTime() - options.windowMs - INDEXING_DELAY_MS),
    to: new Date(now.getTime() - INDEXING_DELAY_MS),
  };
  const found = new Map<string, WorldPosting>();
  for (const title of titles) {
    for (const location of locations) {
      context.log.record({ title, location });
      for (const posting of context.world.postings({ title, location }, range)) {
        found.set(posting.uid, posting);
      }
    }
  }
  const cutoff = now.getTime() - options.windowMs;
  const postings = [...found.values()]
    .filter((p) =>
      p.visibility !== "jsearch" &&
      dateCreated(p).getTime() >= cutoff &&
      (!after || p.postedAt.getTime() > after.getTime()) &&
      matchesFilters(p, params)
    )
    .sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime() || (a.uid < b.uid ? -1 : 1));

  const descriptionType = params.get("description_type");
  const format: ActiveJobsDbJobOptions = {
    description: descriptionType === "text" || descriptionType === "html" ? descriptionType : null,
    includeAi: params.get("include_ai")?.toLowerCase() === "true",
    includeLi: params.get("include_li")?.toLowerCase() === "true",
  };
  const page = postings.slice(offset, offset + limit).map((p) => toActiveJobsDbJob(p, format));
  page.push(...brokenRecords({
    records: page,
    count: call.malformedRecords,
    fields: { id: "id", title: "title", dates: ["date_posted", "date_created"] },
    newId: (i) => activeJobsDbId(`broken|${offset}|${i}|${now.getTime()}`),
  }));
  return { status: 200, body: page, jobs: page.length };
}

function expired(context: { world: JobWorld; log: SearchLog }, now: Date): EndpointReply {
  const today = startOfUtcDay(now).getTime();
  const yesterday = today - DAY_MS;
  const ids = new Set<string>();
  for (const search of context.log.searches()) {
    const range = { from: new Date(today - 62 * DAY_MS), to: now };
    for (const posting of context.world.postings(search, range)) {
      const until = posting.validThrough?.getTime();
      if (
        posting.visibility !== "jsearch" && until !== undefined && until >= yesterday &&
        until < today
      ) {
        ids.add(activeJobsDbId(posting.uid));
      }
    }
  }
  return { status: 200, body: [...ids], jobs: 0 };
}

/**
 * Starts a fake Active Jobs DB on a free port of 127.0.0.1.
 *
 * `/active-ats-24h` and `/active-ats-7d` serve postings whose `date_created` (posted time plus a
 * one-hour indexing delay) lies in the last 24 hours or 7 days of the fake's clock. The Ultra
 * endpoints answer 403 unless the plan is ULTRA or MEGA; then `/active-ats-6m` serves 180 days,
 * `/active-ats-1h` the last hour, `/modified-ats-24h` an empty array, and `/active-ats-expired`
 * the ids of postings (of searches this fake has served) whose validity ended yesterday (UTC).
 * Without `title_filter` a feed returns no jobs (the fake cannot list every job in the world);
 * without `location_filter` it searches every country the fake knows.
 */
export function startFakeActiveJobsDb(options: FakeActiveJobsDbOptions = {}): Promise<FakeServer> {
  const context = { world: options.world ?? createJobWorld(), log: createSearchLog() };
  const standard = { min: 10, max: 100, fallback: 100 };
  const ultra = { plans: ULTRA_PLANS, refusal: ULTRA_REFUSAL };
  const endpoints: Record<string, RapidApiEndpoint> = {
    "/active-ats-24h": {
      handle: (call) =>
        feed(context, call, { windowMs: DAY_MS, limit: standard, dateFilter: true }),
    },
    "/active-ats-7d": {
      handle: (call) =>
        feed(context, call, { windowMs: 7 * DAY_MS, limit: standard, dateFilter: true }),
    },
    "/active-ats-1h": {
      ...ultra,
      handle: (call) => feed(context, call, { windowMs: HOUR_MS, limit: null, dateFilter: false }),
    },
    "/active-ats-6m": {
      ...ultra,
      handle: (call) =>
        feed(context, call, {
          windowMs: 180 * DAY_MS,
          limit: { min: 10, max: 500, fallback: 500 },
          dateFilter: false,
        }),
    },
    "/modified-ats-24h": {
      ...ultra,
      metersJobs: false,
      handle: () => ({ status: 200, body: [], jobs: 0 }),
    },
    "/active-ats-expired": {
      ...ultra,
      metersJobs: false,
      handle: (call) => expired(context, call.now),
    },
  };
  const gateway = createRapidApiGateway({
    listing: { owner: "fantastic-jobs-fantastic-jobs-default", api: "active-jobs-db" },
    plan: options.plan ?? ACTIVE_JOBS_DB_DEFAULT_PLAN,
    keys: options.keys,
    unsubscribedKeys: options.unsubscribedKeys,
    now: options.now,
    latencyMs: options.latencyMs,
    randomFaults: options.randomFaults,
    endpoints,
  });
  return serveGateway(gateway);
}
