// The product's vocabularies for the page, written by local/web/vocabulary.ts from
// shared/vocabulary.ts: do not edit; run `deno task vocabulary`
// after changing shared/vocabulary.ts (tests/web_vocabulary_test.ts fails until then). Each
// list holds [value, label] pairs in the order of the SQL domain.

/** Work arrangements (public.work_arrangement). */
export const WORK_ARRANGEMENTS = [
  ["On-site", "On-site"],
  ["Hybrid", "Hybrid"],
  ["Remote OK", "Remote OK"],
  ["Remote Solely", "Remote Solely"],
];

/** Employment types (public.employment_type). */
export const EMPLOYMENT_TYPES = [
  ["FULL_TIME", "Full-time"],
  ["PART_TIME", "Part-time"],
  ["CONTRACTOR", "Contract"],
  ["TEMPORARY", "Temporary"],
  ["INTERN", "Internship"],
  ["VOLUNTEER", "Volunteer"],
  ["PER_DIEM", "Per diem"],
  ["OTHER", "Other"],
];

/** Seniority levels, in years of experience (public.seniority_level). */
export const SENIORITY_LEVELS = [
  ["0-2", "0–2 years"],
  ["2-5", "2–5 years"],
  ["5-10", "5–10 years"],
  ["10+", "10+ years"],
];

/** Industries (public.industry). */
export const INDUSTRIES = [
  ["Technology", "Technology"],
  ["Healthcare", "Healthcare"],
  ["Management & Leadership", "Management & Leadership"],
  ["Finance & Accounting", "Finance & Accounting"],
  ["Human Resources", "Human Resources"],
  ["Sales", "Sales"],
  ["Marketing", "Marketing"],
  ["Customer Service & Support", "Customer Service & Support"],
  ["Education", "Education"],
  ["Legal", "Legal"],
  ["Engineering", "Engineering"],
  ["Science & Research", "Science & Research"],
  ["Trades", "Trades"],
  ["Construction", "Construction"],
  ["Manufacturing", "Manufacturing"],
  ["Logistics", "Logistics"],
  ["Creative & Media", "Creative & Media"],
  ["Hospitality", "Hospitality"],
  ["Environmental & Sustainability", "Environmental & Sustainability"],
  ["Retail", "Retail"],
  ["Data & Analytics", "Data & Analytics"],
  ["Software", "Software"],
  ["Energy", "Energy"],
  ["Agriculture", "Agriculture"],
  ["Social Services", "Social Services"],
  ["Administrative", "Administrative"],
  ["Government & Public Sector", "Government & Public Sector"],
  ["Art & Design", "Art & Design"],
];

/** Salary periods (jobs.salary_period). */
export const SALARY_PERIODS = [
  ["HOUR", "hour"],
  ["DAY", "day"],
  ["WEEK", "week"],
  ["MONTH", "month"],
  ["YEAR", "year"],
];

/** Job providers (job_sources.provider). */
export const PROVIDERS = [
  ["jsearch", "JSearch"],
  ["active_jobs_db", "Active Jobs DB"],
];

/** The label of `value` in one of the lists above; the value itself when it has none. */
export function labelOf(list, value) {
  return list.find(([known]) => known === value)?.[1] ?? value;
}
