/**
 * Generates the postings of one search on one UTC day: how many there are, when they were
 * posted, and every detail of each one, all from seeded generators.
 *
 * @module
 */
import { buildAtsUrl } from "./ats.ts";
import { COMPANIES, type Company } from "./companies.ts";
import { buildDescription } from "./descriptions.ts";
import type { Country, LocationScope, Place } from "./places.ts";
import { createRandom, hashHex, type Random } from "./random.ts";
import { BENEFITS, roleFamilyOf } from "./roles.ts";
import { buildSalary, salarySentence } from "./salary.ts";
import { titleCase, utcDay } from "./text.ts";
import type {
  EmploymentType,
  Seniority,
  VisibilityShare,
  WorkArrangement,
  WorldPosting,
} from "./world.ts";

/** Inputs of {@link generateDay}. */
export interface DayOptions {
  seed: string;
  /** Normalised searched title. */
  title: string;
  scope: LocationScope;
  /** Midnight UTC of the day. */
  dayStart: Date;
  postingsPerDay: number;
  /** Normalised to sum 1. */
  share: VisibilityShare;
}

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
  "10+": [["Lead ", 0.4], ["Staff ", 0.25], ["Principal ", 0.2], ["Senior ", 0.15]],
};

function pickCountry(scope: LocationScope, random: Random): Country {
  if (scope.kind !== "remote") return scope.countries[0];
  return random.weighted(scope.countries.map((c) =>
    [
      c,
      c.code === "DE" ? 4 : c.code === "GB" ||
          c.code === "NL"
        ? 2
        : 1,
    ] as const
  ));
}

function pickPlace(scope: LocationScope, country: Country, random: Random): Place | null {
  if (scope.kind === "remote") {
    return random.chance(0.6) ? null : scope.places.find((p) => p.country === country.code) ?? null;
  }
  if (scope.kind === "country") {
    return random.weighted(scope.places.map((p, i) => [p, 1 / (i + 1)] as const));
  }
  return scope.places[0];
}

function pickCompany(country: string, random: Random): Company {
  const local = COMPANIES.filter((c) => c.country === country);
  return local.length > 0 && random.chance(0.75) ? random.pick(local) : random.pick(COMPANIES);
}

function pickEmployment(title: string, random: Random): EmploymentType {
  if (/\b(intern|internship|praktikum|praktikant)\b/.test(title)) return "INTERN";
  if (/\b(werkstudent|working student|part-time|teilzeit)\b/.test(title)) return "PART_TIME";
  if (/\b(freelance|freelancer|contractor|contract)\b/.test(title)) return "CONTRACTOR";
  return random.weighted(
    [
      ["FULL_TIME", 80],
      ["PART_TIME", 7],
      ["CONTRACTOR", 6],
      ["INTERN", 4],
      ["TEMPORARY", 3],
    ] as const,
  );
}

function pickSeniority(title: string, employment: EmploymentType, random: Random): Seniority {
  const stated = SENIORITY_WORDS.find(([pattern]) => pattern.test(title));
  if (stated) return stated[1];
  if (employment === "INTERN") return "0-2";
  return random.weighted([["0-2", 20], ["2-5", 40], ["5-10", 30], ["10+", 10]] as const);
}

interface TitleOptions {
  searched: string;
  seniority: Seniority;
  employment: EmploymentType;
  language: "de" | "en";
  team: string;
  random: Random;
}

function buildTitle(options: TitleOptions): string {
  const { searched, seniority, employment, language, team, random } = options;
  let title = titleCase(searched);
  const statesLevel = SENIORITY_WORDS.some(([pattern]) => pattern.test(searched));
  if (employment === "INTERN" && !statesLevel) {
    title = language === "de" ? `Praktikum ${title}` : `${title} Intern`;
  } else if (
    employment === "PART_TIME" && language === "de" && !statesLevel && random.chance(0.5)
  ) {
    title = `Werkstudent ${title}`;
  } else if (!statesLevel) {
    title = random.weighted(PREFIX[seniority]) + title;
  }
  if (language === "de") {
    const gender = random.weighted([[" (m/w/d)", 6], [" (w/m/d)", 1], [" (all genders)", 1], [
      "",
      2,
    ]]);
    const focus = random.chance(0.2) ? ` – ${team}` : "";
    return `${title}${focus}${gender}`;
  }
  return title + random.weighted([
    ["", 5],
    [` – ${team}`, 2],
    [`, ${team}`, 1],
    [" (f/m/x)", 1],
  ]);
}

/** Picks `count` lines by index from both languages; `{skill}` gets the same skill in each. */
function pickLines(
  lines: { en: readonly string[]; de: readonly string[] },
  options: { count: number; skills: readonly string[]; random: Random },
): { en: string[]; de: string[] } {
  const { skills, random } = options;
  const size = Math.min(lines.en.length, lines.de.length);
  const indexes = random.sample([...Array(size).keys()], options.count);
  const out = { en: [] as string[], de: [] as string[] };
  for (const index of indexes) {
    const picks = [random.pick(skills), random.pick(skills)];
    for (const language of ["en", "de"] as const) {
      let n = 0;
      out[language].push(lines[language][index].replace(/\{skill\}/g, () => picks[n++ % 2]));
    }
  }
  return out;
}

function experienceLine(seniority: Seniority, language: "de" | "en"): string {
  const en: Record<Seniority, string> = {
    "0-2": "First professional experience, e.g. from internships or a working-student job",
    "2-5": "At least 2 years of professional experience in a similar role",
    "5-10": "5+ years of professional experience, including ownership of complex projects",
    "10+": "10+ years of experience, including leading teams or technical direction",
  };
  const de: Record<Seniority, string> = {
    "0-2": "Erste Berufserfahrung, z. B. aus Praktika oder einer Werkstudententätigkeit",
    "2-5": "Mindestens 2 Jahre Berufserfahrung in einer vergleichbaren Rolle",
    "5-10": "Mehr als 5 Jahre Berufserfahrung und Verantwortung für komplexe Projekte",
    "10+": "Über 10 Jahre Erfahrung, davon einige in fachlicher oder disziplinarischer Führung",
  };
  return language === "de" ? de[seniority] : en[seniority];
}

function pickArrangement(scope: LocationScope, random: Random): WorkArrangement {
  if (scope.kind === "remote") {
    return random.weighted([["Remote Solely", 7], ["Remote OK", 3]] as const);
  }
  return random.weighted(
    [
      ["On-site", 40],
      ["Hybrid", 42],
      ["Remote OK", 12],
      ["Remote Solely", 6],
    ] as const,
  );
}

interface PostingOptions extends DayOptions {
  index: number;
  postedAt: Date;
}

function generatePosting(options: PostingOptions): WorldPosting {
  const { seed, title: searched, scope, postedAt, share } = options;
  const day = utcDay(options.dayStart);
  const seedText = `${seed}|${searched}|${scope.key}|${day}|${options.index}`;
  const random = createRandom(seedText);
  const uid = `${day.replace(/-/g, "")}-${hashHex(seedText, 16)}`;

  const country = pickCountry(scope, random);
  const place = pickPlace(scope, country, random);
  const workArrangement = pickArrangement(scope, random);
  const company = pickCompany(country.code, random);
  const language: "de" | "en" = random.chance(country.germanShare) ? "de" : "en";
  const drawn = pickEmployment(searched, random);
  const seniority = pickSeniority(searched, drawn, random);
  // Senior titles are not internships or student jobs.
  const employmentType: EmploymentType =
    (seniority === "5-10" || seniority === "10+") && (drawn === "INTERN" || drawn === "PART_TIME")
      ? "FULL_TIME"
      : drawn;
  const family = roleFamilyOf(searched);
  const team = random.pick(family.teams);
  const title = buildTitle({
    searched,
    seniority,
    employment: employmentType,
    language,
    team,
    random,
  });
  const skills = random.sample(family.skills, random.int(4, 6));
  const lead = seniority === "10+" || /\b(lead|head|manager|director)\b/.test(searched);
  const taxonomies = [...family.taxonomies];
  if (lead && !taxonomies.includes("Management & Leadership")) {
    taxonomies.push("Management & Leadership");
  }
  const salary = random.chance(0.5)
    ? buildSalary({
      family: family.id,
      seniority,
      employmentType,
      country: country.code,
      currency: country.currency,
      random,
    })
    : null;
  const duties = pickLines(family.responsibilities, { count: random.int(3, 5), skills, random });
  const wanted = pickLines(family.qualifications, { count: random.int(2, 4), skills, random });
  const responsibilities = duties[language];
  const qualifications = [experienceLine(seniority, language), ...wanted[language]];
  const benefitPicks = random.sample(BENEFITS, random.int(3, 6));
  const where = place?.city ?? (language === "de" ? "Deutschland" : country.name);
  const description = buildDescription({
    language,
    company,
    title,
    team,
    where: workArrangement === "Remote Solely" ? countryLabel(country, language) : where,
    workArrangement,
    responsibilities,
    qualifications,
    benefits: benefitPicks.map((b) => b[language]),
    salaryLine: salary ? salarySentence(salary, language) : null,
    random,
  });
  const validThrough = random.chance(0.4)
    ? new Date(options.dayStart.getTime() + random.int(30, 60) * 86_400_000 + 86_399_000)
    : null;
  const visibility = random.weighted(
    [
      ["both", share.both],
      ["jsearch", share.jsearchOnly],
      ["active_jobs_db", share.activeJobsOnly],
    ] as const,
  );
  const overlapStyle = visibility === "both"
    ? random.weighted([["same_url", 5], ["fingerprint", 3], ["coarse_location", 2]] as const)
    : null;
  const jsearchDuplicate = visibility !== "active_jobs_db" && random.chance(0.05);
  const atsUrl = buildAtsUrl({ company, title, city: place?.city ?? null, random });
  const remote = workArrangement === "Remote OK" || workArrangement === "Remote Solely";
  return {
    uid,
    title,
    company: { name: company.name, brand: company.brand },
    city: place?.city ?? null,
    region: place?.region ?? null,
    country: country.code,
    countryName: country.name,
    latitude: place?.latitude ?? country.latitude,
    longitude: place?.longitude ?? country.longitude,
    remote,
    workArrangement,
    employmentType,
    seniority,
    taxonomies,
    salary,
    description,
    skills,
    postedAt,
    validThrough,
    atsUrl,
    ats: company.ats,
    visibility,
    overlapStyle,
    jsearchDuplicate,
    language,
    team,
    responsibilities,
    qualifications,
    responsibilitiesEnglish: duties.en,
    qualificationsEnglish: [experienceLine(seniority, "en"), ...wanted.en],
    benefits: benefitPicks.map((b) => b[language]),
    benefitCodes: benefitPicks.flatMap((b) => (b.code ? [b.code] : [])),
    benefitsEnglish: benefitPicks.map((b) => b.en),
    officeDays: workArrangement === "Hybrid" ? random.int(2, 3) : null,
    workingHours: employmentType === "PART_TIME" ? 20 : 40,
    visaSponsorship: random.weighted([[true, 2], [false, 3], [null, 5]] as const),
    educationRequirements: random.chance(0.6)
      ? [random.pick(["bachelor degree", "master degree", "vocational training"])]
      : null,
    onetSoc: family.onetSoc,
    companyDomain: company.domain,
  };
}

function countryLabel(country: Country, language: "de" | "en"): string {
  if (language === "en") return country.name;
  const german: Record<string, string> = {
    DE: "Deutschland",
    AT: "Österreich",
    CH: "der Schweiz",
  };
  return german[country.code] ?? country.name;
}

/** The postings of one search on one UTC day, oldest first. */
export function generateDay(options: DayOptions): WorldPosting[] {
  const day = utcDay(options.dayStart);
  const random = createRandom(`${options.seed}|${options.title}|${options.scope.key}|${day}|day`);
  const count = Math.round(options.postingsPerDay * (0.5 + random.next()));
  const seconds = Array.from({ length: count }, () => random.int(0, 86_399)).sort((a, b) => a - b);
  return seconds.map((second, index) =>
    generatePosting({
      ...options,
      index,
      postedAt: new Date(options.dayStart.getTime() + second * 1000),
    })
  );
}
