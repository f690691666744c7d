/**
 * zod schemas of JSearch's `/search` response (rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch). The
 * envelope must hold; each record is checked on its own so one bad record never costs the page.
 * Only the fields the mapper reads are checked; the rest pass through into `raw`.
 *
 * @module
 */
import { z } from "zod";

const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();

/** One job in `data[]`. */
export const jsearchJobSchema = z.looseObject({
  job_id: z.string().trim().min(1),
  job_title: z.string().trim().min(1),
  employer_name: optionalText,
  job_publisher: optionalText,
  job_employment_type: optionalText,
  job_employment_types: z.array(z.string()).nullish(),
  job_apply_link: optionalText,
  job_apply_is_direct: z.boolean().nullish(),
  apply_options: z.array(z.looseObject({
    publisher: optionalText,
    apply_link: optionalText,
    is_direct: z.boolean().nullish(),
  })).nullish(),
  job_description: optionalText,
  job_is_remote: z.boolean().nullish(),
  job_posted_at_timestamp: optionalNumber,
  job_posted_at_datetime_utc: optionalText,
  job_location: optionalText,
  job_city: optionalText,
  job_state: optionalText,
  job_country: optionalText,
  job_google_link: optionalText,
  job_salary: optionalNumber,
  job_min_salary: optionalNumber,
  job_max_salary: optionalNumber,
  job_salary_period: optionalText,
  job_salary_currency: optionalText,
  job_offer_expiration_datetime_utc: optionalText,
  job_offer_expiration_timestamp: optionalNumber,
  job_required_experience: z.looseObject({
    required_experience_in_months: optionalNumber,
  }).nullish(),
});

/** A JSearch job record. */
export type JSearchJob = z.infer<typeof jsearchJobSchema>;

/** The `/search` envelope; `data` items are validated one by one. */
export const jsearchEnvelopeSchema = z.looseObject({
  status: z.literal("OK"),
  request_id: z.string().optional(),
  data: z.array(z.unknown()),
});
