/**
 * Postings a provider reports expired: Active Jobs DB's `/active-ats-expired`, asked at most once
 * per daily run when `settings.active_jobs_db_expired_enabled` is on, counted in the fake's
 * request log; the ids mark exactly those postings and their jobs; a lower plan, throttling,
 * server errors and a cut-off body are recorded on the run with a reason and a correct ledger
 * row, and never stop the refresh of the combinations. Also: JSearch's expiration date reaches
 * `jobs.valid_through` through the store.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { storeJobs } from "../shared/jobs/store.ts";
import { parseExpiredIds } from "../shared/providers/active_jobs_db/expired.ts";
import { activeJobsParams } from "../shared/providers/active_jobs_db/params.ts";
import { sqlBudgetLedger } from "../shared/providers/budget.ts";
import { InvalidResponseError } from "../shared/providers/call.ts";
import { fetchJSearch } from "../shared/providers/jsearch/client.ts";
import { sqlUsageLedger } from "../shared/providers/ledger.ts";
import type { ProviderSession } from "../shared/providers/session.ts";
import { type ExpiredCheckRecord, expiredChecks, startRun } from "../shared/refresh/claims.ts";
import { type RefreshDeps, runRefresh } from "../shared/refresh/run.ts";
import type { RapidApiPlan } from "../local/fakes/mod.ts";
import { createUser } from "./support/auth.ts";
import { connectPostgres } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase, withRollback } from "./support/database.ts";
import { insertQuery } from "./support/fixtures.ts";
import { canonicalJob } from "./support/jobs.ts";
import { lastDays, type ProviderHarness, startProviderHarness } from "./support/providers.ts";

const HOUR = 3600_000;
/** 06:00 Berlin on 29 November, the morning after the fakes' clock (28 Nov 08:00 UTC). */
const FIRED = new Date("2026-11-29T05:00:00Z");
const ULTRA: RapidApiPlan = { name: "ULTRA", monthlyRequests: 10_000, monthlyJobs: 10_000 };
const EXPIRED = "/active-ats-expired";
const SEARCHES = [
  { titleKeyword: "data engineer", location: "berlin" },
  { titleKeyword: "product manager", location: "munich" },
];

Deno.test("expired ids: strings and numbers, as provider_job_id stores them", () => {
  assert.deepEqual(parseExpiredIds(["abc", " 12 ", 345, "abc", 345]), {
    value: ["abc", "12", "345"],
    records: 0,
  });
  assert.deepEqual(parseExpiredIds([]), { value: [], records: 0 });
  for (const body of [{ data: [] }, ["ok", null], [1.5], [""], [{ id: "x" }], "abc"]) {
    assert.throws(() => parseExpiredIds(body), InvalidResponseError, JSON.stringify(body));
  }
  assert.throws(
    () => parseExpiredIds({ message: "Internal error" }),
    /Internal error/,
    "a gateway message in a 200 is the reason",
  );
});

interface Setup {
  tx: TransactionSql;
  h: ProviderHarness;
  deps: RefreshDeps;
}

async function withExpired(
  options: { plan?: RapidApiPlan; enabled?: boolean; env?: Record<string, string> },
  fn: (setup: Setup) => Promise<void>,
) {
  await withRollback(async (tx) => {
    await tx`delete from public.runs where kind = 'daily_refresh'`;
    await tx`delete from public.provider_budget_usage`;
    await tx`delete from public.provider_pauses`;
    await tx`update public.settings set active_jobs_db_expired_enabled = ${
      options.enabled ?? true
    }`;
    const h = await startProviderHarness({
      ledger: sqlUsageLedger(tx),
      budget: sqlBudgetLedger(tx),
      activeJobsDb: { plan: options.plan ?? ULTRA },
      env: options.env,
    });
    try {
      const deps: RefreshDeps = {
        sql: tx,
        sessions: () => h.sessions,
        maxItems: 100,
        concurrency: 1,
        timeBudgetMs: 60_000,
        now: () => new Date(FIRED.getTime() + 3 * 60_000),
      };
      await seed(tx);
      await fn({ tx, h, deps });
    } finally {
      await h.close();
    }
  });
}

/** One user with the two searches, backfilled and last refreshed a day before the firing. */
async function seed(tx: TransactionSql) {
  const user = await createUser(tx, "expired@example.com");
  for (const search of SEARCHES) {
    await insertQuery(tx, user, { title_keyword: search.titleKeyword, location: search.location });
    await tx`select public.mark_combination_backfilled(${search.titleKeyword}, ${search.location})`;
  }
  await tx`update public.backfill_tracking set last_refreshed_at = ${new Date(
    FIRED.getTime() - 24 * HOUR,
  )}`;
}

/**
 * The ids the fake reports for the seeded searches (it lists expired postings of searches it
 * has served), asked outside the product's path; the log is emptied afterwards.
 */
async function reportedIds(h: ProviderHarness): Promise<string[]> {
  const headers = {
    "x-rapidapi-key": "test-key",
    "x-rapidapi-host": "active-jobs-db.p.rapidapi.com",
  };
  for (const search of SEARCHES) {
    const { endpoint, params } = activeJobsParams(search, lastDays(1));
    const url = new URL(h.fakes.activeJobsDb.url + endpoint);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    await (await fetch(url, { headers })).body?.cancel();
  }
  const ids = await (await fetch(h.fakes.activeJobsDb.url + EXPIRED, { headers })).json();
  h.fakes.activeJobsDb.clearLog();
  return ids;
}

/** Stores postings through the store: Active Jobs DB ones with `ids`, and `others`. */
async function storePostings(
  tx: TransactionSql,
  ids: { provider: "active_jobs_db" | "jsearch"; id: string }[],
) {
  await storeJobs(
    tx,
    ids.map(({ provider, id }, i) =>
      canonicalJob({
        provider,
        providerJobId: id,
        title: `Role number ${i} ${provider}`,
        company: `Company ${i} ${provider}`,
        applyUrl: `https://jobs.example.com/${provider}/postings/${i}1`,
      })
    ),
  );
}

/** Each stored posting: provider, id, and whether it and its job are marked expired. */
async function marks(tx: TransactionSql) {
  const rows = await tx`
    select s.provider, s.provider_job_id as id, s.expired_at is not null as posting,
           j.expired_at is not null as job
    from public.job_sources s join public.jobs j on j.id = s.job_id`;
  return rows.map((r) => ({ provider: r.provider, id: r.id, posting: r.posting, job: r.job }));
}

/**
 * Makes the session's fetch turn every other reported id into a number (the listing shows
 * strings; numbers must work too), and records the ids the client received.
 */
function asNumbersEveryOther(session: ProviderSession): unknown[][] {
  const seen: unknown[][] = [];
  const inner = session.fetch;
  session.fetch = async (input, init) => {
    const response = await inner(input, init);
    if (!String(input).includes(EXPIRED) || response.status !== 200) return response;
    const ids = (await response.json() as string[]).map((id, i) => i % 2 ? Number(id) : id);
    seen.push(ids);
    return new Response(JSON.stringify(ids), { status: 200, headers: response.headers });
  };
  return seen;
}

function expiredCalls(h: ProviderHarness) {
  return h.fakes.activeJobsDb.requests.filter((r) => r.path === EXPIRED);
}

async function ledgerRows(tx: TransactionSql) {
  return await tx`
    select outcome, http_status, credits, jobs_returned, run_id, combination_id, params
    from public.api_usage where endpoint = ${EXPIRED} order by id`;
}

async function checkOf(tx: TransactionSql, runId: number): Promise<ExpiredCheckRecord> {
  const [check] = await expiredChecks(tx, { runId });
  assert.ok(check, "the run records its check");
  return check;
}

Deno.test(
  "expired postings: one call per run, whatever the invocations; exactly the ids reported",
  dbTest,
  async () => {
    await withExpired({}, async ({ tx, h, deps }) => {
      const ids = await reportedIds(h);
      assert.ok(ids.length >= 2, `the fake reports expired postings (${ids.length})`);
      await storePostings(tx, [
        ...ids.map((id) => ({ provider: "active_jobs_db" as const, id })),
        { provider: "active_jobs_db", id: "still-open-1" },
        { provider: "active_jobs_db", id: "still-open-2" },
        // another provider's posting with the same id is another posting
        { provider: "jsearch", id: ids[0] },
      ]);
      const received = asNumbersEveryOther(h.sessions.active_jobs_db);
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      const [first, second] = await Promise.all([
        runRefresh(deps, { runId }),
        runRefresh(deps, { runId }),
      ]);
      const third = await runRefresh(deps, { runId });

      assert.equal(expiredCalls(h).length, 1, "one call, two invocations at once and one after");
      assert.equal(first?.items.done! + second?.items.done!, 2, "both combinations refreshed");
      assert.equal(third?.status, "succeeded");
      assert.deepEqual(received.length, 1);
      assert.ok(received[0].some((id) => typeof id === "number"), "numbers were sent");
      assert.deepEqual(received[0].map(String).sort(), [...ids].sort());

      const stored = await marks(tx);
      for (const posting of stored) {
        const reported = posting.provider === "active_jobs_db" && ids.includes(posting.id);
        assert.equal(posting.posting, reported, `${posting.provider} ${posting.id}`);
        assert.equal(posting.job, reported, `the job of ${posting.provider} ${posting.id}`);
      }
      const check = await checkOf(tx, runId);
      assert.equal(check.state, "done");
      assert.equal(check.attempts, 1);
      assert.equal(check.reported, ids.length);
      assert.equal(check.markedPostings, ids.length);
      assert.equal(check.markedJobs, ids.length);
      assert.equal(check.failure, null);
      assert.deepEqual(third?.expired, check, "the invocation reports the run's check");

      const rows = await ledgerRows(tx);
      assert.equal(rows.length, 1);
      assert.deepEqual({ ...rows[0] }, {
        outcome: "ok",
        http_status: 200,
        credits: 1,
        jobs_returned: 0,
        run_id: runId,
        combination_id: null,
        params: {},
      });

      const [again] = await tx`select * from private.mark_jobs_expired('active_jobs_db', ${ids})`;
      assert.deepEqual({ ...again }, { postings: 0, jobs: 0 }, "a repeat marks nothing");
    });
  },
);

Deno.test("expired postings: the setting off asks nothing", dbTest, async () => {
  await withExpired({ enabled: false }, async ({ tx, h, deps }) => {
    const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
    const outcome = await runRefresh(deps, { runId });
    assert.equal(outcome?.status, "succeeded");
    assert.equal(expiredCalls(h).length, 0);
    assert.ok(h.fakes.activeJobsDb.requests.length > 0, "the combinations were refreshed");
    assert.equal(outcome?.expired, null);
    assert.deepEqual(await expiredChecks(tx, { runId }), []);
  });
});

Deno.test(
  "expired postings: a lower plan's 403 is recorded with the fix; the refresh goes on",
  dbTest,
  async () => {
    await withExpired(
      { plan: { name: "BASIC", monthlyRequests: 10_000, monthlyJobs: 10_000 } },
      async ({ tx, h, deps }) => {
        const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
        const outcome = await runRefresh({ ...deps, maxItems: 1 }, { runId });
        const rest = await runRefresh(deps, { runId });
        assert.equal(rest?.status, "succeeded", "both combinations refreshed");
        assert.deepEqual(expiredCalls(h).map((r) => r.status), [403], "asked once, not again");
        assert.equal(
          h.fakes.activeJobsDb.requests.filter((r) => r.path === "/active-ats-24h").length,
          2,
          "Active Jobs DB still refreshes the combinations",
        );
        const [pause] = await tx`select * from public.provider_pauses`;
        assert.equal(pause, undefined, "the plan's refusal pauses nothing");
        assert.equal(h.sessions.active_jobs_db.stopped, null, "nor stops the job calls");

        const check = await checkOf(tx, runId);
        assert.equal(check.state, "failed");
        assert.equal(check.failure, "plan_required");
        assert.equal(check.retryAt, null);
        assert.match(check.error!, /Ultra or Mega/);
        assert.match(check.error!, /active_jobs_db_expired_enabled = false/);
        assert.equal(outcome?.expired?.failure, "plan_required");
        const rows = await ledgerRows(tx);
        assert.deepEqual(rows.map((r) => [r.outcome, r.http_status, r.credits, r.jobs_returned]), [
          ["http_error", 403, 0, 0],
        ]);
      },
    );
  },
);

Deno.test(
  "expired postings: RapidAPI's 401 'disabled for your subscription' is the plan too",
  dbTest,
  async () => {
    await withExpired({}, async ({ tx, h, deps }) => {
      h.fakes.activeJobsDb.inject({
        kind: "status",
        status: 401,
        message: "This endpoint is disabled for your subscription",
      }, { path: EXPIRED });
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      assert.equal((await runRefresh(deps, { runId }))?.status, "succeeded");
      assert.equal(expiredCalls(h).length, 1);
      assert.equal((await checkOf(tx, runId)).failure, "plan_required");
    });
  },
);

Deno.test(
  "expired postings: throttled (429) — recorded, asked once more later in the run, then done",
  dbTest,
  async () => {
    await withExpired({ env: { PROVIDER_MAX_RETRIES: "1" } }, async ({ tx, h, deps }) => {
      h.fakes.activeJobsDb.inject({ kind: "status", status: 429, message: "Too many requests" }, {
        path: EXPIRED,
        times: 2,
      });
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      const first = await runRefresh({ ...deps, maxItems: 1 }, { runId });
      assert.equal(first?.status, "running", "one combination left");
      assert.equal(first?.items.done, 1, "the combination was refreshed");
      const failed = await checkOf(tx, runId);
      assert.equal(failed.state, "failed");
      assert.equal(failed.failure, "rate_limited");
      assert.equal(failed.attempts, 1);
      assert.ok(failed.retryAt && failed.retryAt.getTime() > Date.now() + 4 * 60_000);
      assert.match(failed.error!, /Asked once more from .* by a later invocation of this run/);
      assert.deepEqual(
        (await ledgerRows(tx)).map((r) => [r.outcome, r.http_status, r.credits]),
        [["rate_limited", 429, 0], ["rate_limited", 429, 0]],
      );

      // not before its time; then once more, by whichever invocation comes
      await runRefresh({ ...deps, maxItems: 0 }, { runId });
      assert.equal(expiredCalls(h).length, 2, "not asked before its retry time");
      await tx`update public.runs set expired_retry_at = now() - interval '1 second'
               where id = ${runId}`;
      const last = await runRefresh(deps, { runId });
      assert.equal(last?.status, "succeeded");
      assert.equal(last?.expired?.state, "done");
      assert.equal(last?.expired?.attempts, 2);
      assert.equal(expiredCalls(h).length, 3);
      await tx`update public.runs set status = 'running', finished_at = null where id = ${runId}`;
      await runRefresh(deps, { runId });
      assert.equal(expiredCalls(h).length, 3, "done: never again on this run");
    });
  },
);

Deno.test(
  "expired postings: a 5xx twice fails for the run; a spent quota is final at once",
  dbTest,
  async () => {
    await withExpired({ env: { PROVIDER_MAX_RETRIES: "1" } }, async ({ tx, h, deps }) => {
      h.fakes.activeJobsDb.inject({ kind: "status", status: 503 }, { path: EXPIRED, times: 4 });
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      await runRefresh({ ...deps, maxItems: 1 }, { runId });
      assert.equal((await checkOf(tx, runId)).failure, "server_error");
      await tx`update public.runs set expired_retry_at = now() - interval '1 second'
               where id = ${runId}`;
      const last = await runRefresh(deps, { runId });
      assert.equal(last?.status, "succeeded", "the combinations are refreshed either way");
      assert.equal(expiredCalls(h).length, 4, "two calls of two attempts each");
      const check = await checkOf(tx, runId);
      assert.equal(check.state, "failed");
      assert.equal(check.attempts, 2);
      assert.equal(check.retryAt, null);
      assert.match(check.error!, /server error 503.*Not asked again on this run/);
      assert.deepEqual(
        (await ledgerRows(tx)).map((r) => [r.outcome, r.http_status, r.credits]),
        Array(4).fill(["http_error", 503, 0]),
      );

      // the next day: the month's quota is spent
      h.fakes.activeJobsDb.inject({
        kind: "status",
        status: 429,
        message: "You have exceeded the MONTHLY quota for Requests on your current plan, ULTRA.",
      }, { path: EXPIRED });
      const next = (await startRun(tx, {
        at: new Date(FIRED.getTime() + 24 * HOUR),
        triggeredBy: "test",
      }))!;
      await runRefresh({ ...deps, now: () => new Date(FIRED.getTime() + 24 * HOUR) }, {
        runId: next,
      });
      const spent = await checkOf(tx, next);
      assert.equal(spent.failure, "quota_exhausted");
      assert.equal(spent.retryAt, null, "a spent quota is not asked again");
      assert.match(spent.error!, /MONTHLY quota/);
      assert.equal(expiredCalls(h).length, 5);
    });
  },
);

Deno.test(
  "expired postings: a cut-off body is billed, recorded, and marks nothing",
  dbTest,
  async () => {
    await withExpired({ env: { PROVIDER_MAX_RETRIES: "0" } }, async ({ tx, h, deps }) => {
      const ids = await reportedIds(h);
      await storePostings(tx, ids.map((id) => ({ provider: "active_jobs_db" as const, id })));
      h.fakes.activeJobsDb.inject({ kind: "malformed_json" }, { path: EXPIRED });
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      const outcome = await runRefresh(deps, { runId });
      assert.equal(outcome?.status, "succeeded");
      assert.deepEqual(expiredCalls(h).map((r) => [r.status, r.credits, r.fault]), [
        [200, 1, "malformed_json"],
      ]);
      const check = await checkOf(tx, runId);
      assert.equal(check.failure, "invalid_response");
      assert.match(check.error!, /malformed page/);
      assert.ok(check.retryAt);
      assert.deepEqual(
        (await ledgerRows(tx)).map((
          r,
        ) => [r.outcome, r.http_status, r.credits, r.jobs_returned]),
        [["invalid_response", 200, 1, 0]],
      );
      assert.ok((await marks(tx)).every((posting) => !posting.posting && !posting.job));
    });
  },
);

Deno.test(
  "expired postings: a paused Active Jobs DB is not asked; the run says why",
  dbTest,
  async () => {
    await withExpired({}, async ({ tx, h, deps }) => {
      await tx`select public.pause_provider('active_jobs_db', now() + interval '1 hour',
                                            'quota_exhausted', 'Active Jobs DB quota is spent.')`;
      const runId = (await startRun(tx, { at: FIRED, triggeredBy: "test" }))!;
      const first = await runRefresh({ ...deps, maxItems: 1 }, { runId });
      assert.equal(expiredCalls(h).length, 0);
      assert.equal(first?.expired?.state, null);
      assert.match(first?.expired?.error ?? "", /paused until .*quota is spent/);
      await tx`select public.resume_provider('active_jobs_db')`;
      h.sessions.active_jobs_db.stopped = null; // each invocation has its own sessions
      const last = await runRefresh(deps, { runId });
      assert.equal(expiredCalls(h).length, 1, "taken once the pause is over");
      assert.equal(last?.expired?.state, "done");
    });
  },
);

Deno.test("expired postings: the functions are the service role's only", dbTest, async () => {
  await withRollback(async (tx) => {
    const calls = [
      "select * from private.mark_jobs_expired('active_jobs_db', array['1'])",
      "select public.claim_expired_check(1)",
      "select * from public.finish_expired_check(1, 'active_jobs_db', array['1'])",
      "select public.fail_expired_check(1, 'refused', 'x')",
    ];
    for (const role of ["anon", "authenticated", "service_role"]) {
      for (const call of calls) {
        const outcome = await tx.savepoint(async (sp) => {
          await sp.unsafe(`set local role ${role}`);
          await sp.unsafe(call);
          throw new Done(); // rolls the savepoint and its role back
        }).catch((error) => {
          if (error instanceof Done) return "allowed";
          if ((error as { code?: string }).code === "42501") return "denied";
          throw error;
        });
        assert.equal(outcome, role === "service_role" ? "allowed" : "denied", `${role}: ${call}`);
      }
    }
  });
});

class Done extends Error {}

Deno.test({
  name: "pg: ten sessions claiming one run's expired check at once — exactly one gets it",
  ...dbTest,
  ignore: !onRealPostgres(),
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 10 });
    const [{ enabled }] = await pool`
      select active_jobs_db_expired_enabled as enabled from public.settings`;
    const day = 40_000 + Math.floor(Math.random() * 10_000); // a date no other run has
    const [{ id }] = await pool`
      insert into public.runs (kind, triggered_by, run_date)
      values ('daily_refresh', 'test', date '2100-01-01' + ${day}::integer) returning id`;
    const claimAll = () =>
      Promise.all(Array.from({ length: 10 }, () =>
        pool.begin(async (tx) => {
          await tx`select pg_sleep(0.02)`;
          const [{ attempt }] =
            await tx`select public.claim_expired_check(${id}::bigint) as attempt`;
          return attempt as number | null;
        })));
    try {
      await pool`update public.settings set active_jobs_db_expired_enabled = true`;
      assert.deepEqual((await claimAll()).filter((a) => a !== null), [1]);
      await pool`select public.fail_expired_check(${id}::bigint, 'server_error', 'test',
                                                  now() - interval '1 second')`;
      assert.deepEqual((await claimAll()).filter((a) => a !== null), [2], "the one retry");
      await pool`select public.fail_expired_check(${id}::bigint, 'server_error', 'test',
                                                  now() - interval '1 second')`;
      assert.deepEqual((await claimAll()).filter((a) => a !== null), [], "no third attempt");
    } finally {
      await pool`update public.settings set active_jobs_db_expired_enabled = ${enabled}`;
      await pool`delete from public.runs where id = ${id}`;
      await pool.end();
    }
  },
});

/** Each job's valid_through beside its postings' `job_offer_expiration_datetime_utc`. */
async function validity(tx: TransactionSql) {
  const rows = await tx`
    select j.id, j.valid_through, s.raw ->> 'job_offer_expiration_datetime_utc' as expiration
    from public.jobs j join public.job_sources s on s.job_id = j.id order by j.id`;
  type Validity = {
    id: number;
    validThrough: string | null;
    expirations: string[];
    postings: number;
  };
  const jobs = new Map<number, Validity>();
  for (const row of rows) {
    const job: Validity = jobs.get(row.id) ?? {
      id: row.id,
      validThrough: row.valid_through ? (row.valid_through as Date).toISOString() : null,
      expirations: [],
      postings: 0,
    };
    job.postings++;
    if (row.expiration) job.expirations.push(new Date(row.expiration).toISOString());
    jobs.set(row.id, job);
  }
  return [...jobs.values()];
}

Deno.test(
  "JSearch's job_offer_expiration_datetime_utc reaches jobs.valid_through through the store",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
      try {
        const fetched = await fetchJSearch(h.sessions.jsearch, {
          titleKeyword: "data engineer",
          location: "berlin",
        }, lastDays(30));
        assert.equal(fetched.status, "ok");
        await storeJobs(tx, fetched.jobs);
        const first = await validity(tx);
        const single = first.filter((job) => job.postings === 1);
        assert.ok(
          single.filter((job) => job.expirations.length > 0).length >= 5,
          "postings with an expiration date",
        );
        for (const job of single) {
          assert.equal(job.validThrough, job.expirations[0] ?? null, `job ${job.id}`);
        }
        // A job two postings of the batch share takes the first one's fields when it is
        // created; seen again (the next refresh), it learns the date from the other posting.
        await storeJobs(tx, fetched.jobs);
        for (const job of await validity(tx)) {
          const label = `job ${job.id} (${job.postings} postings): ${job.validThrough}`;
          if (job.expirations.length === 0) assert.equal(job.validThrough, null, label);
          else assert.ok(job.expirations.includes(job.validThrough ?? "none"), label);
        }
      } finally {
        await h.close();
      }
    });
  },
);
