/**
 * JSearch record → canonical job.
 *
 * @module
 */
import { findCountry } from "../../geo/places.ts";
import type { CanonicalJob } from "../../jobs/canonical_job.ts";
import {
  employmentTypeOf,
  parseUtcDate,
  salaryOf,
  seniorityFromMonths,
  seniorityFromTitle,
  uniqueLinks,
  withoutDescription,
} from "../mapping.ts";
import type { JSearchJob } from "./schema.ts";

/**
 * The apply URL: the first direct apply option (the employer's own posting, which another
 * provider can share), else `job_apply_link`.
 */
function applyUrlOf(job: JSearchJob): string | null {
  const direct = job.apply_options?.find((option) => option.is_direct && option.apply_link);
  const url = direct?.apply_link ?? job.job_apply_link ?? null;
  return url && URL.canParse(url) ? url : null;
}

/** Maps a validated JSearch record. */
export function mapJSearchJob(job: JSearchJob): CanonicalJob {
  const country = job.job_country ? findCountry(job.job_country)?.code ?? null : null;
  const employment = employmentTypeOf(job.job_employment_types?.[0]) ??
    employmentTypeOf(job.job_employment_type);
  const single = job.job_salary ?? null;
  return {
    provider: "jsearch",
    providerJobId: job.job_id,
    title: job.job_title.trim(),
    company: job.employer_name?.trim() || null,
    location: {
      city: job.job_city?.trim() || null,
      region: job.job_state?.trim() || null,
      country: country ??
        (/^[A-Z]{2}$/.test(job.job_country ?? "") ? job.job_country as string : null),
      raw: job.job_location?.trim() || null,
    },
    workArrangement: job.job_is_remote ? "Remote OK" : null,
    employmentType: employment,
    seniority: seniorityFromMonths(job.job_required_experience?.required_experience_in_months) ??
      seniorityFromTitle(job.job_title),
    salary: salaryOf(
      job.job_min_salary ?? single,
      job.job_max_salary ?? single,
      job.job_salary_currency,
      job.job_salary_period,
    ),
    description: job.job_description?.trim() || null,
    applyUrl: applyUrlOf(job),
    postedAt: parseUtcDate(job.job_posted_at_timestamp) ??
      parseUtcDate(job.job_posted_at_datetime_utc),
    validThrough: parseUtcDate(job.job_offer_expiration_datetime_utc) ??
      parseUtcDate(job.job_offer_expiration_timestamp),
    links: uniqueLinks([
      job.job_apply_link,
      ...(job.apply_options ?? []).map((option) => option.apply_link),
      job.job_google_link,
    ]),
    raw: withoutDescription(job),
  };
}
