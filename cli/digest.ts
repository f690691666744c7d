/**
 * `deno task jobs digest --run-once [--at <ISO instant>] [--json]`: sends the morning digest of
 * the local date of now (or of --at) now, once per user and date like `daily --run-once`:
 * asking again sends only what is still due.
 *
 * @module
 */
import { type DigestDay, digestLocalDate } from "../shared/digest/claims.ts";
import { digestDepsFromConfig } from "../shared/digest/from_config.ts";
import { type DigestInvocation, runDigest, type SendTally } from "../shared/digest/run.ts";
import type { CommandContext } from "./context.ts";

/** What is wrong with the flags, before any database is opened; null when nothing is. */
export function checkDigestFlags(flags: Record<string, string | true>): string | null {
  if (flags["run-once"] !== true) return "digest needs --run-once.";
  if (flags.at !== undefined && (flags.at === true || Number.isNaN(Date.parse(flags.at)))) {
    return "--at must be an ISO 8601 instant such as 2026-11-30T05:00:00Z.";
  }
  return null;
}

/** A date's digests in one line. */
export function describeDigestDay(day: DigestDay): string {
  return `${day.localDate}: ${day.sent} sent, ${day.skipped} skipped, ${day.failed} failed, ` +
    `${day.pending} pending (${day.dayStatus})` +
    (day.stoppedReason && day.pending > 0 ? ` — stopped: ${day.stoppedReason}` : "");
}

/** Runs the command (flags checked by {@link checkDigestFlags}); returns the exit code. */
export async function digestCommand(context: CommandContext): Promise<number> {
  const { config, database, flags, json } = context;
  const log = json ? () => {} : (line: string) => console.error(line);
  const deps = digestDepsFromConfig(config, database.sql, { log });
  const at = flags.at === undefined ? new Date() : new Date(flags.at as string);
  const localDate = await digestLocalDate(database.sql, at);
  const sends: SendTally = { sent: 0, skipped: 0, failed: 0, deferred: 0, lost: 0, crashed: 0 };
  let outcome: DigestInvocation;
  // invocations one after another until nothing due is left (sends waiting for a Retry-After
  // are the sweep's, or the next run's)
  for (;;) {
    outcome = await runDigest(deps, { localDate, by: "cli" });
    for (const [key, n] of Object.entries(outcome.sends)) sends[key as keyof SendTally] += n;
    const took = Object.values(outcome.sends).reduce((a, b) => a + b, 0);
    if (outcome.status !== "running" || outcome.stopped || took === 0) break;
  }
  const result = { ...outcome, sends };
  console.log(
    json ? JSON.stringify(result) : [
      `Digest ${localDate}: this run ${sends.sent} sent, ${sends.skipped} skipped, ` +
      `${sends.failed} failed, ${sends.deferred} to retry later`,
      ...(outcome.day ? [`  the date so far: ${describeDigestDay(outcome.day)}`] : []),
      ...(outcome.stopped ? [`  stopped: ${outcome.stopped}`] : []),
    ].join("\n"),
  );
  return outcome.stopped ? 1 : 0;
}
