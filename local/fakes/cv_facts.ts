/**
 * The fake "CV reader": deterministic keyword rules that turn a CV's text into the facts a
 * language model would extract — titles with seniority, years and experience band, home and
 * preferred cities, work arrangement, employment type, industry, skills, languages — in Active
 * Jobs DB vocabularies. Text that does not look like a CV gives `isCv: false` and a reason.
 *
 * @module
 */
import { roleFamilyOf } from "./roles.ts";
import {
  BULLET,
  cleanLines,
  type DateRange,
  findPlaces,
  foldText,
  type FoundPlace,
  parseDateRange,
  parseTitle,
  parseTitleLine,
  sectionOf,
} from "./cv_text.ts";
import {
  type CvSection,
  type EmploymentType,
  type ExperienceLevel,
  LANGUAGE_LEVELS,
  LANGUAGE_NAMES,
  type Seniority,
  type WorkArrangement,
} from "./cv_vocabulary.ts";

/** A title the person fits. */
export interface CvTitle {
  /** As the CV writes it, e.g. `Sr. Backend Developer`. */
  title: string;
  /** Without the seniority prefix, e.g. `Backend Developer`. */
  baseTitle: string;
  /** The person's seniority for this title. */
  seniority: Seniority;
}

/** A city the person lives in, wants, or plausibly would work in. */
export interface CvLocation {
  /** English city name, e.g. `Munich`. */
  city: string;
  /** English country name, e.g. `Germany`. */
  country: string;
  /** ISO 3166-1 alpha-2, e.g. `DE`. */
  countryCode: string;
  /** `City, Country`. */
  display: string;
  /** Home city or named as wanted (true), or only seen in past jobs (false). */
  preferred: boolean;
}

/** One past or current job. */
export interface CvExperience {
  title: string;
  company: string | null;
  city: string | null;
  /** `YYYY-MM`. */
  from: string | null;
  /** `YYYY-MM`, or null when ongoing or unknown. */
  to: string | null;
}

/** A spoken language and its level (`native`, `fluent`, `C1`, …). */
export interface CvLanguage {
  language: string;
  level: string | null;
}

/** Everything the fake reader takes from a CV. */
export interface CvFacts {
  /** Whether the text reads like a CV at all. */
  isCv: boolean;
  /** Why it is not a CV (null when it is). */
  reason: string | null;
  name: string | null;
  email: string | null;
  /** The title line under the name, e.g. `Senior Data Engineer`. */
  headline: string | null;
  /** At most three titles the person fits, the headline's first. */
  titles: CvTitle[];
  seniority: Seniority;
  yearsExperience: number;
  experienceLevel: ExperienceLevel;
  /** Home city first, then wanted cities, then cities of past jobs. */
  locations: CvLocation[];
  workArrangements: WorkArrangement[];
  employmentTypes: EmploymentType[];
  /** Active Jobs DB `ai_taxonomies_a` values, primary first. */
  industries: string[];
  skills: string[];
  languages: CvLanguage[];
  education: string[];
  experience: CvExperience[];
  /** One or two sentences about the person. */
  summary: string;
  openToRemote: boolean;
  /** Characters of text the reader saw. */
  textLength: number;
}

/** Options of {@link readCvFacts}. */
export interface ReadCvOptions {
  /** "Today" for ongoing jobs (`2019 – heute`) when the CV states no years (default now). */
  referenceDate?: Date;
}

const PREFERENCE = new RegExp(
  "\\b(looking for|seeking|searching|open to|interested in|prefer|preferred|available|" +
    "willing|suche|offen für|bevorzugt|interessiert|verfügbar|bereit|wunsch|möchte|ziel)",
  "i",
);
const YEARS = /(\d{1,2})(?:[.,]\d)?\s*\+?\s*(?:years?|jahren?)\b/i;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const NAME = /^[A-ZÄÖÜ][\p{L}'.-]+(?:\s+[A-ZÄÖÜ][\p{L}'.-]+){1,3}$/u;

type Sections = Map<CvSection, string[]>;

function splitSections(lines: string[]): { head: string[]; sections: Sections } {
  const head: string[] = [];
  const sections: Sections = new Map();
  let current: string[] = head;
  for (const line of lines) {
    const section = sectionOf(line);
    if (section) {
      current = sections.get(section) ?? [];
      sections.set(section, current);
    } else {
      current.push(line);
    }
  }
  return { head, sections };
}

/** The prose of `lines` (bullets left out) split into sentences; `clauses` also splits at `;`. */
function sentences(lines: readonly string[], clauses = false): string[] {
  const prose = lines.filter((line) => !BULLET.test(line)).join(" ");
  const boundary = clauses ? /(?<=[.;!?])\s+/ : /(?<=[.!?])\s+/;
  return prose.split(boundary).map((s) => s.trim()).filter((s) => s.length > 0);
}

function seniorityFromYears(years: number): Seniority {
  return years < 2 ? "junior" : years < 5 ? "mid" : "senior";
}

function experienceLevelOf(years: number): ExperienceLevel {
  return years < 2 ? "0-2" : years < 5 ? "2-5" : years < 10 ? "5-10" : "10+";
}

function monthsOf(range: DateRange, reference: Date): [number, number] {
  const index = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
  const end = range.to === null
    ? reference.getUTCFullYear() * 12 + reference.getUTCMonth()
    : index(range.to);
  return [index(range.from), Math.max(index(range.from), end) + 1];
}

/** Whole years covered by the ranges, overlaps counted once. */
function yearsFromRanges(ranges: readonly DateRange[], reference: Date): number {
  const spans = ranges.map((range) => monthsOf(range, reference)).sort((a, b) => a[0] - b[0]);
  let months = 0;
  let cursor = -Infinity;
  for (const [start, end] of spans) {
    const from = Math.max(start, cursor);
    if (end > from) months += end - from;
    cursor = Math.max(cursor, end);
  }
  return Math.floor(months / 12);
}

function parseExperience(lines: readonly string[]): CvExperience[] {
  const out: CvExperience[] = [];
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseTitleLine(lines[i]);
    if (!parsed) continue;
    const rest = parsed.rest ?? "";
    const comma = rest.lastIndexOf(",");
    const tail = comma >= 0 ? rest.slice(comma + 1).trim() : rest;
    const city = findPlaces(tail)[0]?.place.city ?? null;
    const company = (comma >= 0 && city ? rest.slice(0, comma) : rest).trim() || null;
    let range = parseDateRange(lines[i]);
    for (let j = i + 1; !range && j <= i + 2 && j < lines.length; j++) {
      if (parseTitleLine(lines[j])) break;
      range = parseDateRange(lines[j]);
    }
    if (parsed.rest === null && !range) continue;
    out.push({
      title: parsed.parts.title,
      company,
      city,
      from: range?.from ?? null,
      to: range?.to ?? null,
    });
  }
  return out;
}

function listItems(lines: readonly string[]): string[] {
  return lines
    .map((line) => line.replace(BULLET, "").replace(/^[^:,]{1,30}:\s+/, ""))
    .join(", ")
    .split(/\s*[,;|·•]\s*/)
    .map((item) => item.replace(/\.$/, "").trim())
    .filter((item) => item.length > 0 && item.length <= 40);
}

const LANGUAGES = new Map(Object.entries(LANGUAGE_NAMES).map(([k, v]) => [foldText(k), v]));

function parseLanguages(lines: readonly string[]): CvLanguage[] {
  const out: CvLanguage[] = [];
  for (const item of listItems(lines)) {
    const word = foldText(item).split(/[^\p{L}]+/u).find((w) => LANGUAGES.has(w));
    const language = word ? LANGUAGES.get(word) : undefined;
    if (!language || out.some((l) => l.language === language)) continue;
    let level: string | null = null;
    for (const [pattern, replacement] of LANGUAGE_LEVELS) {
      const match = pattern.exec(item);
      if (match) {
        level = match[0].replace(pattern, replacement).toLowerCase();
        if (/^[abc][12]$/.test(level)) level = level.toUpperCase();
        break;
      }
    }
    out.push({ language, level });
  }
  return out;
}

function arrangementsOf(prefs: readonly string[]): WorkArrangement[] {
  const text = foldText(prefs.join(" "));
  const found = new Set<WorkArrangement>();
  if (/\b(on-site|onsite|on site|vor ort|im buro|in the office)\b/.test(text)) found.add("On-site");
  if (/\bhybrid\b/.test(text)) found.add("Hybrid");
  const solely = new RegExp(
    "\\b(remote only|fully remote|100\\s*% remote|nur remote|ausschliesslich remote|" +
      "komplett remote|vollstandig remote)\\b",
  );
  if (solely.test(text)) found.add("Remote Solely");
  else if (/\b(remote|homeoffice|home office|mobiles arbeiten)\b/.test(text)) {
    found.add("Remote OK");
  }
  if (found.size === 0) return ["On-site", "Hybrid"];
  const order: WorkArrangement[] = ["On-site", "Hybrid", "Remote OK", "Remote Solely"];
  return order.filter((a) => found.has(a));
}

function employmentTypesOf(prefs: readonly string[]): EmploymentType[] {
  const text = foldText(prefs.join(" "));
  const found: EmploymentType[] = [];
  if (/\b(vollzeit|full-time|full time|festanstellung|permanent)/.test(text)) {
    found.push("FULL_TIME");
  }
  if (/\b(teilzeit|part-time|part time)/.test(text)) found.push("PART_TIME");
  if (/\b(freelance|freelancer|freiberuflich|contract|contractor|interim)\b/.test(text)) {
    found.push("CONTRACTOR");
  }
  if (/\b(befristet|temporary|fixed-term)\b/.test(text)) found.push("TEMPORARY");
  if (/\b(praktikum|internship|werkstudent)\b/.test(text)) found.push("INTERN");
  return found.length > 0 ? found : ["FULL_TIME"];
}

function toLocation(found: FoundPlace, preferred: boolean): CvLocation {
  const { place, country } = found;
  return {
    city: place.city,
    country,
    countryCode: place.country,
    display: `${place.city}, ${country}`,
    preferred,
  };
}

function titleKey(base: string): string {
  return foldText(base).replace(/[^\p{L}0-9]+/gu, " ").trim();
}

const RANK: Readonly<Record<Seniority, number>> = {
  intern: 0,
  junior: 1,
  mid: 2,
  senior: 3,
  lead: 4,
};

/**
 * Up to three titles: the headline's, then past ones as written, without duplicates (`Sr.` and
 * `Senior` are one) and without titles below the person's seniority (`Junior …` for a mid-level
 * person, internships), unless nothing else is left.
 */
function chooseTitles(
  headline: string | null,
  experience: readonly CvExperience[],
  seniority: Seniority,
): CvTitle[] {
  const candidates = [headline, ...experience.map((e) => e.title)]
    .map((t) => (t ? parseTitle(t) : undefined))
    .filter((t) => t !== undefined);
  const fitting = candidates.filter((t) =>
    t.seniority === null || (t.seniority !== "intern" && RANK[t.seniority] >= RANK[seniority])
  );
  const pool = fitting.length > 0 ? fitting : candidates;
  const seen = new Set<string>();
  const out: CvTitle[] = [];
  for (const parts of pool) {
    const key = `${parts.seniority ?? ""}:${titleKey(parts.base)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      title: parts.title,
      baseTitle: parts.base,
      seniority: parts.seniority ?? seniority,
    });
    if (out.length === 3) break;
  }
  return out;
}

function industriesOf(titles: readonly CvTitle[]): string[] {
  const out: string[] = [];
  for (const title of titles) {
    for (const taxonomy of roleFamilyOf(titleKey(title.baseTitle)).taxonomies) {
      if (!out.includes(taxonomy)) out.push(taxonomy);
    }
  }
  return out.slice(0, 3);
}

function notACvReason(textLength: number): string {
  return textLength === 0
    ? "The document has no readable text; it looks like a scanned image."
    : "The document does not look like a CV: it has no work experience, education or skills.";
}

/** Reads a CV's plain text (one line per printed line) into {@link CvFacts}. */
export function readCvFacts(text: string, options: ReadCvOptions = {}): CvFacts {
  const reference = options.referenceDate ?? new Date();
  const lines = cleanLines(text);
  const textLength = lines.join("\n").length;
  const { head, sections } = splitSections(lines);

  const name = head.length > 0 && NAME.test(head[0]) && !parseTitle(head[0]) ? head[0] : null;
  const headlineLine = head.slice(0, 4).find((line) => parseTitleLine(line));
  const headline = headlineLine ? parseTitleLine(headlineLine)?.parts.title ?? null : null;
  const email = EMAIL.exec(text)?.[0] ?? null;

  const experienceLines = sections.get("experience") ?? lines;
  const experience = parseExperience(experienceLines);
  const profile = sections.get("profile") ?? head.slice(headlineLine ? 1 : 0);
  const prose = sentences(profile);
  const prefs = sentences(profile, true).filter((s) => PREFERENCE.test(s));

  const stated = YEARS.exec(prose.join(" "));
  const ranges = experienceLines.map(parseDateRange).filter((r) => r !== undefined);
  const yearsExperience = stated ? Number(stated[1]) : yearsFromRanges(ranges, reference);
  const headlineSeniority = headline ? parseTitle(headline)?.seniority ?? null : null;
  const seniority = headlineSeniority && headlineSeniority !== "intern"
    ? headlineSeniority
    : seniorityFromYears(yearsExperience);
  const titles = chooseTitles(headline, experience, seniority);

  const homePlace = findPlaces(head.join("\n"))[0];
  const wanted = findPlaces(prefs.join(" "));
  const past = experience.flatMap((e) => (e.city ? findPlaces(e.city) : []));
  const locations: CvLocation[] = [];
  for (
    const [found, preferred] of [
      ...(homePlace ? [[homePlace, true] as const] : []),
      ...wanted.map((f) => [f, true] as const),
      ...past.map((f) => [f, false] as const),
    ]
  ) {
    if (!locations.some((l) => l.city === found.place.city)) {
      locations.push(toLocation(found, preferred));
    }
  }

  const workArrangements = arrangementsOf(prefs);
  const sectionCount = ["experience", "education", "skills"]
    .filter((s) => sections.has(s as CvSection)).length;
  const isCv = textLength >= 40 && (sectionCount >= 2 || (sectionCount >= 1 && titles.length > 0));
  const home = locations[0]?.city;
  const summary = prose.slice(0, 2).join(" ").slice(0, 400) ||
    (titles.length > 0
      ? `${titles[0].title}${home ? ` based in ${home}` : ""} with ${yearsExperience} years of ` +
        "experience."
      : "");

  return {
    isCv,
    reason: isCv ? null : notACvReason(textLength),
    name,
    email,
    headline,
    titles: isCv ? titles : [],
    seniority,
    yearsExperience,
    experienceLevel: experienceLevelOf(yearsExperience),
    locations: isCv ? locations : [],
    workArrangements,
    employmentTypes: employmentTypesOf(prefs),
    industries: isCv ? industriesOf(titles) : [],
    skills: listItems(sections.get("skills") ?? []).slice(0, 20),
    languages: parseLanguages(sections.get("languages") ?? []),
    education: (sections.get("education") ?? []).filter((l) => !BULLET.test(l)).slice(0, 5),
    experience,
    summary: isCv ? summary : "",
    openToRemote: workArrangements.some((a) => a.startsWith("Remote")),
    textLength,
  };
}
