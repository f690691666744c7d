/**
 * The closed vocabularies of the system, each listed once with the label the web page shows:
 * Active Jobs DB's filter values (work arrangement, employment type, seniority, industry), the
 * providers and the salary periods. The SQL domains and checks of the same names
 * (`public.work_arrangement`, `public.employment_type`, `public.seniority_level`,
 * `public.industry`, `jobs.salary_period`, `job_sources.provider`) hold the same values in the
 * same order (tests/vocabulary_sql_test.ts); the web page reads them from `web/js/vocabulary.js`,
 * generated from this module (local/web/vocabulary.ts).
 *
 * @module
 */

/** The providers jobs come from (`job_sources.provider`). */
export const PROVIDERS = ["jsearch", "active_jobs_db"] as const;
/** A job provider. */
export type Provider = typeof PROVIDERS[number];
/** How people call the providers, in messages and on the page. */
export const PROVIDER_NAMES: Readonly<Record<Provider, string>> = {
  jsearch: "JSearch",
  active_jobs_db: "Active Jobs DB",
};

/** Active Jobs DB's `ai_work_arrangement` values (`public.work_arrangement`). */
export const WORK_ARRANGEMENTS = ["On-site", "Hybrid", "Remote OK", "Remote Solely"] as const;
/** A work arrangement. */
export type WorkArrangement = typeof WORK_ARRANGEMENTS[number];
/** Work arrangements as the page shows them. */
export const WORK_ARRANGEMENT_LABELS: Readonly<Record<WorkArrangement, string>> = {
  "On-site": "On-site",
  "Hybrid": "Hybrid",
  "Remote OK": "Remote OK",
  "Remote Solely": "Remote Solely",
};

/** The work arrangements that are remote work, as Active Jobs DB's filter lists them. */
export const REMOTE_WORK_ARRANGEMENTS: readonly WorkArrangement[] = ["Remote OK", "Remote Solely"];

/** Active Jobs DB's `ai_employment_type` values (`public.employment_type`). */
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
/** An employment type. */
export type EmploymentType = typeof EMPLOYMENT_TYPES[number];
/** Employment types as the page shows them. */
export const EMPLOYMENT_TYPE_LABELS: Readonly<Record<EmploymentType, string>> = {
  FULL_TIME: "Full-time",
  PART_TIME: "Part-time",
  CONTRACTOR: "Contract",
  TEMPORARY: "Temporary",
  INTERN: "Internship",
  VOLUNTEER: "Volunteer",
  PER_DIEM: "Per diem",
  OTHER: "Other",
};

/** Active Jobs DB's `ai_experience_level` bands, in years (`public.seniority_level`). */
export const SENIORITY_LEVELS = ["0-2", "2-5", "5-10", "10+"] as const;
/** A seniority level: years of experience a role asks for. */
export type Seniority = typeof SENIORITY_LEVELS[number];
/** Seniority levels as the page shows them. */
export const SENIORITY_LABELS: Readonly<Record<Seniority, string>> = {
  "0-2": "0–2 years",
  "2-5": "2–5 years",
  "5-10": "5–10 years",
  "10+": "10+ years",
};

/** Active Jobs DB's `ai_taxonomies_a` values (`public.industry`). */
export const INDUSTRIES = [
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
/** An industry. */
export type Industry = typeof INDUSTRIES[number];
/** Industries as the page shows them: Active Jobs DB's names are already readable. */
export const INDUSTRY_LABELS: Readonly<Record<Industry, string>> = Object.fromEntries(
  INDUSTRIES.map((industry) => [industry, industry]),
) as Record<Industry, string>;

/** Salary periods (`jobs.salary_period`). */
export const SALARY_PERIODS = ["HOUR", "DAY", "WEEK", "MONTH", "YEAR"] as const;
/** A salary period. */
export type SalaryPeriod = typeof SALARY_PERIODS[number];
/** Salary periods as the page shows them, after "per" or "/". */
export const SALARY_PERIOD_LABELS: Readonly<Record<SalaryPeriod, string>> = {
  HOUR: "hour",
  DAY: "day",
  WEEK: "week",
  MONTH: "month",
  YEAR: "year",
};
