/**
 * `deno task jobs daily ...`: the interface of the original Python system's daily_job_cron.py.
 *   --run-once [--at <ISO instant>] [--force] [--json]
 *       refresh now: the run of the local date of now (or of --at); again only with --force
 *   --schedule <HH:MM> [--tz <zone>]
 *       a long-running scheduler (for the embedded database, which has no pg_cron): stores the
 *       time and zone in public.settings, then refreshes every day at that local time
 *
 * @module
 */
import type { Queryable } from "../shared/db/postgres.ts";
import {
  type ExpiredCheckRecord,
  expiredChecks,
  type RefreshWait,
  refreshWaits,
  runOfDate,
  startRun,
} from "../shared/refresh/claims.ts";
import { refreshDepsFromConfig } from "../shared/refresh/from_config.ts";
import { drainRun, type RefreshDeps, type RefreshInvocation } from "../shared/refresh/run.ts";
import { runScheduler } from "../shared/refresh/scheduler.ts";
import { type CommandContext, toSecond, UsageError } from "./context.ts";

/** What is wrong with the flags, before any database is opened; null when nothing is. */
export function checkDailyFlags(flags: Record<string, string | true>): string | null {
  const once = flags["run-once"] === true;
  const schedule = flags.schedule;
  if (once === (schedule !== undefined)) {
    return "daily needs exactly one of --run-once or --schedule <HH:MM>.";
  }
  if (
    schedule !== undefined && (schedule === true || !/^([01]\d|2[0-3]):[0-5]\d$/.test(schedule))
  ) {
    return "--schedule must be a local time such as 06:00.";
  }
  if (flags.tz !== undefined && (flags.tz === true || schedule === undefined)) {
    return "--tz goes with --schedule and names a zone, such as Europe/Berlin.";
  }
  if (flags.at !== undefined && (flags.at === true || Number.isNaN(Date.parse(flags.at)))) {
    return "--at must be an ISO 8601 instant such as 2026-11-30T05:00:00Z.";
  }
  if ((flags.at !== undefined || flags.force !== undefined) && !once) {
    return "--at and --force go with --run-once.";
  }
  return null;
}

/** The text report of a run. */
export function describeRun(runDate: string, outcome: RefreshInvocation): string {
  const s = outcome.stats as Record<string, number & Record<string, number>>;
  const n = (value: unknown) => Number(value ?? 0);
  const credits = s.credits_by_provider ?? {};
  return [
    `Daily refresh ${runDate} (run ${outcome.runId}): ${outcome.status}`,
    `  combinations: ${n(s.combinations_total)} total, ${n(s.combinations_done)} refreshed, ` +
    `${n(s.combinations_failed)} failed, ${n(s.combinations_skipped)} skipped, ` +
    `${n(s.combinations_not_backfilled_yet)} waiting for their backfill`,
    `  jobs: ${n(s.new_jobs)} new, ${n(s.merged_across_providers)} merged across providers, ` +
    `${n(s.seen_again)} already stored`,
    `  credits: JSearch ${n(credits.jsearch)}, Active Jobs DB ${n(credits.active_jobs_db)} ` +
    `(+${n(s.job_credits?.active_jobs_db)} job credits)`,
    ...(outcome.expired ? [`  expired postings: ${describeExpiredCheck(outcome.expired)}`] : []),
    ...describeRefreshWaits(outcome.waits ?? []),
  ].join("\n");
}

/** A run's expired-postings check (Active Jobs DB /active-ats-expired) in one line. */
export function describeExpiredCheck(check: ExpiredCheckRecord): string {
  // the error says whether another attempt comes
  const attempt = `attempt ${check.attempts}`;
  switch (check.state) {
    case "done":
      return `${check.reported} reported by Active Jobs DB, ${check.markedPostings} posting(s) ` +
        `and ${check.markedJobs} job(s) marked expired` +
        (check.attempts > 1 ? ` (${attempt})` : "");
    case "failed":
      return `failed (${check.failure}, ${attempt}): ${check.error}`;
    case "claimed":
      return `asked at ${toSecond(check.claimedAt!)}, no answer recorded yet (an invocation ` +
        "is calling, or died with the call out: not asked again on this run)";
    default:
      return `not asked yet: ${check.error}`;
  }
}

/** One line per reason the run's items wait, and until when. */
export function describeRefreshWaits(waits: readonly RefreshWait[]): string[] {
  return waits.map((wait) =>
    wait.reason === "held"
      ? `  waiting: ${wait.items} item(s) held by a live worker until ${toSecond(wait.until)}`
      : wait.reason === "paused"
      ? `  waiting: ${wait.provider} is paused until ${toSecond(wait.until)} — ${wait.detail}`
      : `  waiting: ${wait.items} item(s) wait to retry at ${toSecond(wait.until)} — ${wait.detail}`
  );
}

async function runOnce(
  sql: Queryable,
  deps: RefreshDeps,
  options: { at: Date; force: boolean; json: boolean },
): Promise<number> {
  const runId = await startRun(sql, { at: options.at, force: options.force, triggeredBy: "cli" });
  const existing = await runOfDate(sql, options.at);
  if (runId === null && existing && existing.status !== "running") {
    const message = `The daily refresh of ${existing.runDate} has run already (run ` +
      `${existing.id}: ${existing.status}); add --force to run it again.`;
    const waits = await refreshWaits(sql, existing.id);
    const [expired] = await expiredChecks(sql, { runId: existing.id });
    console.log(
      options.json
        ? JSON.stringify({
          run_id: existing.id,
          status: existing.status,
          message,
          waiting: waits,
          expired: expired ?? null,
        })
        : [
          message,
          ...(expired ? [`  expired postings: ${describeExpiredCheck(expired)}`] : []),
          ...describeRefreshWaits(waits),
        ].join("\n"),
    );
    return 0;
  }
  const id = runId ?? existing!.id;
  const drained = await drainRun(deps, id);
  const outcome = { ...drained, waits: drained.waits ?? await refreshWaits(sql, id) };
  console.log(
    options.json
      ? JSON.stringify({ ...outcome, waiting: outcome.waits })
      : describeRun(existing?.runDate ?? "", outcome),
  );
  return outcome.status === "failed" ? 1 : 0;
}

/** Runs the command (flags checked by {@link checkDailyFlags}); returns the exit code. */
export async function dailyCommand(context: CommandContext): Promise<number> {
  const { config, database, flags, json } = context;
  const log = json ? () => {} : (line: string) => console.error(line);
  const deps = refreshDepsFromConfig(config, database.sql, { log });
  if (flags["run-once"] === true) {
    return await runOnce(database.sql, deps, {
      at: flags.at === undefined ? new Date() : new Date(flags.at as string),
      force: flags.force === true,
      json,
    });
  }
  await database.sql`update public.settings set daily_refresh_local_time = ${flags
    .schedule as string}::time,
    daily_refresh_time_zone = coalesce(${
    (flags.tz as string | undefined) ?? null
  }, daily_refresh_time_zone)`
    .catch((error) => {
      // the settings trigger names a zone it does not know, and the fix
      throw new UsageError((error as Error).message);
    });
  const stop = new AbortController();
  Deno.addSignalListener("SIGINT", () => stop.abort());
  console.error(
    `Refreshing every day at ${flags.schedule} ${
      flags.tz ?? "(zone from settings)"
    }; Ctrl-C stops.`,
  );
  await runScheduler({
    sql: database.sql,
    log,
    fire: async (at) => {
      await runOnce(database.sql, deps, { at, force: false, json });
    },
  }, { signal: stop.signal });
  return 0;
}
