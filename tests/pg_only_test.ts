/**
 * What only a real Postgres server can show: concurrent sessions and pg_cron.
 * Skipped on the embedded PGlite, which serves a single connection.
 */
import assert from "node:assert/strict";
import { connectPostgres } from "../shared/db/postgres.ts";
import { storeJobs } from "../shared/jobs/store.ts";
import { dbTest, onRealPostgres, testDatabase, withRollback } from "./support/database.ts";
import { setFunctionSecrets } from "./support/storage.ts";
import { canonicalJob } from "./support/jobs.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { runBackfill } from "../shared/backfill/run.ts";
import { fetchAllProviders, type JobSearch, sqlUsageLedger } from "../shared/providers/mod.ts";
import { createUser } from "./support/auth.ts";
import { insertQuery } from "./support/fixtures.ts";
import { lastDays, NOW, startProviderHarness } from "./support/providers.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };

Deno.test({
  name: "pg: ten sessions marking one NULL-filter combination at once leave exactly one row",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 10 });
    const tag = `concurrency ${crypto.randomUUID().slice(0, 8)}`;
    try {
      // Several rounds: the race between two unique indexes (only one of which can be the
      // ON CONFLICT arbiter) showed up about once in ten CI runs with a single round.
      for (let round = 0; round < 25; round++) {
        const title = `${tag} ${round}`;
        await Promise.all(
          Array.from({ length: 10 }, () =>
            pool.begin(async (tx) => {
              await tx`select pg_sleep(0.02)`;
              await tx`select public.mark_combination_backfilled(${title}, 'berlin', null, null, null, null, 5, 1)`;
            })),
        );
        const rows =
          await pool`select credits_used from public.backfill_tracking where title_keyword = ${title}`;
        assert.equal(rows.length, 1);
        assert.equal(rows[0].credits_used, 10);
      }
    } finally {
      await pool`delete from public.backfill_tracking where title_keyword like ${tag + "%"}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: pg_cron is preloaded and the migrations create it the way Supabase enables it",
  ...realOnly,
  fn: async () => {
    const { sql } = await testDatabase();
    const [{ libraries }] =
      await sql`select current_setting('shared_preload_libraries') as libraries`;
    assert.match(libraries, /pg_cron/);
    const [{ available }] = await sql`
      select count(*)::int as available from pg_available_extensions where name = 'pg_cron'`;
    assert.equal(available, 1);
    const [cron] = await sql`
      select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_cron'`;
    assert.equal(cron?.schema, "pg_catalog");
  },
});

Deno.test({
  name: "pg: four workers storing the same postings at once leave one job per posting",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const tag = crypto.randomUUID().slice(0, 8);
    // the same 200 jobs, each worker seeing them from its own provider ids (as two providers
    // and two publishers would), so only the fingerprint and URL can join them
    const batch = (worker: number) =>
      Array.from({ length: 200 }, (_, i) =>
        canonicalJob({
          provider: worker % 2 ? "jsearch" : "active_jobs_db",
          providerJobId: `${tag}-w${worker}-${i}`,
          title: `Race Engineer ${tag} ${i}`,
          applyUrl: `https://jobs.example.com/${tag}/${i}?utm_source=w${worker}`,
        }));
    try {
      const results = await Promise.all([0, 1, 2, 3].map((w) => storeJobs(pool, batch(w))));
      const [{ jobs, sources }] = await pool<{ jobs: number; sources: number }[]>`
        select count(distinct s.job_id)::int as jobs, count(*)::int as sources
        from public.job_sources s where s.provider_job_id like ${tag + "-%"}`;
      assert.equal(sources, 800);
      assert.equal(jobs, 200, "every posting is one job, whoever stored it first");
      assert.equal(results.reduce((sum, r) => sum + r.newJobs, 0), 200);
    } finally {
      await pool`delete from public.jobs where title like ${"Race Engineer " + tag + "%"}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: two providers' copies stored at once by two writers are one job (URL race)",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const tag = crypto.randomUUID().slice(0, 8);
    try {
      // same canonical URL, different fingerprints ("Zalando" vs "Zalando Payments"): only the
      // URL key joins them, so only job_keys can stop the second writer creating a second job
      for (let round = 0; round < 25; round++) {
        const a = canonicalJob({
          provider: "jsearch",
          providerJobId: `${tag}-js-${round}`,
          title: `Solo ${tag} ${round}`,
          company: "Zalando",
          applyUrl: `https://solo.example/${tag}/${round}`,
        });
        const b = canonicalJob({
          provider: "active_jobs_db",
          providerJobId: `${tag}-adb-${round}`,
          title: `Solo ${tag} ${round}`,
          company: "Zalando Payments",
          applyUrl: `https://solo.example/${tag}/${round}?utm_source=x`,
        });
        await Promise.all([storeJobs(pool, [a]), storeJobs(pool, [b])]);
      }
      const [{ jobs }] = await pool<{ jobs: number }[]>`
        select count(distinct job_id)::int as jobs from public.job_sources
        where provider_job_id like ${tag + "-%"}`;
      assert.equal(jobs, 25);
    } finally {
      await pool`delete from public.jobs where title like ${"Solo " + tag + "%"}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: both providers' copies of a job, seen again in chunks side by side, need no retry",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const tag = crypto.randomUUID().slice(0, 8);
    try {
      // A provider's postings come together. With chunks of 100, a job's JSearch copy and its
      // Active Jobs DB copy are in two chunks stored at the same time, which update the same
      // jobs and links, the second in reverse posting order. see_known_postings takes the jobs
      // in job id order, so the two wait for each other rather than deadlock (which would
      // cost a second and a retry).
      const copies = (provider: "jsearch" | "active_jobs_db", from: number) =>
        Array.from({ length: 100 }, (_, i) =>
          canonicalJob({
            provider,
            providerJobId: `${tag}-${provider}-${from + i}`,
            title: `Pair ${tag} ${from + i}`,
            applyUrl: `https://pair.example/${tag}/${from + i}`,
          }));
      const batch = [0, 100, 200, 300].flatMap((from) => [
        ...copies("jsearch", from),
        ...copies("active_jobs_db", from).reverse(),
      ]);
      const [combination] = await pool<{ id: number }[]>`
        insert into public.backfill_tracking (title_keyword, location)
        values (${"pair " + tag}, 'berlin') returning id`;
      const options = { combinationId: combination.id, chunkSize: 100, concurrency: 4 };
      const first = await storeJobs(pool, batch, options);
      assert.equal(first.newJobs, 400);
      for (let round = 0; round < 3; round++) {
        const again = await storeJobs(pool, batch, options);
        assert.equal(again.seenAgain, 800);
        assert.equal(again.retried, 0, "no statement had to be run again");
      }
    } finally {
      await pool`delete from public.jobs where title like ${"Pair " + tag + "%"}`;
      await pool`delete from public.backfill_tracking where title_keyword = ${"pair " + tag}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: writers refreshing overlapping known jobs in different orders all finish",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 8 });
    const tag = crypto.randomUUID().slice(0, 8);
    try {
      const base = Array.from({ length: 600 }, (_, i) =>
        canonicalJob({
          providerJobId: `${tag}-${i}`,
          title: `Overlap ${tag} ${i}`,
          applyUrl: `https://overlap.example/${tag}/${i}`,
        }));
      await storeJobs(pool, base);
      const shuffled = () => [...base].sort(() => Math.random() - 0.5);
      const results = await Promise.allSettled([0, 1, 2, 3].map(() => storeJobs(pool, shuffled())));
      const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      assert.deepEqual(failed.map((r) => String(r.reason)), []);
      for (const result of results) {
        assert.equal(
          (result as PromiseFulfilledResult<{ seenAgain: number }>).value.seenAgain,
          600,
        );
      }
    } finally {
      await pool`delete from public.jobs where title like ${"Overlap " + tag + "%"}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: pg_cron runs every cron row of private.schedules",
  ...realOnly,
  fn: async () => {
    const { sql } = await testDatabase();
    const jobs = await sql<{ jobname: string; schedule: string; command: string }[]>`
      select j.jobname, j.schedule, j.command from cron.job j
      join private.schedules s on s.name = j.jobname order by j.jobname`;
    const rows = await sql<{ jobname: string; schedule: string; command: string }[]>`
      select name as jobname, schedule, command from private.schedules
      where kind = 'cron' order by name`;
    assert.deepEqual(jobs.map((j) => ({ ...j })), rows.map((r) => ({ ...r })));
    assert.deepEqual(jobs.map((j) => j.jobname), [
      "backfill-sweep",
      "cv-ingest-sweep",
      "daily-refresh-sweep",
      "digest-sweep",
      "feed-sweep",
      "skills-sweep",
    ]);
    assert.equal(jobs.find((j) => j.jobname === "cv-ingest-sweep")?.schedule, "*/5 * * * *");
  },
});

Deno.test({
  name: "pg: the daily refresh fires from pg_cron at 04:00 and 05:00 UTC and calls its function",
  ...realOnly,
  fn: async () => {
    await withRollback(async (tx) => {
      const jobs = await tx<{ jobname: string; schedule: string; command: string }[]>`
        select jobname, schedule, command from cron.job
        where jobname like 'daily-refresh%' order by jobname`;
      assert.deepEqual(jobs.map((j) => ({ ...j })), [
        {
          jobname: "daily-refresh-0400-utc",
          schedule: "0 4 * * *",
          command: "select public.fire_daily_refresh()",
        },
        {
          jobname: "daily-refresh-0500-utc",
          schedule: "0 5 * * *",
          command: "select public.fire_daily_refresh()",
        },
        {
          jobname: "daily-refresh-sweep",
          schedule: "* * * * *",
          command: "select private.resend_stalled_refreshes()",
        },
      ]);
      // the cron command, at an instant when it is due, queues the call to the function
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx, "http://127.0.0.1:54321", "cron-secret");
      const user = await createUser(tx, `cron-${crypto.randomUUID()}@example.com`);
      await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" });
      await tx`select public.mark_combination_backfilled('data engineer', 'berlin')`;
      const [{ run }] = await tx`select public.fire_daily_refresh('2026-11-30T05:00:00Z') as run`;
      assert.ok(run);
      const [call] = await tx`select url, headers from net.http_request_queue`;
      assert.equal(call.url, "http://127.0.0.1:54321/functions/v1/daily-refresh");
      assert.equal(call.headers["x-webhook-secret"], "cron-secret");
      // moving the time in settings moves the cron entries
      await tx`update public.settings set daily_refresh_local_time = '07:30'`;
      const moved = await tx`select schedule from cron.job
                             where jobname like 'daily-refresh-%-utc' order by jobname`;
      assert.deepEqual(moved.map((j) => j.schedule), ["30 5 * * *", "30 6 * * *"]);
    });
  },
});

Deno.test({
  name: "pg: two CVs of one user finishing at once leave only the newer one's queries active",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const email = `race-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const query = (title: string) => [{
      title_keyword: title,
      location: "berlin",
      ai_work_arrangement: null,
      ai_employment_type: null,
      ai_seniority: null,
      ai_industry: null,
    }];
    try {
      const [{ id: user }] = await pool<{ id: string }[]>`
        insert into auth.users (id, email) values (gen_random_uuid(), ${email}) returning id`;
      const [older, newer] = await pool<{ id: string }[]>`
        insert into public.cv_documents (user_id, storage_path, file_name, object_version,
          created_at)
        values (${user}, ${user + "/old.pdf"}, 'old.pdf', '1', now() - interval '1 hour'),
               (${user}, ${user + "/new.pdf"}, 'new.pdf', '1', now())
        returning id`;
      await pool`select public.begin_cv_parse(${older.id})`;
      await pool`select public.begin_cv_parse(${newer.id})`;
      // the newer one finishes first but commits late; the older one finishes meanwhile
      await Promise.all([
        pool.begin(async (tx) => {
          await tx`select public.finish_cv_parse(${newer.id}, ${tx.json(query("ml engineer"))},
            'm', 1, 1)`;
          await tx`select pg_sleep(0.3)`;
        }),
        pool.begin(async (tx) => {
          await tx`select pg_sleep(0.1)`;
          await tx`select public.finish_cv_parse(${older.id}, ${tx.json(query("data engineer"))},
            'm', 1, 1)`;
        }),
      ]);
      const active = await pool<{ title_keyword: string }[]>`
        select title_keyword from public.user_search_queries where user_id = ${user} and is_active`;
      assert.deepEqual(active.map((r) => r.title_keyword), ["ml engineer"]);
    } finally {
      await pool`delete from auth.users where email = ${email}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: 20 users signing up at once: provider calls = distinct combinations × pages",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 12 });
    // paid plans: the free tiers (250 Active Jobs DB jobs a month) cannot pay for 20 users
    const providers = await startProviderHarness({
      ledger: sqlUsageLedger(pool),
      jsearch: { plan: { name: "PRO", monthlyRequests: 10_000 } },
      activeJobsDb: { plan: { name: "PRO", monthlyRequests: 100_000, monthlyJobs: 100_000 } },
    });
    const titles = ["data engineer", "data scientist", "backend developer", "product manager"];
    const places = ["berlin", "hamburg", "munich"];
    const users: string[] = [];
    const combos = new Map<string, JobSearch>();
    // every usage row this test writes comes after this one (the lone fetches have no run)
    const [{ lastUsage }] =
      await pool`select coalesce(max(id), 0) as "lastUsage" from public.api_usage`;
    try {
      await pool.begin(async (tx) => {
        for (let i = 0; i < 20; i++) {
          const user = await createUser(tx, `concurrent-${i}-${crypto.randomUUID()}@example.com`);
          users.push(user);
          // heavy overlap: 2 titles × 2 places out of 4 × 3
          for (const title of [titles[i % 4], titles[(i + 1) % 4]]) {
            for (const place of [places[i % 3], places[(i + 2) % 3]]) {
              await insertQuery(tx, user, { title_keyword: title, location: place });
              combos.set(`${title}|${place}`, { titleKeyword: title, location: place });
            }
          }
        }
      });
      // what each distinct combination costs fetched once, alone (the fakes are deterministic)
      let minimumCalls = 0;
      for (const search of combos.values()) {
        const fetches = await fetchAllProviders(providers.sessions, search, lastDays(30));
        minimumCalls += fetches.reduce((sum, f) => sum + f.calls, 0);
      }
      providers.fakes.jsearch.clearLog();
      providers.fakes.activeJobsDb.clearLog();

      const requests = await Promise.all(users.map((user) => requestBackfill(pool, user)));
      const deps = {
        sql: pool,
        sessions: () => providers.sessions,
        maxCombinations: 3,
        timeBudgetMs: 60_000,
        chain: false,
        now: () => NOW,
      };
      // everybody at the same moment: one invocation per new request, all in parallel
      await Promise.all(requests.map((requestId) => runBackfill(deps, { requestId })));
      // then invocations pick up what is left (continuations, waits on others' claims)
      for (let round = 0; round < 30; round++) {
        const [{ open }] = await pool`
          select count(*)::int as open from public.backfill_requests
          where id = any(${requests}) and state in ('pending', 'running')`;
        if (open === 0) break;
        await pool`update public.backfill_requests set not_before = now()
                   where id = any(${requests}) and state = 'pending'`;
        await Promise.all(Array.from({ length: 6 }, () => runBackfill(deps)));
      }

      const states = await pool`
        select state, count(*)::int as n from public.backfill_requests
        where id = any(${requests}) group by state`;
      assert.deepEqual(states.map((r) => ({ ...r })), [{ state: "done", n: 20 }]);
      const calls = providers.fakes.jsearch.requests.length +
        providers.fakes.activeJobsDb.requests.length;
      assert.equal(
        calls,
        minimumCalls,
        `${combos.size} combinations: calls = combinations × pages`,
      );
      const perCombination = await pool`
        select bt.title_keyword, bt.location, bt.state, count(distinct a.run_id)::int as runs
        from public.backfill_tracking bt
        join public.api_usage a on a.combination_id = bt.id
        where bt.combination_key in (select combination_key from public.user_search_queries
                                     where user_id = any(${users}))
        group by bt.id`;
      assert.equal(perCombination.length, combos.size, "one tracking row per combination");
      for (const row of perCombination) {
        assert.equal(row.state, "backfilled");
        assert.equal(row.runs, 1, `${row.title_keyword} in ${row.location} fetched by one run`);
      }
    } finally {
      await pool`
        delete from public.jobs where id in (
          select cj.job_id from public.combination_jobs cj
          join public.backfill_tracking bt on bt.id = cj.combination_id
          join public.user_search_queries q on q.combination_key = bt.combination_key
          where q.user_id = any(${users}))`;
      await pool`delete from public.api_usage where id > ${lastUsage}`;
      await pool`
        delete from public.runs where id in (
          select run_id from public.backfill_requests where user_id = any(${users}))`;
      await pool`
        delete from public.backfill_tracking where combination_key in (
          select combination_key from public.user_search_queries where user_id = any(${users}))`;
      await pool`delete from auth.users where id = any(${users})`;
      await providers.close();
      await pool.end();
    }
  },
});
