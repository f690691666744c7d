/**
 * The provider-paging columns of `public.settings`: how many pages one combination's fetch may
 * buy from each provider, JSearch's pages per call, and JSearch's country for locations that name
 * none. Sessions read them once, when an invocation starts.
 *
 * @module
 */
import { z } from "zod";
import type { Queryable } from "../db/postgres.ts";

/** The paging knobs of one invocation's sessions. */
export interface PagingSettings {
  /** Most JSearch pages (10 results each) per combination and fetch (`jsearch_max_pages`). */
  jsearchMaxPages: number;
  /** Most Active Jobs DB pages (100 results each) per combination and fetch. */
  activeJobsDbMaxPages: number;
  /** JSearch `num_pages` per call, 1–20 (10 cost ×2; 11–20 cost ×3). */
  jsearchPagesPerCall: number;
  /** JSearch `country` for locations that name none (and for "remote"), lower case. */
  jsearchDefaultCountry: string;
}

/** The column defaults of `public.settings`. */
export const DEFAULT_PAGING_SETTINGS: Readonly<PagingSettings> = Object.freeze({
  jsearchMaxPages: 30,
  activeJobsDbMaxPages: 10,
  jsearchPagesPerCall: 10,
  jsearchDefaultCountry: "de",
});

/** The row as the query returns it, with the bounds of the columns' checks. */
const pagingRow = z.object({
  jsearch_max_pages: z.number().int().positive(),
  active_jobs_db_max_pages: z.number().int().positive(),
  jsearch_pages_per_call: z.number().int().min(1).max(20),
  jsearch_default_country: z.string().regex(/^[A-Za-z]{2}$/)
    .transform((value) => value.toLowerCase()),
});

/** Reads the paging columns of `public.settings` in one query. */
export async function readPagingSettings(sql: Queryable): Promise<PagingSettings> {
  const rows = await sql`
    select jsearch_max_pages, active_jobs_db_max_pages, jsearch_pages_per_call,
           jsearch_default_country
    from public.settings`;
  const parsed = pagingRow.safeParse(rows[0]);
  if (!parsed.success) {
    throw new Error(
      "public.settings has no valid provider-paging row (jsearch_max_pages, " +
        "active_jobs_db_max_pages, jsearch_pages_per_call, jsearch_default_country): " +
        parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; "),
    );
  }
  const row = parsed.data;
  return {
    jsearchMaxPages: row.jsearch_max_pages,
    activeJobsDbMaxPages: row.active_jobs_db_max_pages,
    jsearchPagesPerCall: row.jsearch_pages_per_call,
    jsearchDefaultCountry: row.jsearch_default_country,
  };
}
