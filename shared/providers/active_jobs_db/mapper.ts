/**
 * Active Jobs DB record → canonical job.
 *
 * @module
 */
import { findCountry } from "../../geo/places.ts";
import type { CanonicalJob } from "../../jobs/canonical_job.ts";
import {
  type Seniority,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
  type WorkArrangement,
} from "../../vocabulary.ts";
import {
  employmentTypeOf,
  parseUtcDate,
  salaryOf,
  seniorityFromTitle,
  uniqueLinks,
  withoutDescription,
} from "../mapping.ts";
import type { ActiveJob } from "./schema.ts";

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

function countryCode(value: unknown): string | null {
  const name = typeof value === "object" && value !== null
    ? text((value as { name?: unknown }).name)
    : text(value);
  if (!name) return null;
  return findCountry(name)?.code ?? (/^[A-Z]{2}$/.test(name) ? name : null);
}

/** City, region and country: the structured address first, then the derived fields. */
function locationOf(job: ActiveJob): CanonicalJob["location"] {
  const address = job.locations_raw?.find((place) => place.address)?.address;
  const derived = job.locations_derived?.[0];
  const derivedObject = typeof derived === "object" && derived !== null ? derived : null;
  const derivedText = typeof derived === "string" ? derived : null;
  const city = text(address?.addressLocality) ?? text(job.cities_derived?.[0]) ??
    text(derivedObject?.city);
  const region = text(address?.addressRegion) ?? text(job.regions_derived?.[0]) ??
    text(derivedObject?.admin);
  const country = countryCode(address?.addressCountry) ?? countryCode(job.countries_derived?.[0]) ??
    countryCode(derivedObject?.country) ??
    countryCode(derivedText?.split(",").pop());
  const raw = derivedText ??
    ([city, region, job.countries_derived?.[0]].filter(Boolean).join(", ") ||
      null);
  return { city, region, country, raw };
}

function arrangementOf(job: ActiveJob): WorkArrangement | null {
  const value = text(job.ai_work_arrangement);
  if (value && (WORK_ARRANGEMENTS as readonly string[]).includes(value)) {
    return value as WorkArrangement;
  }
  if (job.location_type === "TELECOMMUTE") return "Remote Solely";
  return job.remote_derived ? "Remote OK" : null;
}

function seniorityOf(job: ActiveJob): Seniority | null {
  const value = text(job.ai_experience_level);
  if (value && (SENIORITY_LEVELS as readonly string[]).includes(value)) return value as Seniority;
  return seniorityFromTitle(job.title);
}

function salaryFrom(job: ActiveJob): CanonicalJob["salary"] {
  const ai = salaryOf(
    job.ai_salary_minvalue ?? job.ai_salary_value,
    job.ai_salary_maxvalue ?? job.ai_salary_value,
    job.ai_salary_currency,
    job.ai_salary_unittext,
  );
  if (ai) return ai;
  const raw = job.salary_raw;
  if (!raw?.value) return null;
  if (typeof raw.value === "number") return salaryOf(raw.value, raw.value, raw.currency, null);
  return salaryOf(
    raw.value.minValue ?? raw.value.value,
    raw.value.maxValue ?? raw.value.value,
    raw.currency,
    raw.value.unitText,
  );
}

/** Maps a validated Active Jobs DB record. */
export function mapActiveJob(job: ActiveJob): CanonicalJob {
  const url = text(job.url);
  return {
    provider: "active_jobs_db",
    providerJobId: job.id,
    title: job.title.trim(),
    company: text(job.organization),
    location: locationOf(job),
    workArrangement: arrangementOf(job),
    employmentType: employmentTypeOf(job.ai_employment_type?.[0]) ??
      employmentTypeOf(job.employment_type?.[0]),
    seniority: seniorityOf(job),
    salary: salaryFrom(job),
    description: text(job.description_text) ??
      (text(job.description_html)?.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim() ?? null),
    applyUrl: url && URL.canParse(url) ? url : null,
    postedAt: parseUtcDate(job.date_posted) ?? parseUtcDate(job.date_created),
    validThrough: parseUtcDate(job.date_validthrough),
    links: uniqueLinks([url]),
    raw: withoutDescription(job),
  };
}
