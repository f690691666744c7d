/**
 * `deno task jobs backfill [--user <uuid>] [--days <1-90>] [--json]`: the backfill function's
 * code, run in this process until the work is done (no pg_net needed).
 *   --user   ask for this user's backfill (the original Python system's user_backfill.py), then run it;
 *   --days   over a shorter period (the original Python system's partial backfill: 14 = two weeks);
 *   neither  run every due request (what the sweep would wake the function for).
 *
 * @module
 */
import { type BackfillWait, backfillWaits, requestBackfill } from "../shared/backfill/claims.ts";
import { backfillDepsFromConfig } from "../shared/backfill/from_config.ts";
import { type RequestOutcome, runBackfill } from "../shared/backfill/run.ts";
import { type CommandContext, isUuid, requireUser, toSecond, UsageError } from "./context.ts";

/** The text report of one request. */
export function describeOutcome(outcome: RequestOutcome): string {
  const s = outcome.stats as Record<string, number & Record<string, number>>;
  const credits = s.credits_by_provider ?? {};
  const n = (value: unknown) => Number(value ?? 0);
  return [
    `Request ${outcome.requestId} for user ${outcome.userId} (run ${outcome.runId}): ` +
    `${outcome.settlement}`,
    `  combinations: ${n(s.combinations_total)} total, ${n(s.combinations_skipped)} skipped ` +
    `(already backfilled), ${n(s.combinations_backfilled)} backfilled, ` +
    `${n(s.combinations_failed)} failed, ${n(s.combinations_waiting)} waiting`,
    `  jobs: ${n(s.new_jobs)} new, ${n(s.merged_across_providers)} merged across providers, ` +
    `${n(s.merged_within_provider)} merged within a provider, ${n(s.seen_again)} already stored`,
    `  credits: JSearch ${n(credits.jsearch)}, Active Jobs DB ${n(credits.active_jobs_db)} ` +
    `(+${n(s.job_credits?.active_jobs_db)} job credits); saved by dedup: ${n(s.credits_saved)}`,
  ].join("\n");
}

/** One line per reason a request waits, e.g. "request 12: JSearch is paused until ...". */
export function describeWaits(waits: readonly BackfillWait[]): string {
  return waits.map((wait) => {
    const head = `  request ${wait.requestId} (user ${wait.userId}): `;
    if (wait.reason === "held") {
      return `${head}held by a live worker (${wait.worker}) until ${toSecond(wait.until)}`;
    }
    if (wait.reason === "paused") {
      return `${head}paused: ${wait.provider} is paused until ${
        toSecond(wait.until)
      } — ${wait.detail}`;
    }
    if (wait.reason === "allowance") {
      return `${head}over the user's allowance until ${toSecond(wait.until)} — ${wait.detail}`;
    }
    return `${head}waiting to retry at ${toSecond(wait.until)} — ${wait.detail}`;
  }).join("\n");
}

/** What is wrong with the flags, before any database is opened; null when nothing is. */
export function checkBackfillFlags(flags: Record<string, string | true>): string | null {
  const { user, days } = flags;
  if (user !== undefined && !isUuid(user)) {
    return "--user must be a user id (a uuid).";
  }
  const wholeDays = /^\d+$/.test(String(days)) ? Number(days) : NaN;
  if (days !== undefined && !(wholeDays >= 1 && wholeDays <= 90)) {
    return "--days must be a whole number of days from 1 to 90.";
  }
  if (days !== undefined && user === undefined) {
    return "--days needs --user: a period belongs to one user's backfill.";
  }
  return null;
}

/** Runs the command (flags checked by {@link checkBackfillFlags}); returns the exit code. */
export async function backfillCommand(context: CommandContext): Promise<number> {
  const { config, database, flags, json } = context;
  const user = flags.user as string | undefined;
  const days = flags.days === undefined ? null : Number(flags.days);
  const log = json ? () => {} : (line: string) => console.error(line);
  const deps = backfillDepsFromConfig(config, database.sql, { chain: false, log });
  if (user !== undefined) await requireUser(context, user);
  const requestId = user === undefined
    ? null
    : await requestBackfill(database.sql, user, days, "cli").catch((error) => {
      // request_backfill says what to do (no queries yet, a bad period)
      throw new UsageError((error as Error).message);
    });

  // invocations one after another until the request (or every due one) stops moving
  const latest = new Map<number, RequestOutcome>();
  for (let invocation = 0; invocation < 1000; invocation++) {
    const result = await runBackfill(deps, { requestId });
    for (const outcome of result.requests) latest.set(outcome.requestId, outcome);
    const more = result.requests.some((outcome) => outcome.settlement === "continue");
    for (const pause of result.pausedProviders) {
      log(`${pause.provider} is paused until ${pause.until?.toISOString()}: ${pause.reason}`);
    }
    if (result.requests.length === 0 || (!more && requestId !== null)) break;
  }
  const outcomes = [...latest.values()];
  // what is left waits for something: say what, and until when
  const waits = await backfillWaits(database.sql, requestId);
  if (json) {
    console.log(JSON.stringify({ requests: outcomes, waiting: waits }));
  } else {
    if (outcomes.length === 0) {
      console.log(
        requestId === null ? "No backfill request is due." : `Request ${requestId} is not due now.`,
      );
    } else {
      console.log(outcomes.map(describeOutcome).join("\n"));
    }
    if (waits.length > 0) console.log(`Waiting:\n${describeWaits(waits)}`);
  }
  return outcomes.some((outcome) => outcome.settlement === "failed") ? 1 : 0;
}
