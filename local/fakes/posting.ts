/**
 * Generates the postings of one search on one UTC day: how many there are, when they were
 * posted, and every detail of each one, all from seeded generators.
 *
 * @module
 */
import type { EmploymentType, Seniority, WorkArrangement } from "../../shared/vocabulary.ts";
import { atsUrl, COMPANIES, type Company } from "./companies.ts";
import { buildDescription } from "./descriptions.ts";
import type { Country, LocationScope, Place } from "./places.ts";
import { createRandom, hashHex, type Random } from "./random.ts";
import { roleFamilyOf } from "./roles.ts";
import { titleCase } from "./text.ts";
import type { Salary, WorldPosting } from "./world.ts";

/** Inputs of {@link generateDay}. */
export interface DayOptions {
  seed: string;
  /** Normalised searched title. */
  title: string;
  scope: LocationScope;
  /** Midnight UTC of the day. */
  dayStart: Date;
  postingsPerDay: number;
}

const DAY_MS = 86_400_000;

const SENIORITY_WORDS: [RegExp, Seniority][] = [
  [/\b(intern|internship|praktikum|praktikant|werkstudent|working student|trainee)\b/, "0-2"],
  [/\b(junior|graduate|entry level|entry-level|berufseinsteiger)\b/, "0-2"],
  [/\b(lead|principal|staff|head of|director|vp)\b/, "10+"],
  [/\b(senior|sr\.?)\b/, "5-10"],
];

const PREFIX: Record<Seniority, [string, number][]> = {
  "0-2": [["Junior ", 0.6], ["", 0.4]],
  "2-5": [["", 0.85], ["Mid-Level ", 0.15]],
  "5-10": [["Senior ", 0.75], ["", 0.25]],
  "10+": [["Lead ", 0.4], ["Staff ", 0.3], ["Principal ", 0.3]],
};

const BENEFITS: readonly { en: string; de: string }[] = [
  { en: "30 days of paid vacation", de: "30 Tage Urlaub" },
  { en: "Company pension scheme", de: "Betriebliche Altersvorsorge" },
  { en: "Flexible working hours", de: "Flexible Arbeitszeiten" },
  { en: "Learning budget of 1,500 EUR a year", de: "Weiterbildungsbudget von 1.500 EUR im Jahr" },
  { en: "Public transport ticket", de: "Deutschlandticket" },
  { en: "Visa and relocation support", de: "Unterstützung bei Visum und Umzug" },
];

const ANNUAL_EUR = { "0-2": 48_000, "2-5": 62_000, "5-10": 78_000, "10+": 98_000 } as const;

/** Half the postings state pay: interns by month, part-timers by hour, the rest by year. */
function buildSalary(
  posting: { seniority: Seniority; employmentType: EmploymentType },
  country: Country,
  random: Random,
): Salary | null {
  if (!random.chance(0.5)) return null;
  const factor = country.payFactor * (0.92 + random.next() * 0.16);
  const spread = 1.15 + random.next() * 0.2;
  const range = (min: number, step: number, period: Salary["period"]): Salary => {
    const round = (value: number) => Math.max(step, Math.round(value / step) * step);
    return { min: round(min), max: round(min * spread), currency: country.currency, period };
  };
  if (posting.employmentType === "INTERN") return range(1600 * factor, 50, "MONTH");
  if (posting.employmentType === "PART_TIME") return range(16 * factor, 1, "HOUR");
  return range(ANNUAL_EUR[posting.seniority] * factor, 1000, "YEAR");
}

const PERIODS: Readonly<Record<string, readonly [string, string]>> = {
  YEAR: ["per year", "im Jahr"],
  MONTH: ["per month", "im Monat"],
  HOUR: ["per hour", "pro Stunde"],
};

function salarySentence(salary: Salary, language: "de" | "en"): string {
  const de = language === "de";
  const format = (n: number) => n.toLocaleString(de ? "de-DE" : "en-US");
  const [en, german] = PERIODS[salary.period];
  const range = `${format(salary.min)}–${format(salary.max)} ${salary.currency}`;
  return de ? `Gehaltsspanne: ${range} ${german}.` : `Salary range: ${range} ${en}.`;
}

/** Employment type and seniority as the searched title states them, else drawn. */
function pickKind(searched: string, random: Random) {
  const stated = SENIORITY_WORDS.find(([pattern]) => pattern.test(searched))?.[1];
  let employmentType: EmploymentType = /\b(intern|internship|praktikum|praktikant)\b/.test(searched)
    ? "INTERN"
    : /\b(werkstudent|working student|part-time|teilzeit)\b/.test(searched)
    ? "PART_TIME"
    : /\b(freelance|freelancer|contractor|contract)\b/.test(searched)
    ? "CONTRACTOR"
    : random.weighted(
      [
        ["FULL_TIME", 80],
        ["PART_TIME", 7],
        ["CONTRACTOR", 6],
        ["INTERN", 4],
        ["TEMPORARY", 3],
      ] as const,
    );
  const seniority: Seniority = stated ??
    (employmentType === "INTERN"
      ? "0-2"
      : random.weighted([["0-2", 20], ["2-5", 40], ["5-10", 30], ["10+", 10]] as const));
  // senior titles are neither internships nor student jobs
  if ((seniority === "5-10" || seniority === "10+") && /INTERN|PART_TIME/.test(employmentType)) {
    employmentType = "FULL_TIME";
  }
  return { employmentType, seniority, statesLevel: stated !== undefined };
}

function buildTitle(
  searched: string,
  posting: ReturnType<typeof pickKind> & { language: "de" | "en"; team: string },
  random: Random,
): string {
  const { employmentType, seniority, statesLevel, language } = posting;
  let title = titleCase(searched);
  if (employmentType === "INTERN" && !statesLevel) {
    title = language === "de" ? `Praktikum ${title}` : `${title} Intern`;
  } else if (employmentType === "PART_TIME" && language === "de" && !statesLevel) {
    title = `Werkstudent ${title}`;
  } else if (!statesLevel) {
    title = random.weighted(PREFIX[seniority]) + title;
  }
  return title +
    (language === "de"
      ? random.weighted([[" (m/w/d)", 6], [" (w/m/d)", 1], [" (all genders)", 1], ["", 2]])
      : random.weighted([["", 6], [` – ${posting.team}`, 2], [" (f/m/x)", 1]]));
}

function pickPlace(scope: LocationScope, random: Random): Place | null {
  return random.weighted(scope.places.map((place, i) => [place, 1 / (i + 1)] as const));
}

function pickCompany(country: string, random: Random): Company {
  const local = COMPANIES.filter((c) => c.country === country);
  return local.length > 0 && random.chance(0.75) ? random.pick(local) : random.pick(COMPANIES);
}

function pickArrangement(scope: LocationScope, random: Random): WorkArrangement {
  return scope.remoteOnly
    ? random.weighted([["Remote Solely", 7], ["Remote OK", 3]] as const)
    : random.weighted(
      [["On-site", 40], ["Hybrid", 42], ["Remote OK", 12], ["Remote Solely", 6]] as const,
    );
}

/** Which providers carry a posting, and how their copies differ. */
function pickOverlap(random: Random) {
  const visibility = random.weighted(
    [["both", 0.4], ["jsearch", 0.3], ["active_jobs_db", 0.3]] as const,
  );
  const overlapStyle = visibility === "both"
    ? random.weighted([["same_url", 5], ["fingerprint", 3], ["coarse_location", 2]] as const)
    : null;
  const jsearchDuplicate = visibility !== "active_jobs_db" && random.chance(0.05);
  return { visibility, overlapStyle, jsearchDuplicate };
}

function generatePosting(options: DayOptions, index: number, postedAt: Date): WorldPosting {
  const { title: searched, scope } = options;
  const day = options.dayStart.toISOString().slice(0, 10);
  const seedText = `${options.seed}|${searched}|${scope.key}|${day}|${index}`;
  const random = createRandom(seedText);
  const country = scope.country;
  const place = pickPlace(scope, random);
  const workArrangement = pickArrangement(scope, random);
  const company = pickCompany(country.code, random);
  const language: "de" | "en" = random.chance(country.germanShare) ? "de" : "en";
  const kind = pickKind(searched, random);
  const family = roleFamilyOf(searched);
  const team = random.pick(family.teams);
  const title = buildTitle(searched, { ...kind, language, team }, random);
  const skills = random.sample(family.skills, random.int(4, 5));
  const salary = buildSalary(kind, country, random);
  const remoteOnly = workArrangement === "Remote Solely";
  const countryName = language === "de" && country.code === "DE" ? "Deutschland" : country.name;
  const description = buildDescription({
    language,
    company,
    title,
    team,
    where: remoteOnly ? countryName : place?.name ?? countryName,
    workArrangement,
    seniority: kind.seniority,
    duties: family.duties[language],
    skills,
    benefits: random.sample(BENEFITS, random.int(3, 4)).map((b) => b[language]),
    salaryLine: salary && salarySentence(salary, language),
  });
  const validThrough = random.chance(0.4)
    ? new Date(options.dayStart.getTime() + random.int(30, 60) * DAY_MS + 86_399_000)
    : null;
  return {
    uid: `${day.replace(/-/g, "")}-${hashHex(seedText, 16)}`,
    title,
    company,
    city: place?.name ?? null,
    region: place?.region ?? null,
    country: country.code,
    countryName: country.name,
    remote: workArrangement === "Remote OK" || remoteOnly,
    workArrangement,
    employmentType: kind.employmentType,
    seniority: kind.seniority,
    taxonomies: [...family.taxonomies],
    salary,
    language,
    description,
    skills,
    postedAt,
    validThrough,
    atsUrl: atsUrl(company, title, place?.name ?? null, random),
    ...pickOverlap(random),
  };
}

/** The postings of one search on one UTC day, oldest first. */
export function generateDay(options: DayOptions): WorldPosting[] {
  const day = options.dayStart.toISOString().slice(0, 10);
  const random = createRandom(`${options.seed}|${options.title}|${options.scope.key}|${day}|day`);
  const count = Math.round(options.postingsPerDay * (0.5 + random.next()));
  const seconds = Array.from({ length: count }, () => random.int(0, 86_399)).sort((a, b) => a - b);
  return seconds.map((second, index) =>
    generatePosting(options, index, new Date(options.dayStart.getTime() + second * 1000))
  );
}
