/**
 * A deterministic "job world": the postings both fake providers draw from. For every search
 * (title, location) and UTC day the postings come from a seeded generator, so asking the same
 * search again later returns the same postings plus newer ones.
 *
 * @module
 */
import type {
  EmploymentType,
  Industry,
  Provider,
  SALARY_PERIODS,
  Seniority,
  WorkArrangement,
} from "../../shared/vocabulary.ts";
import type { Company } from "./companies.ts";
import { resolveLocation } from "./places.ts";
import { generateDay } from "./posting.ts";
import { normalizeSearchText } from "./text.ts";

export { normalizeSearchText } from "./text.ts";

/** A search, compared after {@link normalizeSearchText}. */
export interface JobSearch {
  title: string;
  location: string;
}

/** Options of {@link createJobWorld}. */
export interface JobWorldOptions {
  /** Seed of every generator (default `"job-feed"`). */
  seed?: string;
  /** Average postings per search per UTC day (default 6; each day has 0.5x–1.5x of it). */
  postingsPerDay?: number;
}

/** A pay range as a posting states it. */
export interface Salary {
  min: number;
  max: number;
  /** ISO 4217 code, e.g. `EUR`, `CHF`, `GBP`. */
  currency: string;
  period: typeof SALARY_PERIODS[number];
}

/** One real posting of the world, before either provider formats it. */
export interface WorldPosting {
  /** Stable, unique id of the posting. */
  uid: string;
  /** A variation of the searched title, e.g. `Senior Data Engineer (m/w/d)`. */
  title: string;
  company: Company;
  city: string | null;
  /** State or region, e.g. `Bavaria`. */
  region: string | null;
  /** ISO-2, upper case. */
  country: string;
  countryName: string;
  remote: boolean;
  workArrangement: WorkArrangement;
  employmentType: EmploymentType;
  seniority: Seniority;
  taxonomies: Industry[];
  salary: Salary | null;
  /** The language the ad is written in. */
  language: "de" | "en";
  /** Plain text, paragraphs separated by blank lines; names some of `skills`. */
  description: string;
  skills: string[];
  postedAt: Date;
  validThrough: Date | null;
  /** Canonical posting URL on the company's ATS. */
  atsUrl: string;
  /** Which providers carry it. */
  visibility: "both" | Provider;
  /** How the two providers' copies differ; only for visibility `both`. */
  overlapStyle: "same_url" | "fingerprint" | "coarse_location" | null;
  /** JSearch also returns it a second time, via another publisher, with another `job_id`. */
  jsearchDuplicate: boolean;
}

/** The world both fakes draw from. */
export interface JobWorld {
  /**
   * The postings of `search` posted in `[range.from, range.to]`, newest first. Deterministic:
   * the same search and range always give the same postings.
   */
  postings(search: JobSearch, range: { from: Date; to: Date }): WorldPosting[];
}

const DAY_MS = 86_400_000;
const CACHE_LIMIT = 20_000;

/** Creates a world; two worlds with the same options hold the same postings. */
export function createJobWorld(options: JobWorldOptions = {}): JobWorld {
  const seed = options.seed ?? "job-feed";
  const postingsPerDay = options.postingsPerDay ?? 6;
  if (!(postingsPerDay >= 0)) {
    throw new Error(`createJobWorld: postingsPerDay must be >= 0, got ${postingsPerDay}`);
  }
  const cache = new Map<string, WorldPosting[]>();

  function day(title: string, location: string, dayStart: number): WorldPosting[] {
    const scope = resolveLocation(location);
    const key = `${title}\u0000${scope.key}\u0000${dayStart}`;
    let postings = cache.get(key);
    if (!postings) {
      postings = generateDay({ seed, title, scope, dayStart: new Date(dayStart), postingsPerDay });
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, postings);
    }
    return postings;
  }

  return {
    postings(search, range) {
      const title = normalizeSearchText(search.title);
      const from = range.from.getTime();
      const to = range.to.getTime();
      if (title.length === 0 || !(from <= to)) return [];
      const out: WorldPosting[] = [];
      for (let start = Math.floor(from / DAY_MS) * DAY_MS; start <= to; start += DAY_MS) {
        for (const posting of day(title, search.location, start)) {
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
