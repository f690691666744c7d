/**
 * The vocabularies the fake CV reader speaks: Active Jobs DB's filter values
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db), seniority words, role
 * nouns in English and German, CV section headings and language names.
 *
 * @module
 */

/** Active Jobs DB `ai_work_arrangement` values. */
export const WORK_ARRANGEMENTS = ["On-site", "Hybrid", "Remote OK", "Remote Solely"] as const;

/** One Active Jobs DB work arrangement. */
export type WorkArrangement = typeof WORK_ARRANGEMENTS[number];

/** Active Jobs DB `ai_employment_type` values. */
export const EMPLOYMENT_TYPES = [
  "FULL_TIME",
  "PART_TIME",
  "CONTRACTOR",
  "TEMPORARY",
  "INTERN",
  "VOLUNTEER",
  "PER_DIEM",
  "OTHER",
] as const;

/** One Active Jobs DB employment type. */
export type EmploymentType = typeof EMPLOYMENT_TYPES[number];

/** Active Jobs DB `ai_experience_level` bands, in years. */
export const EXPERIENCE_LEVELS = ["0-2", "2-5", "5-10", "10+"] as const;

/** One Active Jobs DB experience band. */
export type ExperienceLevel = typeof EXPERIENCE_LEVELS[number];

/** Active Jobs DB `ai_taxonomies_a` values. */
export const TAXONOMIES = [
  "Technology",
  "Healthcare",
  "Management & Leadership",
  "Finance & Accounting",
  "Human Resources",
  "Sales",
  "Marketing",
  "Customer Service & Support",
  "Education",
  "Legal",
  "Engineering",
  "Science & Research",
  "Trades",
  "Construction",
  "Manufacturing",
  "Logistics",
  "Creative & Media",
  "Hospitality",
  "Environmental & Sustainability",
  "Retail",
  "Data & Analytics",
  "Software",
  "Energy",
  "Agriculture",
  "Social Services",
  "Administrative",
  "Government & Public Sector",
  "Art & Design",
] as const;

/** Seniority of a person or a title, as the fake reader names it. */
export type Seniority = "intern" | "junior" | "mid" | "senior" | "lead";

/** Words a seniority goes by in schemas' enums, preferred spelling first. */
export const SENIORITY_SYNONYMS: Readonly<Record<Seniority, readonly string[]>> = {
  intern: ["intern", "internship", "student", "werkstudent", "trainee", "entry", "entry level"],
  junior: ["junior", "jr", "entry", "entry level", "associate", "graduate"],
  mid: ["mid", "mid level", "medior", "intermediate", "regular", "professional"],
  senior: ["senior", "sr", "experienced", "expert", "mid senior", "mid senior level"],
  lead: ["lead", "principal", "staff", "head", "director", "executive", "senior"],
};

/** Title prefixes and the seniority each states. */
export const SENIORITY_PREFIXES: readonly (readonly [RegExp, Seniority])[] = [
  [/^(senior|sr\.?)\s+/i, "senior"],
  [/^(junior|jr\.?)\s+/i, "junior"],
  [/^(lead|principal|staff|head of|chief)\s+/i, "lead"],
  [/^(werkstudent(in)?|praktikant(in)?|intern|trainee|working student)\s+/i, "intern"],
  [/^(mid-level|mid|medior)\s+/i, "mid"],
];

/** Last words (or word endings) that make a phrase a job title. */
export const ROLE_NOUNS = [
  "engineer",
  "developer",
  "designer",
  "manager",
  "scientist",
  "analyst",
  "architect",
  "consultant",
  "owner",
  "researcher",
  "administrator",
  "specialist",
  "director",
  "recruiter",
  "accountant",
  "controller",
  "marketer",
  "strategist",
  "coordinator",
  "technician",
  "tester",
  "writer",
  "editor",
  "entwickler",
  "berater",
  "ingenieur",
  "projektleiter",
  "gestalter",
  "referent",
  "sachbearbeiter",
] as const;

/** A CV section. */
export type CvSection =
  | "profile"
  | "experience"
  | "education"
  | "skills"
  | "languages"
  | "projects";

/** Headings that open each section, English and German. */
export const SECTION_HEADINGS: readonly (readonly [RegExp, CvSection])[] = [
  [/^(profil|profile|summary|über mich|about me|zusammenfassung|kurzprofil)\b/i, "profile"],
  [
    new RegExp(
      "^(berufserfahrung|erfahrung|experience|work experience|professional experience|" +
        "beruflicher werdegang|werdegang)\\b",
      "i",
    ),
    "experience",
  ],
  [/^(ausbildung|education|studium|bildung|bildungsweg)\b/i, "education"],
  [/^(kenntnisse|skills|fähigkeiten|technologien|tech stack|it-kenntnisse)\b/i, "skills"],
  [/^(sprachen|languages|sprachkenntnisse)\b/i, "languages"],
  [/^(projekte|projects|selected projects|ausgewählte projekte)\b/i, "projects"],
];

/** Language names in German and English, mapped to their English names. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  deutsch: "German",
  german: "German",
  englisch: "English",
  english: "English",
  französisch: "French",
  french: "French",
  spanisch: "Spanish",
  spanish: "Spanish",
  italienisch: "Italian",
  italian: "Italian",
  niederländisch: "Dutch",
  dutch: "Dutch",
  polnisch: "Polish",
  polish: "Polish",
  portugiesisch: "Portuguese",
  portuguese: "Portuguese",
  russisch: "Russian",
  russian: "Russian",
  türkisch: "Turkish",
  turkish: "Turkish",
  schwedisch: "Swedish",
  swedish: "Swedish",
  dänisch: "Danish",
  danish: "Danish",
  arabisch: "Arabic",
  arabic: "Arabic",
  ukrainisch: "Ukrainian",
  ukrainian: "Ukrainian",
  chinesisch: "Chinese",
  chinese: "Chinese",
  japanisch: "Japanese",
  japanese: "Japanese",
};

/** Proficiency words, mapped to the level the reader reports (CEFR codes are kept as is). */
export const LANGUAGE_LEVELS: readonly (readonly [RegExp, string])[] = [
  [/\b(muttersprache|native|erstsprache|mother tongue)\b/i, "native"],
  [/\b([ABC][12])\b/, "$1"],
  [/\b(fließend|fluent|verhandlungssicher|business fluent)\b/i, "fluent"],
  [/\b(sehr gut|very good|gut|good|conversational)\b/i, "good"],
  [/\b(grundkenntnisse|basic|basics|beginner)\b/i, "basic"],
];
