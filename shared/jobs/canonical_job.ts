/**
 * The one shape every provider's posting is mapped into before it is stored. The zod schema
 * mirrors the checks of `public.jobs`, so a record that passes it can never make a batch insert
 * fail: a bad record is rejected here, alone, with a reason.
 *
 * @module
 */
import { z } from "zod";
import {
  EMPLOYMENT_TYPES,
  PROVIDERS,
  SALARY_PERIODS,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "../vocabulary.ts";

const text = z.string().trim().min(1);
/** Identifiers and titles end up in index keys: bounded, and without control characters. */
const bounded = (max: number) =>
  text.max(max, `is longer than ${max} characters`).refine(
    // deno-lint-ignore no-control-regex
    (value) => !/[\u0000-\u001f]/.test(value),
    "contains control characters",
  );
const date = z.date().refine((value) => !Number.isNaN(value.getTime()), "is not a valid date");

/** The canonical job, validated. */
export const canonicalJobSchema = z.object({
  provider: z.enum(PROVIDERS),
  providerJobId: bounded(300),
  title: text.max(500, "is longer than 500 characters"),
  company: text.max(300, "is longer than 300 characters").nullable(),
  location: z.object({
    city: text.nullable(),
    region: text.nullable(),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code").nullable(),
    raw: text.nullable(),
  }),
  workArrangement: z.enum(WORK_ARRANGEMENTS).nullable(),
  employmentType: z.enum(EMPLOYMENT_TYPES).nullable(),
  seniority: z.enum(SENIORITY_LEVELS).nullable(),
  salary: z.object({
    min: z.number().nonnegative().nullable(),
    max: z.number().nonnegative().nullable(),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code").nullable(),
    period: z.enum(SALARY_PERIODS).nullable(),
  }).refine(
    (salary) => salary.min === null || salary.max === null || salary.min <= salary.max,
    "salary.min must not exceed salary.max",
  ).nullable(),
  description: z.string().nullable(),
  applyUrl: z.url().max(2048, "is longer than 2048 characters").nullable(),
  postedAt: date.nullable(),
  validThrough: date.nullable(),
  /** Every link the provider gave for the posting (apply options, the posting page). */
  links: z.array(z.string()),
  /** The provider's record as received. */
  raw: z.unknown(),
});

/** One posting from one provider, in the canonical shape. */
export type CanonicalJob = z.infer<typeof canonicalJobSchema>;
