/**
 * Hiding a job or a whole company from one's feed, and taking it back, as the user (RLS: their
 * own rows only). A job can only be hidden when it is in the user's feed, so the answer never
 * tells anybody whether someone else's job exists.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

/** What to hide: one job, or every job of a company. */
export type HideTarget = { jobId: number } | { company: string };

/** Hides (or, with `hidden: false`, unhides) the target. False: no such job in their feed. */
export async function setHiddenAs(
  sql: Queryable,
  user: UserClaims,
  target: HideTarget,
  hidden: boolean,
): Promise<boolean> {
  return await asUser(sql, user, async (tx) => {
    if ("jobId" in target) {
      // jobs' RLS shows a user the jobs of their own searches only
      const [visible] = await tx`select 1 from public.jobs where id = ${target.jobId}`;
      if (!visible) return false;
      if (hidden) {
        await tx`insert into public.hidden_jobs (job_id) values (${target.jobId})
                 on conflict do nothing`;
      } else {
        await tx`delete from public.hidden_jobs where job_id = ${target.jobId}`;
      }
      return true;
    }
    if (hidden) {
      await tx`insert into public.hidden_companies (company) values (${target.company})
               on conflict do nothing`;
    } else {
      await tx`delete from public.hidden_companies
               where company_key = lower(btrim(${target.company}))`;
    }
    return true;
  });
}
