/**
 * `deno task jobs stats [--json]`: the analytics views — backfill overlap and credits saved,
 * quota per provider and month against budget with what reading CVs with Claude cost beside it,
 * the most shared combinations, recent runs, the morning digests sent, skipped and failed per
 * day, and the skill vocabulary with its sweep's latest pass.
 *
 * @module
 */
import type { CommandContext } from "./context.ts";
import { describeExpiredCheck } from "./daily.ts";
import { describeDigestDay } from "./digest.ts";

import type { Queryable } from "../shared/db/postgres.ts";
import { expiredChecks } from "../shared/refresh/claims.ts";
import { digestDays } from "../shared/digest/claims.ts";
import { describeLlmSpend, llmSpendByMonth } from "../shared/cv/llm_spend.ts";
import { describeSkills, skillsStatus } from "../shared/feed/skills_status.ts";

/** Everything the command shows, as the views and functions return it. */
async function readStats(sql: Queryable) {
  const [savings] = await sql`select * from public.backfill_savings`;
  const quota = await sql`select * from public.quota_by_month order by month desc, provider`;
  const llmSpend = await llmSpendByMonth(sql);
  const popular = await sql`
    select title_keyword, location, users, state, jobs_found from public.combination_popularity
    order by users desc, title_keyword, location limit 10`;
  const runs = await sql`
    select id, kind, status, started_at, progress_done, progress_total, new_jobs, credits_used,
           error from public.run_history order by id desc limit 10`;
  const [tracking] = await sql`
    select count(*)::int as combinations,
           count(*) filter (where state = 'backfilled')::int as backfilled,
           count(*) filter (where state = 'failed')::int as failed,
           count(*) filter (where state in ('pending', 'claimed'))::int as in_progress,
           count(*) filter (where state = 'waiting')::int as waiting,
           count(*) filter (where state = 'waiting' and 'jsearch' = any (providers_done))::int
             as waiting_jsearch_done,
           count(*) filter (where state = 'waiting'
                              and 'active_jobs_db' = any (providers_done))::int
             as waiting_active_jobs_db_done
    from public.backfill_tracking`;
  const pauses = await sql`
    select provider, paused_until, outcome, reason from public.active_provider_pauses()`;
  const waits = await sql`
    select reason, count(*)::int as requests, min(until) as until
    from public.backfill_waits() group by reason order by reason`;
  const users = await sql`
    select u.user_id, a.email, u.combinations_today, u.credits_today, u.combinations_month,
           u.credits_month
    from public.user_credit_usage u left join auth.users a on a.id = u.user_id
    order by u.credits_month desc, a.email limit 10`;
  const [settings] = await sql`
    select active_jobs_db_expired_enabled as enabled from public.settings`;
  const expired = { enabled: settings?.enabled ?? false, runs: await expiredChecks(sql) };
  const digests = await digestDays(sql, { limit: 7 });
  const skills = await skillsStatus(sql);
  return {
    tracking,
    savings,
    quota,
    llmSpend,
    popular,
    runs,
    pauses,
    waits,
    users,
    expired,
    digests,
    skills,
  };
}

type Stats = Awaited<ReturnType<typeof readStats>>;

const WAIT_WORDS: Record<string, string> = {
  held: "held by a live worker",
  paused: "paused",
  retry: "waiting to retry",
  allowance: "over their user's allowance of new searches",
};

/** Where the combinations stand: tracking, pauses, what waits, and the overlap saved. */
function describeState({ tracking, pauses, waits, savings }: Stats): string[] {
  return [
    `Tracking: ${tracking.combinations} combinations, ${tracking.backfilled} backfilled, ` +
    `${tracking.in_progress} in progress, ${tracking.waiting} waiting for a provider ` +
    `(${tracking.waiting_jsearch_done} with JSearch done, ${tracking.waiting_active_jobs_db_done} ` +
    `with Active Jobs DB done), ${tracking.failed} failed`,
    ...pauses.map((p) =>
      `Paused: ${p.provider} until ${(p.paused_until as Date).toISOString()} (${p.outcome}): ` +
      p.reason
    ),
    ...waits.map((w) =>
      `Backfill requests ${WAIT_WORDS[w.reason]}: ${w.requests}, the first until ` +
      (w.until as Date).toISOString()
    ),
    `Overlap: ${savings.user_combinations} user combinations → ${savings.combinations} fetched; ` +
    `credits spent ${savings.credits_spent}, a per-user backfill would have spent ` +
    `${savings.credits_naive}: saved ${savings.credits_saved} (${savings.savings_percent ?? 0}%)`,
  ];
}

/** Quota per provider and month, and beside it what Claude's reading of CVs cost. */
function describeSpend({ quota, llmSpend }: Stats): string[] {
  return [
    "Quota per provider and month:",
    ...quota.map((q) => {
      const budget = q.budget_credits === null ? "no budget" : `budget ${q.budget_credits}`;
      const open = q.pending_calls + q.unknown_calls > 0
        ? `; ${q.pending_calls} pending and ${q.unknown_calls} unknown calls, ` +
          `${q.credits_possibly_billed} of the credits possibly billed`
        : "";
      return `  ${(q.month as Date).toISOString().slice(0, 7)} ${q.provider}: ${q.calls} calls ` +
        `(${q.failed_calls} failed), ${q.credits} credits (${budget}), ${q.jobs_returned} jobs` +
        open;
    }),
    "LLM spend per month (Claude reading CVs, at public.llm_prices):",
    ...describeLlmSpend(llmSpend),
  ];
}

/** The most shared combinations, credits per user, recent runs. */
function describeUsage({ popular, users, runs }: Stats): string[] {
  return [
    "Most shared combinations:",
    ...popular.map((p) =>
      `  ${p.users} × ${p.title_keyword} in ${p.location} (${p.state}, ${p.jobs_found} jobs)`
    ),
    "Credits caused per user (new paid searches), most this month first:",
    ...users.map((u) =>
      `  ${u.email ?? u.user_id}: today ${u.combinations_today} search(es), ` +
      `${u.credits_today} credits; this month ${u.combinations_month}, ${u.credits_month} credits`
    ),
    "Recent runs:",
    ...runs.map((r) =>
      `  #${r.id} ${r.kind} ${r.status} ${(r.started_at as Date).toISOString().slice(0, 16)} ` +
      `${r.progress_done}/${r.progress_total ?? "?"}, ${r.new_jobs} new jobs, ` +
      `${r.credits_used} credits${r.error ? ` — ${r.error}` : ""}`
    ),
  ];
}

/** The daily runs' expired-postings check: the setting, and what the recent runs did. */
function describeExpired({ expired }: Stats): string[] {
  return [
    "Expired postings (Active Jobs DB /active-ats-expired, once per daily run): " +
    (expired.enabled ? "on" : "off (settings.active_jobs_db_expired_enabled)"),
    ...expired.runs.map((check) =>
      `  #${check.runId} ${check.runDate}: ${describeExpiredCheck(check)}`
    ),
  ];
}

/** The morning digest: sent, skipped and failed per local date, newest first. */
function describeDigests({ digests }: Stats): string[] {
  return [
    "Morning digests per day (public.digest_daily):",
    ...(digests.length === 0
      ? ["  none yet"]
      : digests.map((day) => `  ${describeDigestDay(day)}`)),
  ];
}

/** Runs the command; returns the exit code. */
export async function statsCommand(context: CommandContext): Promise<number> {
  const stats = await readStats(context.database.sql);
  console.log(
    context.json ? JSON.stringify(stats) : [
      ...describeState(stats),
      ...describeSpend(stats),
      ...describeUsage(stats),
      ...describeExpired(stats),
      ...describeDigests(stats),
      describeSkills(stats.skills),
    ].join("\n"),
  );
  return 0;
}
