/**
 * From a candidate profile to search combinations (`user_search_queries` rows), normalised so that
 * equivalent searches from different CVs become the same combination and share one backfill:
 *
 * - titles: lower case, single spaces, gender tags dropped ("(m/w/d)"), abbreviations expanded
 *   ("Sr." → senior) and seniority words dropped — "Senior Data Engineer", "Sr. Data Engineer
 *   (m/w/d)" and "Data Engineer" all search "data engineer";
 * - locations: one name per place in any language and with any qualifier — "Berlin, Germany",
 *   "Berlin" and "berlin (de)" are "berlin"; "München" and "Munich" are "munich"; "Deutschland"
 *   is "germany"; "Remote"/"Home Office" is "remote";
 * - filters stay coarse, so that more people share a combination and one fetch serves them all:
 *   no seniority (a senior and a mid-level data engineer in Berlin search the same postings; the
 *   feed ranks by level against the stored profile), no industry (the title already says it);
 *   an employment type only when it is the person's one type and not full time (an internship,
 *   a working-student job); a work arrangement only when the person accepts exactly one.
 *
 * @module
 */
import { resolvePlace } from "../geo/places.ts";
import { hasLetter, normalLabel, plainText } from "../searches/label.ts";
import { roleTitle } from "../jobs/title.ts";
import type { EmploymentType, Industry, Seniority, WorkArrangement } from "../vocabulary.ts";
import type { CvProfile } from "./profile.ts";

/** One search combination, with normalised labels (NULL filter = any). */
export interface SearchCombination {
  title_keyword: string;
  location: string;
  ai_work_arrangement: WorkArrangement | null;
  ai_employment_type: EmploymentType | null;
  ai_seniority: Seniority | null;
  ai_industry: Industry | null;
}

/** Limits on how many combinations one CV yields. */
export interface CombinationLimits {
  /** Titles used, best first. Default 3. */
  titles?: number;
  /** Locations used, preferred first. Default 3. */
  locations?: number;
}

/** Seniority words at the start or the end of a title, and the level they mean. */
const SENIORITY_PREFIX: [RegExp, Seniority][] = [
  [/^(?:senior|expert)\s+|\s+\(?(?:senior)\)?$/, "5-10"],
  [/^(?:junior|entry[- ]level)\s+|\s+\(?(?:junior)\)?$/, "0-2"],
  [/^(?:mid[- ]level|mid)\s+/, "2-5"],
];

/** The label normal form (NFKC, no control, format or emoji characters, lower case, spaced). */
const label = normalLabel;

/**
 * A job title as a search keyword, and the seniority it states (if any): the role it names
 * (shared/jobs/title.ts) without a team after a dash, punctuation between words, or seniority
 * words. "Sr. Data Engineer (m/w/d)" → { keyword: "data engineer", seniority: "5-10" }.
 */
export function normalizeSearchTitle(
  title: string,
): { keyword: string; seniority: Seniority | null } {
  let keyword = label(
    roleTitle(title)
      .replace(/[|,;:]+/g, " ")
      // "data engineer – platform team" searches "data engineer" (a dash with spaces: a team, not
      // a word such as "front-end")
      .replace(/\s+[–—]\s+.*$|\s+-\s+\S+\s+\S.*$/, "")
      .replace(/[.\s]+$/, ""),
  );
  let seniority: Seniority | null = null;
  for (const [pattern, level] of SENIORITY_PREFIX) {
    if (pattern.test(keyword)) {
      keyword = keyword.replace(pattern, "");
      seniority = level;
      break;
    }
  }
  return { keyword: label(keyword), seniority };
}

/**
 * A location as a search label: the place's one English name in lower case, "remote", or the
 * first part of an unknown place ("Bielefeld, NRW" → "bielefeld").
 */
export function normalizeSearchLocation(location: string): string {
  const cleaned = plainText(location)
    .replace(/\b(?:greater|metropolitan|metro)\s+/i, "")
    .replace(/\s+(?:area|region|metropolregion)\b/i, "")
    .replace(/^\d{4,5}\s+/, "") // a German postcode: "10115 Berlin"
    .replace(/\bhome[- ]office\b/i, "remote");
  // "Frankfurt (Oder)" is not Frankfurt am Main: a qualifier in brackets stays part of the name
  if (/\(\s*oder\s*\)/i.test(cleaned)) return label(cleaned.replace(/[()]/g, " "));
  const place = resolvePlace(cleaned);
  if (place.remote) {
    // "Remote, Germany" and "Remote" are different searches
    return place.country ? `remote ${label(place.country.name)}` : "remote";
  }
  if (place.city) return label(place.city.name);
  if (place.country) return label(place.country.name);
  return label(cleaned.split(/[,(/|]/)[0].replace(/-(?:mitte|nord|süd|ost|west)$/i, ""));
}

/** The search combinations of a profile, deduplicated, best first. */
export function searchCombinations(
  profile: CvProfile,
  limits: CombinationLimits = {},
): SearchCombination[] {
  const titles = [...profile.job_titles]
    .sort((a, b) => (a.fit === b.fit ? 0 : a.fit === "primary" ? -1 : 1))
    .map((entry) => ({ keyword: normalizeSearchTitle(entry.title).keyword }))
    .filter((entry) => hasLetter(entry.keyword))
    .filter((entry, i, all) => all.findIndex((other) => other.keyword === entry.keyword) === i)
    .slice(0, limits.titles ?? 3);
  const locations = [...profile.locations]
    .sort((a, b) => (a.preference === b.preference ? 0 : a.preference === "preferred" ? -1 : 1))
    .map((entry) => normalizeSearchLocation(entry.place))
    .filter((name, i, all) => hasLetter(name) && all.indexOf(name) === i)
    .slice(0, limits.locations ?? 3);
  const types = [...new Set(profile.employment_types)];
  const employmentType = types.length === 1 && types[0] !== "FULL_TIME" ? types[0] : null;
  const arrangements = [...new Set(profile.work_arrangements)];
  const combinations: SearchCombination[] = [];
  for (const title of titles) {
    for (const location of locations) {
      const remote = location === "remote";
      combinations.push({
        title_keyword: title.keyword,
        location,
        // "remote" already means remote; elsewhere a single accepted arrangement narrows
        ai_work_arrangement: !remote && arrangements.length === 1 ? arrangements[0] : null,
        ai_employment_type: employmentType,
        ai_seniority: null,
        ai_industry: null,
      });
    }
  }
  return combinations;
}
