/**
 * `deno task jobs feed --user <id> [--limit N] [--json]`: the jobs the user's active searches
 * found, newest first.
 *
 * @module
 */
import { type CommandContext, isUuid, requireUser } from "./context.ts";

/** What is wrong with the flags; null when nothing is. */
export function checkFeedFlags(flags: Record<string, string | true>): string | null {
  if (!isUuid(flags.user)) return "feed needs --user <id> (a uuid).";
  if (flags.limit !== undefined && !/^[1-9]\d{0,3}$/.test(String(flags.limit))) {
    return "--limit must be a whole number from 1 to 9999.";
  }
  return null;
}

/** Runs the command; returns the exit code. */
export async function feedCommand(context: CommandContext): Promise<number> {
  const { database, json } = context;
  const user = context.flags.user as string;
  const limit = Number(context.flags.limit ?? 20);
  await requireUser(context, user);
  const jobs = await database.sql`
    select j.id, j.title, j.company, j.location_city, j.location_country, j.work_arrangement,
           j.posted_at, j.apply_url,
           (select array_agg(distinct s.provider order by s.provider) from public.job_sources s
            where s.job_id = j.id) as providers
    from public.jobs j
    where j.id in (select cj.job_id from public.user_search_queries q
                   join public.backfill_tracking bt on bt.combination_key = q.combination_key
                   join public.combination_jobs cj on cj.combination_id = bt.id
                   where q.user_id = ${user} and q.is_active)
    order by j.posted_at desc nulls last, j.id
    limit ${limit}`;
  if (json) {
    console.log(JSON.stringify({ user_id: user, jobs }));
  } else if (jobs.length === 0) {
    console.log("No jobs yet: has the user uploaded a CV, and has the backfill run?");
  } else {
    for (const job of jobs) {
      const date = job.posted_at ? (job.posted_at as Date).toISOString().slice(0, 10) : "?";
      console.log(
        `${date}  ${job.title} — ${job.company ?? "?"}, ${
          job.location_city ?? job.location_country ?? "?"
        }` +
          ` [${(job.providers ?? []).join(", ")}]`,
      );
    }
  }
  return 0;
}
