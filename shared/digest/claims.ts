/**
 * The digest's SQL operations, one function each (migration `..._digest.sql` holds the rules,
 * and `public.settings` the cap, lease and attempt limit they read): begin a date, claim sends,
 * finish or defer one, settle the date, read the counts.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";

/** Who began a date's digest (`digest_days.queued_by`). */
export type DigestTrigger = "refresh" | "sweep" | "cli" | "manual" | "test";

/** A claimed send: one user's digest of one date. */
export interface DigestSend {
  userId: string;
  email: string;
  maxJobs: number;
  /**
   * "New" means listed in the user's feed after `since`, up to `until`: Postgres' own text of
   * the timestamps, microseconds kept (a JS Date would cut them to milliseconds and lose the jobs
   * listed in the last millisecond).
   */
  since: string;
  until: string;
  attempts: number;
  /** `digest/<user-id>/<YYYY-MM-DD>`: what the provider call carries. */
  idempotencyKey: string;
}

/** How a send was recorded. */
export type SendState = "sent" | "failed" | "skipped";

/** Why a send failed or was skipped (`digest_sends.failure`). */
export type SendFailure =
  | "refused"
  | "retries_exhausted"
  | "no_new_jobs"
  | "turned_off"
  | "daily_cap"
  | "day_passed";

/** The local date (YYYY-MM-DD) of `at` in the daily refresh's zone. */
export async function digestLocalDate(sql: Queryable, at: Date): Promise<string> {
  const [{ day }] = await sql`
    select public.digest_local_date(${at.toISOString()}::timestamptz)::text as day`;
  return day;
}

/** Begins (or resumes) the date: the day runs, due users get their rows; returns rows added. */
export async function beginDigest(
  sql: Queryable,
  localDate: string,
  by: DigestTrigger,
): Promise<number> {
  const [{ added }] = await sql`select public.begin_digest(${localDate}::date, ${by}) as added`;
  return Number(added);
}

/** The web page's URL the digest links to (settings.digest_feed_url), if set. */
export async function feedUrl(sql: Queryable): Promise<string | null> {
  const [row] = await sql`select digest_feed_url from public.settings`;
  return row?.digest_feed_url ?? null;
}

/**
 * Takes the next send slot of Resend's rate, shared by every invocation
 * (settings.digest_sends_per_second, public.provider_rate_slots): how long to wait first, in ms.
 */
export async function takeSendSlot(sql: Queryable): Promise<number> {
  // 10% under the limit: a window that counts the request exactly one interval back would refuse
  // a send paced at the limit itself (measured against the fake: 2/s at 500 ms got a 429)
  const [row] = await sql`
    select public.take_provider_slot('resend', 1100.0 / s.digest_sends_per_second::float8) as wait
    from public.settings s`;
  return Number(row.wait);
}

/** Claims up to `limit` sends of the date for `worker`. */
export async function claimSends(
  sql: Queryable,
  localDate: string,
  worker: string,
  limit = 1,
): Promise<DigestSend[]> {
  const rows = await sql`
    select c.*, c.jobs_since::text as since, c.jobs_until::text as until
    from public.claim_digest_sends(${localDate}::date, ${worker}, ${limit}::integer) c`;
  return rows.map((row) => ({
    userId: row.user_id,
    email: row.email,
    maxJobs: Number(row.max_jobs),
    since: row.since,
    until: row.until,
    attempts: Number(row.attempts),
    idempotencyKey: row.idempotency_key,
  }));
}

/** Records a send; returns the state written, or "lost" when the row is not `worker`'s. */
export async function finishSend(
  sql: Queryable,
  send: { userId: string; localDate: string; worker: string },
  result: {
    state: SendState;
    providerId?: string;
    failure?: SendFailure;
    error?: string;
    jobIds?: number[];
  },
): Promise<SendState | "lost"> {
  const [{ written }] = await sql`
    select public.finish_digest_send(${send.userId}::uuid, ${send.localDate}::date,
      ${send.worker}, ${result.state}, ${result.providerId ?? null}, ${result.failure ?? null},
      ${result.error ?? null}, ${result.jobIds ?? null}::bigint[]) as written`;
  return written;
}

/**
 * Puts a claimed send back in line until `until`. `counts`: the attempt counts (429, 5xx; at the
 * limit the send fails instead); not for a stopped provider. Returns its status, or "lost".
 */
export async function deferSend(
  sql: Queryable,
  send: { userId: string; localDate: string; worker: string },
  until: Date,
  error: string,
  counts: boolean,
): Promise<"pending" | "failed" | "lost"> {
  const [{ status }] = await sql`
    select public.defer_digest_send(${send.userId}::uuid, ${send.localDate}::date, ${send.worker},
      ${until.toISOString()}::timestamptz, ${error}, ${counts}) as status`;
  return status;
}

/** Notes on the date why an invocation stopped before sending (the fix is in `reason`). */
export async function noteStop(sql: Queryable, localDate: string, reason: string): Promise<void> {
  await sql`update public.digest_days set stopped_reason = ${reason}, heartbeat_at = now()
            where local_date = ${localDate}::date`;
}

/** Finishes the date when nothing is pending or claimed; returns the day's status. */
export async function settleDay(sql: Queryable, localDate: string): Promise<string> {
  const [{ status }] = await sql`select public.settle_digest_day(${localDate}::date) as status`;
  return status ?? "missing";
}

/** Queues one more invocation through pg_net when due sends are left. */
export async function continueDigest(sql: Queryable, localDate: string): Promise<boolean> {
  const [{ queued }] = await sql`select public.continue_digest(${localDate}::date) as queued`;
  return queued === true;
}

/** Sends per date: sent, skipped, failed, pending (`public.digest_daily`). */
export interface DigestDay {
  localDate: string;
  dayStatus: string;
  sent: number;
  skipped: number;
  failed: number;
  pending: number;
  stoppedReason: string | null;
}

/** The newest `limit` dates, or one date. */
export async function digestDays(
  sql: Queryable,
  options: { localDate?: string; limit?: number } = {},
): Promise<DigestDay[]> {
  const rows = await sql`
    select local_date::text as local_date, day_status, sent, skipped, failed, pending,
           stopped_reason
    from public.digest_daily
    where ${options.localDate ?? null}::date is null or local_date = ${
    options.localDate ?? null
  }::date
    order by local_date desc limit ${options.limit ?? 14}`;
  return rows.map((row) => ({
    localDate: row.local_date,
    dayStatus: row.day_status,
    sent: row.sent,
    skipped: row.skipped,
    failed: row.failed,
    pending: row.pending,
    stoppedReason: row.stopped_reason,
  }));
}
