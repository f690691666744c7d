/**
 * Every answered page is paid for once. Each scenario counts the requests in the fakes' log and
 * shows that no page that was answered is asked for again: a failure in the middle of a
 * provider's pages, a worker that dies between pages, a Retry-After longer than a worker waits,
 * one provider's quota spent while the other goes on, a daily refresh retried later, and a
 * database that cannot be reached (no call leaves without its ledger row). The ledger's pending
 * rows and their sweep to `unknown` are here too.
 */
import assert from "node:assert/strict";
import { createJobWorld, type FakeRequest } from "../local/fakes/mod.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { type BackfillDeps, runBackfill } from "../shared/backfill/run.ts";
import { connectPostgres, type Queryable, type TransactionSql } from "../shared/db/postgres.ts";
import { fetchJSearch } from "../shared/providers/jsearch/client.ts";
import { sqlUsageLedger } from "../shared/providers/ledger.ts";
import { createProviderSession } from "../shared/providers/session.ts";
import { startRun } from "../shared/refresh/claims.ts";
import { runRefresh } from "../shared/refresh/run.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertQuery, markBackfilled } from "./support/fixtures.ts";
import {
  answeredAgain,
  lastDays,
  NOW,
  type ProviderHarness,
  startProviderHarness,
} from "./support/providers.ts";

const ULTRA = { name: "ULTRA" as const, monthlyRequests: 10_000, monthlyJobs: 20_000 };
const PRO = { name: "PRO" as const, monthlyRequests: 10_000 };

function allRequests(h: ProviderHarness): FakeRequest[] {
  return [...h.fakes.jsearch.requests, ...h.fakes.activeJobsDb.requests];
}

async function harness(tx: TransactionSql, env: Record<string, string> = {}) {
  await tx`delete from public.backfill_requests`;
  await tx`delete from public.provider_pauses`;
  return await startProviderHarness({
    world: createJobWorld({ postingsPerDay: 40 }),
    jsearch: { plan: PRO },
    activeJobsDb: { plan: ULTRA },
    ledger: sqlUsageLedger(tx),
    env: { PROVIDER_MAX_RETRIES: "1", ...env },
  });
}

function deps(tx: TransactionSql, h: ProviderHarness, extra: Partial<BackfillDeps> = {}) {
  return {
    sql: tx,
    sessions: () => h.sessions,
    maxCombinations: 10,
    timeBudgetMs: 60_000,
    chain: false,
    // production has a deadline (FUNCTION_DEADLINE_MS): no wait may become "now" because of it
    deadlineMs: 140_000,
    now: () => NOW,
    ...extra,
  } satisfies BackfillDeps;
}

async function userWith(tx: TransactionSql, email: string, titles: string[]) {
  const user = await createUser(tx, email);
  for (const title of titles) {
    await insertQuery(tx, user, { title_keyword: title, location: "berlin" });
  }
  return user;
}

/** Makes everything that waits due now (a later invocation, after the pause or Retry-After). */
async function timePasses(tx: Queryable) {
  await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'
           where state in ('failed', 'waiting')`;
  await tx`update public.backfill_tracking set claim_expires_at = now() - interval '1 second'
           where state = 'claimed'`;
  await tx`update public.backfill_requests set not_before = now() - interval '1 second',
           lease_expires_at = case when state = 'running' then now() - interval '1 second' end`;
  await tx`update public.fetch_cursors set not_before = null`;
  await tx`delete from public.provider_pauses`;
}

async function states(tx: Queryable) {
  const rows = await tx`select title_keyword, state, providers_done from public.backfill_tracking
                        order by id`;
  return rows.map((r) => `${r.title_keyword}: ${r.state} ${r.providers_done.join("+")}`);
}

Deno.test(
  "page progress: a failure in the middle of a provider's pages resumes at that page",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx);
      try {
        const user = await userWith(tx, "mid@example.com", ["data engineer"]);
        await requestBackfill(tx, user);
        // Active Jobs DB answers offset=0; offset=100 fails on both attempts (one retry)
        h.fakes.activeJobsDb.inject({ kind: "latency", ms: 0 });
        h.fakes.activeJobsDb.inject({ kind: "status", status: 503 }, { times: 2 });
        await runBackfill(deps(tx, h));
        assert.deepEqual(await states(tx), ["data engineer: failed jsearch"]);
        const offsets = h.fakes.activeJobsDb.requests.map((r) => `${r.params.offset}:${r.status}`);
        assert.deepEqual(offsets.slice(0, 3), ["0:200", "100:503", "100:503"]);
        const [cursor] = await tx`select next_page, pages from public.fetch_cursors
                                  where provider = 'active_jobs_db'`;
        assert.deepEqual([cursor.next_page, cursor.pages], [100, 1]);
        const [linked] = await tx`select count(*)::int as n from public.combination_jobs`;
        assert.ok(linked.n >= 100, "the stored pages' jobs are linked (in the feed) already");

        await timePasses(tx);
        await runBackfill(deps(tx, h));
        assert.deepEqual(await states(tx), ["data engineer: backfilled active_jobs_db+jsearch"]);
        assert.deepEqual(answeredAgain(allRequests(h)), []);
        const resumed = h.fakes.activeJobsDb.requests.slice(3).map((r) => r.params.offset);
        assert.equal(resumed[0], "100", "the retry starts at the failed page");
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test(
  "page progress: a worker that dies between pages leaves a resumable cursor and a ledger row",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx);
      try {
        const user = await userWith(tx, "crash@example.com", ["data engineer"]);
        await requestBackfill(tx, user);
        // the invocation dies while the second Active Jobs DB call is out: the call reached
        // the provider, which answered, and the process is gone before the page is stored
        const session = h.sessions.active_jobs_db;
        const realFetch = session.fetch;
        let calls = 0;
        let reached: () => void = () => {};
        const secondAnswered = new Promise<void>((resolve) => reached = resolve);
        session.fetch = async (input, init) => {
          const response = await realFetch(input, init);
          if (++calls < 2) return response;
          reached();
          return await new Promise<Response>(() => {}); // never: the process died
        };
        void runBackfill(deps(tx, h)); // abandoned, as a killed process is
        await secondAnswered;
        for (let i = 0; i < 100; i++) {
          const [j] = await tx`select done from public.fetch_cursors where provider = 'jsearch'`;
          if (j?.done) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const asked = h.fakes.activeJobsDb.requests.map((r) => `${r.params.offset}:${r.status}`);
        assert.deepEqual(asked, ["0:200", "100:200"]);
        const ledger = await tx`select outcome, count(*)::int as n from public.api_usage
                                where provider = 'active_jobs_db' and combination_id in
                                  (select id from public.backfill_tracking
                                   where title_keyword = 'data engineer')
                                group by 1 order by 1`;
        assert.deepEqual(
          ledger.map((r) => `${r.outcome}:${r.n}`),
          ["ok:1", "pending:1"],
          "the call in flight has its row, pending",
        );
        const [cursor] = await tx`select next_page from public.fetch_cursors
                                  where provider = 'active_jobs_db'`;
        assert.equal(cursor.next_page, 100, "page 1 is stored with its cursor");
        await tx`update public.api_usage set called_at = now() - interval '1 hour'
                 where outcome = 'pending'`;
        await tx`select private.expire_pending_usage()`;
        const [unknown] = await tx`select count(*)::int as n from public.api_usage
                                   where outcome = 'unknown' and combination_id in
                                     (select id from public.backfill_tracking
                                      where title_keyword = 'data engineer')`;
        assert.equal(unknown.n, 1, "the sweep counts it as possibly billed");

        // another worker, later, with sessions of its own
        h.sessions.active_jobs_db = createProviderSession("active_jobs_db", session.settings, {
          ledger: session.ledger,
          sleep: () => Promise.resolve(),
        });
        await timePasses(tx);
        await runBackfill(deps(tx, h));
        assert.deepEqual(await states(tx), ["data engineer: backfilled active_jobs_db+jsearch"]);
        const again = answeredAgain(allRequests(h));
        // the page answered as the process died was never stored: it alone is asked again
        assert.equal(again.length, 1, `only the page in flight is asked again: ${again}`);
        assert.match(again[0], /"offset","100"/);
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test(
  "page progress: a Retry-After longer than a worker waits makes the page wait, not fail",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx, { PROVIDER_RETRY_MAX_MS: "30000" });
      try {
        const user = await userWith(tx, "later@example.com", ["data engineer"]);
        await requestBackfill(tx, user);
        h.fakes.activeJobsDb.inject({ kind: "latency", ms: 0 });
        h.fakes.activeJobsDb.inject({ kind: "status", status: 429, retryAfter: 3600 });
        await runBackfill(deps(tx, h));
        assert.deepEqual(await states(tx), ["data engineer: waiting jsearch"]);
        const [row] = await tx`
          select bt.next_attempt_at > now() + interval '55 minutes' as later, bt.attempts,
                 c.next_page, c.not_before > now() + interval '55 minutes' as cursor_waits
          from public.backfill_tracking bt
          join public.fetch_cursors c on c.combination_id = bt.id and c.provider = 'active_jobs_db'`;
        assert.ok(row.later && row.cursor_waits, "it waits about an hour, durably");
        assert.equal(row.next_page, 100);
        const waits = await tx`select reason from public.backfill_waits()`;
        assert.deepEqual(waits.map((w) => w.reason), ["retry"]);
        assert.equal(h.sleeps.filter((ms) => ms > 30_000).length, 0, "nobody slept an hour");

        // before the time, a new invocation asks nothing
        const before = allRequests(h).length;
        await tx`update public.backfill_requests set not_before = now() - interval '1 second'`;
        await runBackfill(deps(tx, h));
        assert.equal(allRequests(h).length, before, "the page waits for its time");

        await timePasses(tx);
        await runBackfill(deps(tx, h));
        assert.deepEqual(await states(tx), ["data engineer: backfilled active_jobs_db+jsearch"]);
        assert.deepEqual(answeredAgain(allRequests(h)), []);
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test(
  "page progress: JSearch's quota spent pauses JSearch only; Active Jobs DB goes on for all",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx);
      try {
        const titles = ["data engineer", "data analyst", "data scientist", "ml engineer"];
        const user = await userWith(tx, "quota@example.com", titles);
        await requestBackfill(tx, user);
        h.fakes.jsearch.setQuota({ requestsRemaining: 0 });
        const invocation = await runBackfill(deps(tx, h));
        assert.equal(h.fakes.jsearch.requests.length, 1, "one 429, then JSearch is paused");
        const asked = new Set(h.fakes.activeJobsDb.requests.map((r) => r.params.title_filter));
        assert.equal(asked.size, titles.length, "in the same invocation, every combination");
        assert.deepEqual(
          invocation.pausedProviders.map((p) => p.provider),
          ["jsearch"],
        );
        for (const state of await states(tx)) assert.match(state, /: waiting active_jobs_db$/);
        const [pause] = await tx`
          select outcome, paused_until > now() + interval '1 day' as until_reset
          from public.provider_pauses where provider = 'jsearch'`;
        assert.equal(pause.outcome, "quota_exhausted");
        assert.ok(pause.until_reset, "until the monthly reset the gateway reported");
        const [feed] = await tx`select count(*)::int as n from public.combination_jobs`;
        assert.ok(feed.n > 0, "Active Jobs DB's jobs are in the feed");
        // the daily refresh keeps the finished provider fresh while the other waits
        const runId = await startRun(tx, { at: NOW, force: true, triggeredBy: "test" });
        const [{ items }] = await tx`select count(*)::int as items from public.refresh_items
                                     where run_id = ${runId}`;
        assert.equal(items, titles.length);
        await tx`delete from public.refresh_items where run_id = ${runId}`;

        // a new plan: the operator resumes JSearch at once; JSearch alone is fetched, Active
        // Jobs DB is not asked again
        const activeBefore = h.fakes.activeJobsDb.requests.length;
        h.fakes.jsearch.setQuota({ requestsRemaining: 10_000 });
        h.sessions.jsearch.stopped = null;
        const [{ woken }] = await tx`select public.resume_provider('jsearch') as woken`;
        assert.equal(woken, titles.length);
        const [{ due }] = await tx`select count(*)::int as due from public.backfill_requests
                                   where state = 'pending' and not_before <= now()`;
        assert.equal(due, 1, "the request is due again");
        await runBackfill(deps(tx, h));
        assert.equal(h.fakes.activeJobsDb.requests.length, activeBefore);
        for (const state of await states(tx)) {
          assert.match(state, /: backfilled active_jobs_db\+jsearch$/);
        }
        assert.deepEqual(answeredAgain(allRequests(h)), []);
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test(
  "page progress: a refresh retried later asks for the same window, from the same page",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx);
      try {
        const user = await createUser(tx, "refresh@example.com");
        await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" });
        await markBackfilled(tx, { title_keyword: "data engineer", location: "berlin" });
        await tx`update public.backfill_tracking
                 set last_refreshed_at = ${new Date(NOW.getTime() - 6 * 86_400_000)}`;
        const runId = (await startRun(tx, { at: NOW, force: true, triggeredBy: "test" }))!;
        h.fakes.activeJobsDb.inject({ kind: "latency", ms: 0 });
        h.fakes.activeJobsDb.inject({ kind: "status", status: 429, retryAfter: 3600 });
        const refresh = (now: Date) =>
          runRefresh({
            sql: tx,
            sessions: () => h.sessions,
            maxItems: 10,
            concurrency: 1,
            timeBudgetMs: 60_000,
            now: () => now,
          }, { runId });
        const first = await refresh(NOW);
        assert.equal(first?.items.deferred, 1, JSON.stringify(first));
        assert.equal(first?.status, "running", "the item waits in the run");
        const firstAsk = h.fakes.activeJobsDb.requests[0].params;
        const jsearchCalls = h.fakes.jsearch.requests.length;
        const [{ queued }] = await tx`select public.continue_daily_refresh(${runId}) as queued`;
        assert.equal(queued, false, "no invocation for an item that waits");

        // five hours later (a new window would end now), the item is taken again
        await tx`update public.refresh_items set not_before = null where run_id = ${runId}`;
        await tx`update public.fetch_cursors set not_before = null`;
        const later = new Date(NOW.getTime() + 5 * 3600_000);
        const second = await refresh(later);
        assert.equal(second?.status, "succeeded");
        const resumed = h.fakes.activeJobsDb.requests.slice(2);
        assert.equal(resumed[0].params.offset, "100");
        assert.equal(resumed[0].params.date_filter, firstAsk.date_filter, "the same window");
        assert.deepEqual(answeredAgain(allRequests(h)), []);
        assert.equal(
          h.fakes.jsearch.requests.length,
          jsearchCalls,
          "JSearch's finished part is not asked again",
        );
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test("ledger: no call leaves when the database cannot be reached", async () => {
  const dead = connectPostgres("postgres://nobody@127.0.0.1:9/none", { max: 1 });
  const h = await startProviderHarness({ ledger: sqlUsageLedger(dead) });
  try {
    const result = await fetchJSearch(h.sessions.jsearch, {
      titleKeyword: "data engineer",
      location: "berlin",
    }, lastDays(1));
    assert.equal(result.status, "failed");
    assert.match(result.error!, /usage row could not be written/);
    assert.equal(h.fakes.jsearch.requests.length, 0, "no request left");
  } finally {
    await h.close();
    await dead.end();
  }
});

Deno.test(
  "ledger: rows left pending become unknown, counted as possibly billed",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.api_usage`;
      await tx`
      insert into public.api_usage (provider, endpoint, outcome, credits, called_at)
      values ('jsearch', '/search', 'pending', 2, now() - interval '1 hour'),
             ('jsearch', '/search', 'pending', 1, now()),
             ('jsearch', '/search', 'ok', 2, now())`;
      const [{ n }] = await tx`select private.expire_pending_usage() as n`;
      assert.equal(n, 1, "only the row older than a call can last");
      const [month] = await tx`
      select calls, credits, pending_calls, unknown_calls, credits_possibly_billed
      from public.quota_by_month where provider = 'jsearch'`;
      assert.deepEqual(
        [
          month.calls,
          month.credits,
          month.pending_calls,
          month.unknown_calls,
          month.credits_possibly_billed,
        ],
        [3, 5, 1, 1, 3],
      );
      // the sweep that runs every minute does it too
      await tx`update public.api_usage set called_at = now() - interval '1 hour'`;
      await tx`select private.resend_due_backfills()`;
      const [left] = await tx`select count(*)::int as n from public.api_usage
                            where outcome = 'pending'`;
      assert.equal(left.n, 0);
    });
  },
);

Deno.test(
  "page progress: with every provider paused, the request waits for the pauses, no loop",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await harness(tx);
      try {
        const user = await userWith(tx, "paused@example.com", ["data engineer", "data analyst"]);
        const id = await requestBackfill(tx, user);
        await tx`select public.pause_provider('jsearch', now() + interval '3 hours',
                   'quota_exhausted', 'JSearch quota is spent')`;
        await tx`select public.pause_provider('active_jobs_db', now() + interval '2 hours',
                   'budget_exhausted', 'Active Jobs DB budget is spent')`;
        const invocation = await runBackfill(deps(tx, h));
        assert.equal(allRequests(h).length, 0, "no call");
        assert.deepEqual(invocation.requests.map((r) => r.settlement), ["waiting"]);
        assert.deepEqual((await states(tx)).sort(), [
          "data analyst: waiting ",
          "data engineer: waiting ",
        ]);
        const [request] = await tx`
          select not_before between now() + interval '119 minutes'
                                and now() + interval '121 minutes' as at_first_pause_end
          from public.backfill_requests where id = ${id}`;
        assert.ok(request.at_first_pause_end, "due when the first pause ends");
        const [tracked] = await tx`select max(attempts)::int as attempts
                                   from public.backfill_tracking`;
        assert.equal(tracked.attempts, 0, "a wait is not an attempt");
      } finally {
        await h.close();
      }
    });
  },
);
