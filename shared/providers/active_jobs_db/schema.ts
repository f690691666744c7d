/**
 * zod schemas of Active Jobs DB responses
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db): the top level is a bare
 * JSON array; each record is checked on its own. Only the fields the mapper reads are checked; the
 * rest pass through into `raw`.
 *
 * @module
 */
import { z } from "zod";

const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();
const textList = z.array(z.string()).nullish();
const dateText = z.string().refine(
  (value) =>
    !Number.isNaN(new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`)
      .getTime()) || /^\d{4}-\d{2}-\d{2}$/.test(value),
  "is not a date",
);

const address = z.looseObject({
  addressLocality: optionalText,
  addressRegion: optionalText,
  addressCountry: z.union([z.string(), z.looseObject({ name: optionalText })]).nullish(),
});

/**
 * A posting id as `job_sources.provider_job_id` stores it: a string trimmed, a whole number
 * written out. The job records and the expired-ids list share it, so the two always agree.
 */
export const activeJobIdSchema = z.union([z.string().trim().min(1), z.number().int()])
  .transform(String);

/** One job record. */
export const activeJobSchema = z.looseObject({
  id: activeJobIdSchema,
  title: z.string().trim().min(1),
  organization: optionalText,
  url: optionalText,
  date_posted: dateText.nullish(),
  date_created: dateText.nullish(),
  date_validthrough: dateText.nullish(),
  employment_type: textList,
  salary_raw: z.looseObject({
    currency: optionalText,
    value: z.union([
      z.number(),
      z.looseObject({
        value: optionalNumber,
        minValue: optionalNumber,
        maxValue: optionalNumber,
        unitText: optionalText,
      }),
    ]).nullish(),
  }).nullish(),
  description_text: optionalText,
  description_html: optionalText,
  locations_raw: z.array(z.looseObject({ address: address.nullish() })).nullish(),
  location_type: optionalText,
  cities_derived: textList,
  regions_derived: textList,
  countries_derived: textList,
  locations_derived: z.array(z.union([
    z.string(),
    z.looseObject({ city: optionalText, admin: optionalText, country: optionalText }),
  ])).nullish(),
  remote_derived: z.boolean().nullish(),
  ai_salary_currency: optionalText,
  ai_salary_value: optionalNumber,
  ai_salary_minvalue: optionalNumber,
  ai_salary_maxvalue: optionalNumber,
  ai_salary_unittext: optionalText,
  ai_experience_level: optionalText,
  ai_work_arrangement: optionalText,
  ai_employment_type: textList,
});

/** An Active Jobs DB job record. */
export type ActiveJob = z.infer<typeof activeJobSchema>;

/** A page: a bare array of records, validated one by one. */
export const activeJobsPageSchema = z.array(z.unknown());

/**
 * `/active-ats-expired`: a bare array of posting ids, strings or numbers (the listing's example
 * shows strings; numbers are accepted as the job records' ids are). Anything else is not this
 * answer.
 */
export const activeJobsExpiredSchema = z.array(activeJobIdSchema);
