/**
 * `deno task jobs feed --user <id> [--limit N] [--json]`: the user's ranked feed
 * (`public.job_feed`, run as the user), best first, each with its score and reason.
 *
 * @module
 */
import { actAs } from "../local/roles.ts";
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
  // the feed as the user sees it: job_feed under their role and claims (RLS applies)
  const jobs = await database.sql.begin(async (tx) => {
    await actAs(tx, { kind: "user", id: user });
    return await tx`select * from public.job_feed(${limit}::integer)`;
  });
  if (json) {
    console.log(JSON.stringify({ user_id: user, jobs }));
  } else if (jobs.length === 0) {
    console.log("No jobs yet: has the user uploaded a CV, and has the backfill run?");
  } else {
    for (const job of jobs) {
      const date = job.posted_at ? (job.posted_at as Date).toISOString().slice(0, 10) : "?";
      const missing = job.missing_skills as string[];
      console.log(
        `${String(job.score).padStart(3)}  ${job.title} — ${job.company ?? "?"}, ` +
          `${job.location_city ?? job.location_country ?? "?"} (${date})\n     ${job.reason}` +
          (missing.length ? `\n     asks for: ${missing.join(", ")}` : ""),
      );
    }
  }
  return 0;
}
