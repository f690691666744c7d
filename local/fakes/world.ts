/**
 * A deterministic "job world": the universe of real postings that both fake providers draw from.
 * For every search (title, location) and UTC day the postings come from a seeded generator, so
 * asking the same search again later returns the same postings plus newer ones.
 *
 * @module
 */
import { generateDay } from "./posting.ts";
import type { Salary } from "./salary.ts";
import { normalizeSearchText } from "./text.ts";
import { resolveLocation } from "./places.ts";

export { normalizeSearchText } from "./text.ts";
export { COUNTRIES, PLACES } from "./places.ts";
export type { Salary } from "./salary.ts";

/** A search, compared after {@link normalizeSearchText}. */
export interface JobSearch {
  title: string;
  location: string;
}

/** An inclusive range of posting times. */
export interface TimeRange {
  from: Date;
  to: Date;
}

/** Fractions of postings each provider sees (normalised to sum 1). */
export interface VisibilityShare {
  both: number;
  jsearchOnly: number;
  activeJobsOnly: number;
}

/** Options of {@link createJobWorld}. */
export interface JobWorldOptions {
  /** Seed of every generator (default `"job-feed"`). */
  seed?: string;
  /** Average postings per search per UTC day (default 6; each day has 0.5x–1.5x of it). */
  postingsPerDay?: number;
  /** Default `{ both: 0.4, jsearchOnly: 0.3, activeJobsOnly: 0.3 }`. */
  share?: VisibilityShare;
}

/** Work arrangement, in Active Jobs DB's `ai_work_arrangement` vocabulary. */
export type WorkArrangement = "On-site" | "Hybrid" | "Remote OK" | "Remote Solely";
/** Employment type, in Active Jobs DB's vocabulary. */
export type EmploymentType = "FULL_TIME" | "PART_TIME" | "CONTRACTOR" | "INTERN" | "TEMPORARY";
/** Years of experience, in Active Jobs DB's `ai_experience_level` vocabulary. */
export type Seniority = "0-2" | "2-5" | "5-10" | "10+";

/** One real posting of the world, before either provider formats it. */
export interface WorldPosting {
  /** Stable, unique id of the posting. */
  uid: string;
  /** A realistic variation of the searched title, e.g. `Senior Data Engineer (m/w/d)`. */
  title: string;
  company: {
    /** Legal name, e.g. `Zalando SE`. */
    name: string;
    /** Name without legal form, e.g. `Zalando`. */
    brand: string;
  };
  city: string | null;
  /** Full state or region name, e.g. `Bavaria`. */
  region: string | null;
  /** ISO-2, upper case. */
  country: string;
  countryName: string;
  latitude: number;
  longitude: number;
  remote: boolean;
  workArrangement: WorkArrangement;
  employmentType: EmploymentType;
  seniority: Seniority;
  /** Active Jobs DB `ai_taxonomies_a` values. */
  taxonomies: string[];
  salary: Salary | null;
  /** Plain text, paragraphs separated by blank lines, 800–2500 characters. */
  description: string;
  skills: string[];
  postedAt: Date;
  validThrough: Date | null;
  /** Canonical posting URL on the ATS. */
  atsUrl: string;
  /** ATS name as Active Jobs DB prints it in `source`, e.g. `greenhouse`, `lever.co`. */
  ats: string;
  visibility: "both" | "jsearch" | "active_jobs_db";
  /** How the two providers' copies differ; only for visibility `both`. */
  overlapStyle: "same_url" | "fingerprint" | "coarse_location" | null;
  /** JSearch also returns it a second time, via another publisher, with another `job_id`. */
  jsearchDuplicate: boolean;
  // Extras both fakes print (not part of the minimal contract).
  /** Language the ad is written in. */
  language: "de" | "en";
  /** Team named in the ad. */
  team: string;
  /** Duties, in the ad's language. */
  responsibilities: string[];
  /** Requirements, in the ad's language. */
  qualifications: string[];
  /** The same duties in English, as Active Jobs DB's AI summarises them. */
  responsibilitiesEnglish: string[];
  /** The same requirements in English. */
  qualificationsEnglish: string[];
  /** Benefits in the ad's language. */
  benefits: string[];
  /** JSearch `job_benefits` codes of those benefits. */
  benefitCodes: string[];
  /** Benefits in English, as `ai_benefits` prints them. */
  benefitsEnglish: string[];
  /** Office days a week for hybrid roles. */
  officeDays: number | null;
  workingHours: number;
  visaSponsorship: boolean | null;
  educationRequirements: string[] | null;
  /** O*NET-SOC code, e.g. `15124300`. */
  onetSoc: string;
  /** Web domain of the company, e.g. `zalando.de`. */
  companyDomain: string;
}

/** The world both fakes draw from. */
export interface JobWorld {
  /**
   * The postings of `search` posted in `[range.from, range.to]`, newest first. Deterministic:
   * the same search and range always give the same postings.
   */
  postings(search: JobSearch, range: TimeRange): WorldPosting[];
}

const DAY_MS = 86_400_000;
const CACHE_LIMIT = 20_000;

/** Creates a world; two worlds with the same options hold the same postings. */
export function createJobWorld(options: JobWorldOptions = {}): JobWorld {
  const seed = options.seed ?? "job-feed";
  const postingsPerDay = options.postingsPerDay ?? 6;
  const raw = options.share ?? { both: 0.4, jsearchOnly: 0.3, activeJobsOnly: 0.3 };
  const total = raw.both + raw.jsearchOnly + raw.activeJobsOnly;
  if (!(total > 0) || postingsPerDay < 0) {
    throw new Error("createJobWorld: share must sum to more than 0 and postingsPerDay be >= 0");
  }
  const share = {
    both: raw.both / total,
    jsearchOnly: raw.jsearchOnly / total,
    activeJobsOnly: raw.activeJobsOnly / total,
  };
  const cache = new Map<string, WorldPosting[]>();

  function day(title: string, location: string, dayStart: number): WorldPosting[] {
    const scope = resolveLocation(location);
    const key = `${title}\u0000${scope.key}\u0000${dayStart}`;
    let postings = cache.get(key);
    if (!postings) {
      postings = generateDay({
        seed,
        title,
        scope,
        dayStart: new Date(dayStart),
        postingsPerDay,
        share,
      });
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, postings);
    }
    return postings;
  }

  return {
    postings(search, range) {
      const title = normalizeSearchText(search.title);
      const location = normalizeSearchText(search.location);
      const from = range.from.getTime();
      const to = range.to.getTime();
      if (title.length === 0 || !(from <= to)) return [];
      const out: WorldPosting[] = [];
      for (let start = Math.floor(from / DAY_MS) * DAY_MS; start <= to; start += DAY_MS) {
        for (const posting of day(title, location, start)) {
          const t = posting.postedAt.getTime();
          if (t >= from && t <= to) out.push(posting);
        }
      }
      return out.sort((a, b) =>
        b.postedAt.getTime() - a.postedAt.getTime() || (a.uid < b.uid ? -1 : 1)
      );
    },
  };
}
