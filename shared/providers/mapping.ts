/**
 * Helpers both provider mappers share: dates in UTC, salaries, vocabularies, readable reasons
 * for rejected records, and the raw record without its description.
 *
 * @module
 */
import type { z } from "zod";
import { type CanonicalJob, canonicalJobSchema } from "../jobs/canonical_job.ts";
import { roleTitle } from "../jobs/title.ts";
import {
  EMPLOYMENT_TYPES,
  type EmploymentType,
  SALARY_PERIODS,
  type SalaryPeriod,
  type Seniority,
} from "../vocabulary.ts";

/**
 * A provider date as UTC: ISO with or without a zone (no zone means UTC, as Active Jobs DB
 * sends), a date alone, or Unix seconds. Null when absent or unreadable.
 */
export function parseUtcDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    // seconds, as documented; a value this large can only be milliseconds
    return inRange(new Date(value > 1e11 ? value : value * 1000));
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) && !hasZone
    ? `${text.replace(" ", "T")}Z`
    : text;
  return inRange(new Date(iso));
}

const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** A date between 1990 and 2100, else null: anything outside is a provider's mistake. */
function inRange(date: Date): Date | null {
  const time = date.getTime();
  return Number.isNaN(time) || time < EARLIEST || time >= LATEST ? null : date;
}

/** A salary in the canonical shape, or null when it says nothing. Swaps a reversed range. */
export function salaryOf(
  min: unknown,
  max: unknown,
  currency: unknown,
  period: unknown,
): CanonicalJob["salary"] {
  const number = (value: unknown) => {
    const parsed = typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
      ? Number(value)
      : NaN;
    // negative or absurd amounts are dropped, not clamped
    return Number.isFinite(parsed) && parsed >= 0 && parsed < 1e9 ? parsed : null;
  };
  let low = number(min);
  let high = number(max);
  if (low === null && high === null) return null;
  if (low !== null && high !== null && low > high) [low, high] = [high, low];
  const code = typeof currency === "string" && /^[a-z]{3}$/i.test(currency.trim())
    ? currency.trim().toUpperCase()
    : null;
  const unit = typeof period === "string" ? period.trim().toUpperCase() : "";
  return {
    min: low,
    max: high,
    currency: code,
    period: (SALARY_PERIODS as readonly string[]).includes(unit) ? unit as SalaryPeriod : null,
  };
}

/** An employment type from a machine value (FULLTIME, FULL_TIME) or text ("Full-time"). */
export function employmentTypeOf(value: unknown): EmploymentType | null {
  if (typeof value !== "string") return null;
  const key = value.trim().toUpperCase().replace(/[\s-]+/g, "_");
  const aliases: Record<string, EmploymentType> = {
    FULLTIME: "FULL_TIME",
    PARTTIME: "PART_TIME",
    CONTRACT: "CONTRACTOR",
    INTERNSHIP: "INTERN",
    TEMP: "TEMPORARY",
  };
  const mapped = aliases[key.replace(/_/g, "")] ?? aliases[key] ?? key;
  return (EMPLOYMENT_TYPES as readonly string[]).includes(mapped)
    ? mapped as EmploymentType
    : key.startsWith("FULL_TIME")
    ? "FULL_TIME"
    : null;
}

/**
 * A seniority level guessed from a job title, when the provider gives none: read from the role
 * the title names (shared/jobs/title.ts), so "Sr." and "Snr" are senior and "Praktikant:in" is
 * an intern.
 */
export function seniorityFromTitle(title: string): Seniority | null {
  const t = roleTitle(title);
  if (
    /\b(intern|internship|praktikum|praktikant|werkstudent|working student|trainee|junior|graduate|einsteiger|berufseinsteiger)\b/
      .test(t)
  ) {
    return "0-2";
  }
  if (/\b(head of|director|vp|vice president|principal|chief)\b/.test(t)) return "10+";
  if (/\b(senior|lead|staff|expert|experte)\b/.test(t)) return "5-10";
  return null;
}

/** A seniority level from months of required experience. */
export function seniorityFromMonths(months: unknown): Seniority | null {
  if (typeof months !== "number" || !Number.isFinite(months) || months < 0) return null;
  if (months < 24) return "0-2";
  if (months < 60) return "2-5";
  if (months < 120) return "5-10";
  return "10+";
}

/** A one-line reason from a zod error: the first issue's path and message. */
export function reasonOf(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? issue.path.join(".") : "record";
  return `${prefix}${path}: ${issue?.message ?? "invalid"}`;
}

/** The record without the description fields (the description is stored on the job). */
export function withoutDescription(record: Record<string, unknown>): Record<string, unknown> {
  const { job_description: _a, description_text: _b, description_html: _c, ...rest } = record;
  return rest;
}

/** Validates a mapped job; returns it, or the reason it is rejected. */
export function validateCanonical(
  job: CanonicalJob,
): { job: CanonicalJob } | { reason: string } {
  const parsed = canonicalJobSchema.safeParse(job);
  return parsed.success ? { job: parsed.data } : { reason: reasonOf("mapped ", parsed.error) };
}

/** The unique non-empty strings of a list, in order. */
export function uniqueLinks(links: unknown[]): string[] {
  const out: string[] = [];
  for (const link of links) {
    if (typeof link === "string" && link.trim() && !out.includes(link.trim())) {
      out.push(link.trim());
    }
  }
  return out;
}
