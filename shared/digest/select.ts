/**
 * A user's new jobs for their digest: the feed's own ranking, reasons and the skills a job asks
 * for that the CV does not show (`public.job_feed`,
 * read as the user, so RLS, hidden jobs and companies and currency apply as on the page), kept
 * where the job entered their feed (`feed_items.listed_at`) inside the digest's window.
 *
 * @module
 */
import { asUser } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

/** One job of a digest, as the feed ranks and explains it. */
export interface DigestJob {
  jobId: number;
  title: string;
  company: string | null;
  city: string | null;
  country: string | null;
  workArrangement: string | null;
  salary: {
    min: number | null;
    max: number | null;
    currency: string | null;
    period: string | null;
  };
  applyUrl: string | null;
  score: number;
  reason: string;
  /** What the job asks for that the CV does not show, as the feed's card lists it. */
  missingSkills: string[];
}

/**
 * How far down the feed new jobs are looked for: job_feed's largest page. A job that entered the
 * feed since the last digest carries recency points, so it ranks well inside it.
 */
const FEED_DEPTH = 200;

/** The user's best `limit` jobs listed in their feed after `since`, up to `until`. */
export async function newJobsFor(
  sql: Queryable,
  userId: string,
  window: { since: string; until: string },
  limit: number,
): Promise<DigestJob[]> {
  const rows = await asUser(sql, { sub: userId, role: "authenticated" }, (tx) =>
    tx`
      select f.job_id, f.title, f.company, f.location_city, f.location_country,
             f.work_arrangement, f.salary_min, f.salary_max, f.salary_currency, f.salary_period,
             f.apply_url, f.score, f.reason, f.missing_skills
      from public.job_feed(${FEED_DEPTH}::integer, 0, false, null, null) with ordinality f
      join public.feed_items e on e.user_id = ${userId}::uuid and e.job_id = f.job_id
      -- as text: postgres.js would send a timestamptz parameter through a JS Date (milliseconds)
      where e.listed_at > (${window.since}::text)::timestamptz
        and e.listed_at <= (${window.until}::text)::timestamptz
      order by f.ordinality
      limit ${limit}`);
  const num = (value: unknown) => value === null || value === undefined ? null : Number(value);
  return rows.map((row) => ({
    jobId: Number(row.job_id),
    title: row.title,
    company: row.company,
    city: row.location_city,
    country: row.location_country,
    workArrangement: row.work_arrangement,
    salary: {
      min: num(row.salary_min),
      max: num(row.salary_max),
      currency: row.salary_currency,
      period: row.salary_period,
    },
    applyUrl: row.apply_url,
    score: Number(row.score),
    reason: row.reason,
    missingSkills: row.missing_skills ?? [],
  }));
}
