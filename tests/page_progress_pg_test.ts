/**
 * Page-level progress where only a real Postgres server can show it: a backfill process killed
 * while a call is out, and the database cut off while a page is in flight. Committed data, a
 * tag per test, cleaned up after. Skipped on the embedded PGlite.
 */
import assert from "node:assert/strict";
import { createJobWorld, startProviderFakes } from "../local/fakes/mod.ts";
import { backfillDepsFromConfig } from "../shared/backfill/from_config.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { runBackfill } from "../shared/backfill/run.ts";
import { loadConfig } from "../shared/config.ts";
import { connectPostgres, type Sql } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";
import { answeredAgain } from "./support/providers.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };
const ULTRA = { name: "ULTRA" as const, monthlyRequests: 10_000, monthlyJobs: 20_000 };
const PRO = { name: "PRO" as const, monthlyRequests: 10_000 };

/** A title no other test uses: letters only, as labels are. */
function uniqueTitle(): string {
  const letters = Array.from(
    crypto.getRandomValues(new Uint8Array(8)),
    (b) => String.fromCharCode(97 + b % 26),
  ).join("");
  return `page test ${letters}`;
}

/** A committed user with one search, and a backfill request; returns ids and a cleanup. */
async function committedUser(sql: Sql, title: string) {
  const [{ id }] = await sql`
    insert into auth.users (id, email, aud, role)
    values (gen_random_uuid(), ${title.replaceAll(" ", "-") + "@example.com"}, 'authenticated',
            'authenticated') returning id`;
  await sql`insert into public.user_search_queries (user_id, title_keyword, location)
            values (${id}, ${title}, 'berlin')`;
  const requestId = await requestBackfill(sql, id);
  const cleanup = async () => {
    await sql`delete from public.jobs where id in (
      select c.job_id from public.combination_jobs c join public.backfill_tracking t
        on t.id = c.combination_id where t.title_keyword = ${title})`;
    await sql`delete from public.api_usage where combination_id in (
      select id from public.backfill_tracking where title_keyword = ${title})`;
    await sql`delete from public.backfill_tracking where title_keyword = ${title}`;
    await sql`delete from public.backfill_requests where user_id = ${id}`;
    await sql`delete from auth.users where id = ${id}`;
  };
  return { userId: id as string, requestId, cleanup };
}

async function fakes() {
  return await startProviderFakes({
    world: createJobWorld({ postingsPerDay: 40 }),
    jsearch: { plan: PRO },
    activeJobsDb: { plan: ULTRA },
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ledgerOf(sql: Sql, title: string) {
  const rows = await sql`
    select u.provider, u.outcome, count(*)::int as n from public.api_usage u
    join public.backfill_tracking t on t.id = u.combination_id
    where t.title_keyword = ${title} group by 1, 2 order by 1, 2`;
  return rows.map((r) => `${r.provider} ${r.outcome}:${r.n}`);
}

Deno.test({
  name: "pg: a backfill process killed while a call is out resumes at its cursor",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const sql = connectPostgres(url, { max: 4 });
    const providers = await fakes();
    const title = uniqueTitle();
    const { userId, requestId, cleanup } = await committedUser(sql, title);
    try {
      // Active Jobs DB answers offset=0; the call for offset=100 is held until the client goes
      providers.activeJobsDb.inject({ kind: "latency", ms: 0 });
      providers.activeJobsDb.inject({ kind: "timeout", ms: 60_000 });
      const env = {
        DATABASE_URL: url,
        RAPIDAPI_KEY: "test-key",
        JSEARCH_BASE_URL: providers.jsearch.url,
        ACTIVE_JOBS_BASE_URL: providers.activeJobsDb.url,
      };
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "cli/main.ts", "backfill", "--user", userId],
        cwd: new URL("..", import.meta.url).pathname,
        env,
        stdout: "null",
        stderr: "null",
      }).spawn();
      await until(async () => {
        const [row] = await sql`
          select bool_and(c.done) filter (where c.provider = 'jsearch') as jsearch_done
          from public.fetch_cursors c join public.backfill_tracking t on t.id = c.combination_id
          where t.title_keyword = ${title}`;
        return providers.activeJobsDb.requests.length >= 2 && row?.jsearch_done === true;
      }, "the second Active Jobs DB call and JSearch's last page");
      child.kill("SIGKILL");
      await child.status;

      assert.deepEqual(
        (await ledgerOf(sql, title)).filter((line) => line.startsWith("active_jobs_db")),
        ["active_jobs_db ok:1", "active_jobs_db pending:1"],
        "the call in flight has its row, pending",
      );
      const [cursor] = await sql`
        select c.next_page from public.fetch_cursors c
        join public.backfill_tracking t on t.id = c.combination_id
        where t.title_keyword = ${title} and c.provider = 'active_jobs_db'`;
      assert.equal(cursor.next_page, 100, "page 1 was stored with its cursor before the kill");

      // five minutes later: the lease and the claim have run out; another worker takes over
      await sql`update public.backfill_requests set lease_expires_at = now() - interval '1 s'
                where id = ${requestId}`;
      await sql`update public.backfill_tracking set claim_expires_at = now() - interval '1 s'
                where title_keyword = ${title}`;
      const config = loadConfig(env);
      const outcome = await runBackfill(
        { ...backfillDepsFromConfig(config, sql, { chain: false, log: () => {} }) },
        { requestId },
      );
      assert.equal(outcome.requests[0]?.settlement, "done");
      const requests = [...providers.jsearch.requests, ...providers.activeJobsDb.requests];
      assert.deepEqual(answeredAgain(requests), [], "no answered page is bought again");
      assert.equal(providers.activeJobsDb.requests[1].status, 499, "the held call never answered");
      const [{ state }] = await sql`select state from public.backfill_tracking
                                   where title_keyword = ${title}`;
      assert.equal(state, "backfilled");
      const [{ rows }] = await sql`
        select count(*)::int as rows from public.api_usage u
        join public.backfill_tracking t on t.id = u.combination_id where t.title_keyword = ${title}`;
      assert.equal(rows, requests.length, "every request that reached the fakes has its row");
      await sql`update public.api_usage set called_at = now() - interval '1 hour'
                where outcome = 'pending' and combination_id in (
                  select id from public.backfill_tracking where title_keyword = ${title})`;
      await sql`select private.expire_pending_usage()`;
      assert.ok((await ledgerOf(sql, title)).includes("active_jobs_db unknown:1"));
    } finally {
      await cleanup();
      await providers.close();
      await sql.end();
    }
  },
});

/** A TCP proxy to Postgres that can be cut (every connection closed, new ones refused). */
function cuttableProxy(target: URL) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let down = false;
  const accepting = (async () => {
    for await (const conn of listener) {
      if (down) {
        conn.close();
        continue;
      }
      try {
        const upstream = await Deno.connect({
          hostname: target.hostname,
          port: Number(target.port || 5432),
        });
        open.add(conn).add(upstream);
        conn.readable.pipeTo(upstream.writable).catch(() => {});
        upstream.readable.pipeTo(conn.writable).catch(() => {});
      } catch {
        conn.close();
      }
    }
  })().catch(() => {});
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((listener.addr as Deno.NetAddr).port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      open.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      this.cut();
      listener.close();
      await accepting;
    },
  };
}

Deno.test({
  name: "pg: a page answered while the database is cut off is stored when it comes back",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const sql = connectPostgres(url, { max: 4 });
    const providers = await fakes();
    const proxy = cuttableProxy(new URL(url));
    const through = connectPostgres(proxy.url, { max: 4 });
    const title = uniqueTitle();
    const { requestId, cleanup } = await committedUser(sql, title);
    try {
      // both first calls are out when the database goes away; Active Jobs DB answers during
      // the outage, JSearch after it
      providers.activeJobsDb.inject({ kind: "latency", ms: 700 });
      providers.jsearch.inject({ kind: "latency", ms: 3000 });
      const config = loadConfig({
        RAPIDAPI_KEY: "test-key",
        JSEARCH_BASE_URL: providers.jsearch.url,
        ACTIVE_JOBS_BASE_URL: providers.activeJobsDb.url,
      });
      const running = runBackfill(
        backfillDepsFromConfig(config, through, { chain: false, log: () => {} }),
        { requestId },
      );
      await until(
        () =>
          Promise.resolve(
            providers.activeJobsDb.requests.length >= 1 && providers.jsearch.requests.length >= 1,
          ),
        "both first calls",
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      proxy.restore();
      const outcome = await running;
      assert.equal(outcome.requests[0]?.settlement, "done");
      const requests = [...providers.jsearch.requests, ...providers.activeJobsDb.requests];
      assert.deepEqual(answeredAgain(requests), []);
      const [{ state }] = await sql`select state from public.backfill_tracking
                                   where title_keyword = ${title}`;
      assert.equal(state, "backfilled");
      const ledger = await ledgerOf(sql, title);
      assert.ok(ledger.every((line) => / ok:\d+$/.test(line)), `every row completed: ${ledger}`);
      const total = ledger.reduce((sum, line) => sum + Number(line.split(":")[1]), 0);
      assert.equal(total, requests.length, "one row per request, none missing");
    } finally {
      proxy.restore();
      await cleanup();
      await through.end({ timeout: 1 });
      await proxy.close();
      await providers.close();
      await sql.end();
    }
  },
});
