/**
 * The daily refresh against the provider fakes: each combination an active query uses is fetched
 * since its last successful refresh (24 hours normally, wider after a missed day), most-shared
 * first; failures and spent budgets leave the window open for the next run; the function answers
 * pg_cron's call and a manual one.
 */
import assert from "node:assert/strict";
import { createDailyRefreshHandler } from "../functions/daily-refresh/handler.ts";
import { claimItems, runOfDate, startRun } from "../shared/refresh/claims.ts";
import { type RefreshDeps, runRefresh } from "../shared/refresh/run.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { sqlBudgetLedger } from "../shared/providers/budget.ts";
import { sqlUsageLedger } from "../shared/providers/ledger.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertQuery } from "./support/fixtures.ts";
import { setFunctionSecrets } from "./support/storage.ts";
import { type ProviderHarness, startProviderHarness } from "./support/providers.ts";

const HOUR = 3600_000;
/** The morning after the fakes' clock (28 Nov 08:00 UTC): 06:00 Berlin on 29 November is 05:00 UTC. */
const FIRED = new Date("2026-11-29T05:00:00Z");

interface Setup {
  tx: TransactionSql;
  h: ProviderHarness;
  deps: RefreshDeps;
}

async function withRefresh(
  fn: (setup: Setup) => Promise<void>,
  env: Record<string, string> = {},
) {
  await withRollback(async (tx) => {
    await tx`delete from public.runs where kind = 'daily_refresh'`;
    await tx`delete from public.provider_budget_usage`;
    const h = await startProviderHarness({
      ledger: sqlUsageLedger(tx),
      budget: sqlBudgetLedger(tx),
      env,
    });
    try {
      const deps: RefreshDeps = {
        sql: tx,
        sessions: () => h.sessions,
        maxItems: 100,
        concurrency: 1,
        timeBudgetMs: 60_000,
        // a few minutes after the firing, as in production: still a 24-hour window
        now: () => new Date(FIRED.getTime() + 3 * 60_000),
      };
      await fn({ tx, h, deps });
    } finally {
      await h.close();
    }
  });
}

/** Users and their backfilled combinations, last refreshed `hoursAgo` before FIRED. */
async function seed(
  tx: TransactionSql,
  combos: { title: string; place: string; users: number; hoursAgo: number }[],
) {
  const users = await Promise.all(
    Array.from(
      { length: Math.max(...combos.map((c) => c.users)) },
      (_, i) => createUser(tx, `refresh-${i}@example.com`),
    ),
  );
  for (const c of combos) {
    for (const user of users.slice(0, c.users)) {
      await insertQuery(tx, user, { title_keyword: c.title, location: c.place });
    }
    await tx`select public.mark_combination_backfilled(${c.title}, ${c.place})`;
    await tx`update public.backfill_tracking
             set last_refreshed_at = ${new Date(FIRED.getTime() - c.hoursAgo * HOUR)}
             where title_keyword = ${c.title} and location = ${c.place}`;
  }
}

async function lastRefreshed(tx: TransactionSql, title: string): Promise<string> {
  const [row] = await tx`select last_refreshed_at from public.backfill_tracking
                         where title_keyword = ${title}`;
  return (row.last_refreshed_at as Date).toISOString();
}

Deno.test(
  "daily refresh: 24 hours since the last run, most-shared first, window moves on success",
  dbTest,
  async () => {
    await withRefresh(async ({ tx, h, deps }) => {
      await seed(tx, [
        { title: "data engineer", place: "berlin", users: 1, hoursAgo: 24 },
        { title: "product manager", place: "munich", users: 3, hoursAgo: 24 },
      ]);
      const runId = await startRun(tx, { at: FIRED, triggeredBy: "test" });
      assert.ok(runId);
      const result = await runRefresh(deps, { runId });
      assert.equal(result?.status, "succeeded");
      assert.deepEqual(result?.items, { done: 2, failed: 0, skipped: 0, deferred: 0, lost: 0 });

      const queries = h.fakes.jsearch.requests.map((r) => r.params.query);
      assert.deepEqual(
        queries,
        ["product manager in Munich", "data engineer in Berlin"],
        "most-shared first",
      );
      assert.ok(h.fakes.jsearch.requests.every((r) => r.params.date_posted === "today"));
      assert.ok(h.fakes.activeJobsDb.requests.every((r) => r.path === "/active-ats-24h"));
      assert.equal(await lastRefreshed(tx, "data engineer"), FIRED.toISOString());

      const [run] =
        await tx`select status, run_date::text as d, progress_done, progress_total, stats, finished_at
                           from public.runs where id = ${runId}`;
      assert.equal(run.d, "2026-11-29");
      assert.equal(run.progress_done, 2);
      assert.equal(run.progress_total, 2);
      assert.equal(run.stats.combinations_done, 2);
      assert.equal(run.stats.windows["jsearch today"], 2);
      assert.ok(run.stats.credits_by_provider.jsearch >= 2);
      assert.ok(run.finished_at);
    });
  },
);

Deno.test(
  "daily refresh: a missed day widens the window; a failure keeps it open",
  dbTest,
  async () => {
    await withRefresh(async ({ tx, h, deps }) => {
      await seed(tx, [
        { title: "data engineer", place: "berlin", users: 2, hoursAgo: 48 },
        { title: "data analyst", place: "hamburg", users: 1, hoursAgo: 24 },
      ]);
      // the second combination's JSearch call fails (the first one's comes first: more users)
      h.fakes.jsearch.inject({ kind: "latency", ms: 0 });
      h.fakes.jsearch.inject({ kind: "status", status: 500 });
      const runId = await startRun(tx, { at: FIRED, triggeredBy: "test" });
      const result = await runRefresh(deps, { runId: runId! });
      assert.equal(result?.status, "partial");
      const [wide] = h.fakes.jsearch.requests;
      assert.equal(wide.params.date_posted, "3days", "two days since the last refresh");
      const wideAdb = h.fakes.activeJobsDb.requests.find((r) =>
        r.params.title_filter?.includes("engineer")
      );
      assert.equal(wideAdb?.path, "/active-ats-7d");
      assert.ok(wideAdb?.params.date_filter, "date_filter narrows the 7-day endpoint");
      assert.equal(await lastRefreshed(tx, "data engineer"), FIRED.toISOString());
      const before = await lastRefreshed(tx, "data analyst");
      assert.equal(
        before,
        new Date(FIRED.getTime() - 24 * HOUR).toISOString(),
        "not moved: failed",
      );
      const [item] = await tx`select i.state, i.error from public.refresh_items i
                            join public.backfill_tracking bt on bt.id = i.combination_id
                            where bt.title_keyword = 'data analyst'`;
      assert.equal(item.state, "failed");
      assert.match(item.error, /JSearch/);
      const [run] = await tx`select error from public.runs where id = ${runId}`;
      assert.match(
        run.error,
        /1 combination\(s\) failed, 0 skipped \(caught up in the next run's window\)/,
      );

      // the next day, the failed combination's window is 48 hours
      const nextDay = new Date(FIRED.getTime() + 24 * HOUR);
      h.fakes.jsearch.clearLog();
      const next = await startRun(tx, { at: nextDay, triggeredBy: "test" });
      await runRefresh({ ...deps, now: () => nextDay }, { runId: next! });
      const analyst = h.fakes.jsearch.requests.find((r) =>
        r.params.query.startsWith("data analyst")
      );
      assert.equal(analyst?.params.date_posted, "3days");
      assert.equal(await lastRefreshed(tx, "data analyst"), nextDay.toISOString());
    }, { PROVIDER_MAX_RETRIES: "0" });
  },
);

Deno.test(
  "daily refresh: a claim takes at most its limit, whatever plan the server picks",
  dbTest,
  async () => {
    await withRefresh(async ({ tx }) => {
      await seed(tx, [
        { title: "data engineer", place: "berlin", users: 1, hoursAgo: 24 },
        { title: "data analyst", place: "hamburg", users: 1, hoursAgo: 24 },
        { title: "product manager", place: "munich", users: 1, hoursAgo: 24 },
      ]);
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      // the plan that rescans a LIMIT ... FOR UPDATE SKIP LOCKED subquery per updated row
      for (const knob of ["hashagg", "hashjoin", "mergejoin", "material", "sort"]) {
        await tx.unsafe(`set local enable_${knob} = off`);
      }
      assert.equal((await claimItems(tx, runId, "w1", 1)).length, 1);
      const [{ held }] = await tx`select count(*)::int as held from public.refresh_items
                                where run_id = ${runId} and claimed_by = 'w1'`;
      assert.equal(held, 1, "one item claimed, not every one");
    });
  },
);

Deno.test("daily refresh: a spent budget stops one provider, not the run", dbTest, async () => {
  await withRefresh(async ({ tx, h, deps }) => {
    await seed(tx, [
      { title: "data engineer", place: "berlin", users: 3, hoursAgo: 24 },
      { title: "data analyst", place: "hamburg", users: 2, hoursAgo: 24 },
      { title: "product manager", place: "munich", users: 1, hoursAgo: 24 },
    ]);
    // JSearch may spend one more credit this month: one "today" call
    await tx`update public.settings set jsearch_monthly_credits = 1`;
    const runId = await startRun(tx, { at: FIRED, triggeredBy: "test" });
    const result = await runRefresh(deps, { runId: runId! });
    assert.equal(result?.status, "partial");
    assert.deepEqual(result?.items, { done: 1, failed: 0, skipped: 2, deferred: 0, lost: 0 });
    assert.equal(h.fakes.jsearch.requests.length, 1, "no call past the budget");
    assert.equal(h.fakes.activeJobsDb.requests.length, 3, "Active Jobs DB refreshed everything");
    const skipped =
      await tx`select error from public.refresh_items where run_id = ${runId} and state = 'skipped'`;
    assert.equal(skipped.length, 2);
    for (const row of skipped) assert.match(row.error, /JSearch's monthly budget/);
    const [run] = await tx`select stats from public.runs where id = ${runId}`;
    assert.equal(run.stats.skipped_providers.jsearch, 2);
    assert.equal(
      await lastRefreshed(tx, "product manager"),
      new Date(FIRED.getTime() - 24 * HOUR).toISOString(),
      "caught up tomorrow",
    );
    const [marks] = await tx`select provider_refreshed_at as m from public.backfill_tracking
                             where title_keyword = 'product manager'`;
    assert.equal(
      new Date(marks.m.active_jobs_db).toISOString(),
      FIRED.toISOString(),
      "Active Jobs DB's own window moved on: tomorrow it asks for 24 hours again",
    );
    assert.equal(marks.m.jsearch, undefined);
  });
});

Deno.test(
  "daily-refresh function: the secret, pg_cron's call, a manual start and a repeat",
  dbTest,
  async () => {
    await withRefresh(async ({ tx, deps }) => {
      await seed(tx, [{ title: "data engineer", place: "berlin", users: 1, hoursAgo: 24 }]);
      const handler = createDailyRefreshHandler({
        secret: "cron-secret",
        log: () => {},
        start: (at, force) => startRun(tx, { at: at ?? FIRED, force, triggeredBy: "manual" }),
        runOf: (at) => runOfDate(tx, at ?? FIRED),
        refresh: (runId) => runRefresh(deps, { runId }),
      });
      const post = (body: unknown, secret = "cron-secret") =>
        handler(
          new Request("http://x/functions/v1/daily-refresh", {
            method: "POST",
            headers: { "x-webhook-secret": secret, "content-type": "application/json" },
            body: JSON.stringify(body),
          }),
        );
      assert.equal((await post({}, "nope")).status, 401);
      const bad = await post({ at: "tomorrow", force: "yes" });
      assert.equal(bad.status, 400);
      const { error } = await bad.json();
      assert.match(error, /at must be an ISO 8601 instant/);
      assert.match(error, /force must be true or false/);

      const first = await (await post({})).json();
      assert.equal(first.status, "succeeded");
      const again = await (await post({})).json();
      assert.match(again.message, /has its run already; send "force": true/);
      const forced = await (await post({ force: true })).json();
      assert.equal(forced.runId, first.runId, "one run per date, started over");
      assert.equal(forced.status, "succeeded");
    });
  },
);

Deno.test(
  "daily refresh: pg_cron's firing starts the run and calls the function",
  dbTest,
  async () => {
    await withRefresh(async ({ tx }) => {
      await seed(tx, [{ title: "data engineer", place: "berlin", users: 1, hoursAgo: 24 }]);
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx, "http://127.0.0.1:54321", "s3cret");
      const [{ run }] = await tx`select public.fire_daily_refresh(${FIRED}) as run`;
      assert.ok(run);
      const calls =
        await tx`select url, headers, convert_from(body, 'UTF8') as body from net.http_request_queue`;
      assert.equal(calls.length, 1, "one item: one invocation is enough");
      assert.equal(calls[0].url, "http://127.0.0.1:54321/functions/v1/daily-refresh");
      assert.equal(calls[0].headers["x-webhook-secret"], "s3cret");
      assert.deepEqual(JSON.parse(calls[0].body), { run_id: Number(run) });
      // the function never came: the sweep wakes the run once it has been quiet
      await tx`update public.runs set heartbeat_at = now() - interval '5 minutes' where id = ${run}`;
      const [{ woken }] = await tx`select private.resend_stalled_refreshes() as woken`;
      assert.equal(woken, 1);
    });
  },
);

Deno.test(
  "daily refresh: staleness beyond a provider's reach is reported, not hidden",
  dbTest,
  async () => {
    await withRefresh(async ({ tx, deps }) => {
      await seed(tx, [{ title: "data engineer", place: "berlin", users: 1, hoursAgo: 20 * 24 }]);
      const runId = await startRun(tx, { at: FIRED, triggeredBy: "test" });
      const result = await runRefresh(deps, { runId: runId! });
      assert.equal(result?.status, "succeeded", "everything that can be fetched was");
      const [item] =
        await tx`select state, error from public.refresh_items where run_id = ${runId}`;
      assert.equal(item.state, "done");
      assert.match(
        item.error,
        /Active Jobs DB reaches back 7 days; postings from 2026-11-09 to 2026-11-22 are missing for "data engineer" in "berlin"/,
      );
      const [run] = await tx`select error, stats from public.runs where id = ${runId}`;
      assert.match(run.error, /^Refreshed with gaps: Active Jobs DB reaches back 7 days/);
      assert.equal(run.stats.unrecoverable_gaps, 1);
    });
  },
);

Deno.test(
  "daily refresh: lost invocations — items that keep dying fail, runs are settled, work is chained",
  dbTest,
  async () => {
    await withRefresh(async ({ tx, deps }) => {
      await seed(tx, [
        { title: "data engineer", place: "berlin", users: 2, hoursAgo: 24 },
        { title: "data analyst", place: "hamburg", users: 1, hoursAgo: 24 },
      ]);
      await setFunctionSecrets(tx, "http://127.0.0.1:54321", "s3cret");
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      assert.equal(
        await startRun(tx, { at: FIRED, force: true, triggeredBy: "test" }),
        runId,
        "a forced start joins a run that is still going",
      );
      const [{ n: itemsBefore }] =
        await tx`select count(*)::int as n from public.refresh_items where run_id = ${runId}`;
      assert.equal(itemsBefore, 2, "and does not reset its items");

      // one item per invocation: the invocation queues the next one itself
      await tx`delete from net.http_request_queue`;
      const first = await runRefresh({ ...deps, maxItems: 1, chain: true }, { runId });
      assert.equal(first?.status, "running");
      const queued = await tx`select url from net.http_request_queue`;
      assert.deepEqual(queued.map((q) => q.url), [
        "http://127.0.0.1:54321/functions/v1/daily-refresh",
      ]);

      // the other item's invocations die three times: it fails with a message
      await tx`update public.refresh_items set state = 'claimed', claimed_by = 'dead',
             claim_expires_at = now() - interval '1 second', attempts = 3
             where run_id = ${runId} and state = 'pending'`;
      const second = await runRefresh(deps, { runId });
      assert.equal(second?.status, "partial");
      const [dead] =
        await tx`select state, error from public.refresh_items where run_id = ${runId} and attempts = 3`;
      assert.equal(dead.state, "failed");
      assert.match(dead.error, /stopped without finishing 3 times/);

      // a run whose last invocation died before settling is settled by the sweep
      const other =
        (await startRun(tx, { at: new Date(FIRED.getTime() + 24 * HOUR), triggeredBy: "test" }))!;
      await tx`update public.refresh_items set state = 'done' where run_id = ${other}`;
      await tx`update public.runs set heartbeat_at = now() - interval '5 minutes' where id = ${other}`;
      const [{ woken }] = await tx`select private.resend_stalled_refreshes() as woken`;
      assert.equal(woken, 1);
      const [settled] = await tx`select status from public.runs where id = ${other}`;
      assert.equal(settled.status, "succeeded");
    });
  },
);
