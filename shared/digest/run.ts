/**
 * One invocation of the digest: begin the local date (each user who is due gets a row), then
 * claim, render and send one user's digest after another, bounded by count and time, and settle
 * the date; with `chain`, queue the next invocation when due sends are left. Each user's digest
 * of a date is one row and one idempotency key (`digest/<user-id>/<YYYY-MM-DD>`): a retry, a
 * second invocation or a crash between sending and recording never sends it twice.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import type { EmailMessage, SendOutcome } from "../email/resend.ts";
import {
  beginDigest,
  claimSends,
  continueDigest,
  deferSend,
  type DigestDay,
  digestDays,
  type DigestSend,
  type DigestTrigger,
  feedUrl,
  finishSend,
  noteStop,
  settleDay,
  takeSendSlot,
} from "./claims.ts";
import { renderDigest } from "./render.ts";
import { newJobsFor } from "./select.ts";

/** What sends an email (the Resend client). */
export interface EmailSender {
  send(message: EmailMessage, idempotencyKey: string): Promise<SendOutcome>;
}

/** What an invocation needs. */
export interface DigestDeps {
  sql: Queryable;
  /** The email provider; null when it cannot be called (no key): nothing is sent. */
  email: EmailSender | null;
  /** The sender address (DIGEST_FROM). */
  from: string | undefined;
  /** A user's one-click unsubscribe link; null when no signing secret is configured. */
  unsubscribeUrl: ((userId: string) => Promise<string>) | null;
  /** Most sends one invocation takes. */
  maxSends: number;
  /** Wall-clock time in which new sends are started, in ms. */
  timeBudgetMs: number;
  /** Queue the next invocation through pg_net when due sends are left (the Edge Function). */
  chain?: boolean;
  clock?: () => number;
  /** Waits `ms` (paces the sends to the provider's rate); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** How this invocation left the sends it took (`crashed`: left to their lease). */
export type SendTally = Record<
  "sent" | "skipped" | "failed" | "deferred" | "lost" | "crashed",
  number
>;

/** What an invocation did. */
export interface DigestInvocation {
  localDate: string;
  worker: string;
  /** Users who became due and got their row in this invocation. */
  added: number;
  sends: SendTally;
  /** Why it stopped before its bounds (no key, a refused key, a spent quota), with the fix. */
  stopped: string | null;
  /** The day's status after it ("running" while sends are left). */
  status: string;
  /** The date's counts so far. */
  day: DigestDay | null;
}

/** The longest a send waits for a Retry-After within its day. */
const MAX_RETRY_MS = 6 * 3600_000;
/** How long a stopped provider (key, quota) leaves the sends before the sweep tries again. */
const STOP_PAUSE_MS = 15 * 60_000;

/** When a send that must be retried goes again: its Retry-After, else a growing backoff. */
export function retryDelayMs(outcome: { retryAfterMs: number | null }, attempts: number): number {
  const backoff = Math.min(2 ** Math.max(0, attempts - 1) * 60_000, 3600_000);
  return Math.min(outcome.retryAfterMs ?? backoff, MAX_RETRY_MS);
}

/** What keeps this invocation from sending anything, with the fix; null when nothing does. */
async function missingSetup(deps: DigestDeps): Promise<string | null> {
  if (!deps.email) return "RESEND_API_KEY is not set: set the Resend API key to send digests";
  if (!deps.from) return "DIGEST_FROM is not set: set the sender, e.g. Jobs <jobs@example.com>";
  if (!deps.unsubscribeUrl) {
    return "FUNCTIONS_SECRET is not set: the unsubscribe links are signed with it";
  }
  if (!await feedUrl(deps.sql)) {
    return "settings.digest_feed_url is not set: update public.settings set digest_feed_url = " +
      "'<the web page URL>'";
  }
  return null;
}

/** Sends one claimed digest; returns how it was left, or the reason the provider stopped. */
async function sendOne(
  deps: DigestDeps,
  send: DigestSend,
  at: { localDate: string; worker: string; feedUrl: string },
): Promise<keyof SendTally | { stopped: string }> {
  const ref = { userId: send.userId, localDate: at.localDate, worker: at.worker };
  const jobs = await newJobsFor(deps.sql, send.userId, send, send.maxJobs);
  if (jobs.length === 0) {
    return await finishSend(deps.sql, ref, {
      state: "skipped",
      failure: "no_new_jobs",
      error: "No new job in the feed since the last digest (hidden or no longer current)",
    });
  }
  const unsubscribeUrl = await deps.unsubscribeUrl!(send.userId);
  const content = renderDigest(jobs, { feedUrl: at.feedUrl, unsubscribeUrl });
  const outcome = await deps.email!.send({
    from: deps.from!,
    to: send.email,
    ...content,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  }, send.idempotencyKey);
  const jobIds = jobs.map((job) => job.jobId);
  switch (outcome.kind) {
    case "sent":
      return await finishSend(deps.sql, ref, { state: "sent", providerId: outcome.id, jobIds });
    case "refused":
      return await finishSend(deps.sql, ref, {
        state: "failed",
        failure: "refused",
        error: `${outcome.status} ${outcome.name}: ${outcome.reason}`,
        jobIds,
      });
    case "retry": {
      const until = new Date(Date.now() + retryDelayMs(outcome, send.attempts));
      const error = `${outcome.status ?? "network"}: ${outcome.reason}`;
      const kept = await deferSend(deps.sql, ref, until, error, true);
      return kept === "pending" ? "deferred" : kept;
    }
    case "stopped": {
      const reason = `The email provider stopped (${outcome.status} ${outcome.name}): ` +
        `${outcome.reason}; check RESEND_API_KEY and the plan's quota`;
      await deferSend(deps.sql, ref, new Date(Date.now() + STOP_PAUSE_MS), reason, false);
      return { stopped: reason };
    }
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends the digest of `localDate` as far as this invocation's bounds allow, then settles it. */
export async function runDigest(
  deps: DigestDeps,
  options: { localDate: string; by?: DigestTrigger; worker?: string },
): Promise<DigestInvocation> {
  const { localDate } = options;
  const worker = options.worker ?? `digest-${crypto.randomUUID()}`;
  const clock = deps.clock ?? (() => Date.now());
  const started = clock();
  const sends: SendTally = { sent: 0, skipped: 0, failed: 0, deferred: 0, lost: 0, crashed: 0 };
  const added = await beginDigest(deps.sql, localDate, options.by ?? "manual");
  let stopped = await missingSetup(deps);
  if (stopped) await noteStop(deps.sql, localDate, stopped);
  const link = stopped ? "" : (await feedUrl(deps.sql))!;
  let taken = 0;
  while (!stopped && taken < deps.maxSends && clock() - started < deps.timeBudgetMs) {
    const [send] = await claimSends(deps.sql, localDate, worker, 1);
    if (!send) break;
    taken++;
    const wait = await takeSendSlot(deps.sql);
    if (wait > 0) await (deps.sleep ?? delay)(wait);
    try {
      const left = await sendOne(deps, send, { localDate, worker, feedUrl: link });
      if (typeof left === "object") stopped = left.stopped;
      else sends[left]++;
    } catch (error) {
      // one user's failure never blocks the others: the row's lease brings it back
      sends.crashed++;
      deps.log?.(`digest ${localDate} for ${send.userId} crashed: ${(error as Error).message}`);
    }
  }
  const status = await settleDay(deps.sql, localDate);
  if (status === "running" && deps.chain && !stopped) await continueDigest(deps.sql, localDate);
  const [day] = await digestDays(deps.sql, { localDate });
  deps.log?.(`digest ${localDate}: ${JSON.stringify(sends)}${stopped ? ` — ${stopped}` : ""}`);
  return { localDate, worker, added, sends, stopped, status, day: day ?? null };
}
