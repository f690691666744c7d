/**
 * Daily refresh throughput: 500 combinations refreshed against the provider fakes with
 * 200 ms latency and a 5 requests/s limit per provider, drained by parallel invocations that
 * share the rate limiters. The floor is the rate limit itself — requests ÷ rate for the busier
 * provider — and the wall time is printed against it (target: within 1.25×). Each invocation has
 * its own sessions, as on Edge; the rate limit holds across them through Postgres's rate slots.
 *
 * @module
 */
import { startProviderFakes } from "../local/fakes/mod.ts";
import { loadConfig } from "../shared/config.ts";
import { connectPostgres, type Queryable } from "../shared/db/postgres.ts";
import { sqlRatePacer } from "../shared/providers/budget.ts";
import {
  createProviderSessions,
  memoryUsageLedger,
  readPagingSettings,
} from "../shared/providers/mod.ts";
import { startRun } from "../shared/refresh/claims.ts";
import { runRefresh } from "../shared/refresh/run.ts";
import { type BenchResult, type BenchTarget, result } from "./report.ts";

const COMBINATIONS = 500;
const RATE = 5;
const LATENCY_MS = 200;
const INVOCATIONS = 4;
const TITLES = [
  "data engineer",
  "backend developer",
  "product manager",
  "data scientist",
  "devops engineer",
];
const PLACES = ["berlin", "hamburg", "munich", "cologne", "frankfurt"];

async function seed(sql: Queryable, tag: string, count: number): Promise<string[]> {
  const users: string[] = [];
  for (let i = 0; i < count; i++) {
    // distinct combinations: a title and place from the lists, made unique by a suffix the
    // fakes still search for (they match on the words they know)
    const title = `${TITLES[i % TITLES.length]} ${tag}${i}`;
    const place = PLACES[Math.floor(i / TITLES.length) % PLACES.length];
    const [{ id }] = await sql`
      insert into auth.users (id, email, aud, role)
      values (gen_random_uuid(), ${`bench-${tag}-${i}@example.com`}, 'authenticated', 'authenticated')
      returning id`;
    users.push(id);
    await sql`insert into public.user_search_queries (user_id, title_keyword, location)
              values (${id}, ${title}, ${place})`;
    await sql`select public.mark_combination_backfilled(${title}, ${place})`;
  }
  await sql`update public.backfill_tracking set last_refreshed_at = now() - interval '24 hours'
            where title_keyword like ${"% " + tag + "%"}`;
  return users;
}

/** Refreshes {@link COMBINATIONS} combinations at the rate limit; wall time vs the bound. */
export async function benchDailyRefresh(target: BenchTarget): Promise<BenchResult[]> {
  const count = target.embedded ? 50 : COMBINATIONS;
  const sql = target.embedded ? target.sql : connectPostgres(target.url, { max: 12 });
  const plan = { name: "PRO" as const, monthlyRequests: 1e9, monthlyJobs: 1e9, perSecond: RATE };
  const fakes = await startProviderFakes({
    jsearch: { plan, latencyMs: LATENCY_MS },
    activeJobsDb: { plan, latencyMs: LATENCY_MS },
  });
  const tag = `r${crypto.randomUUID().slice(0, 6)}`;
  try {
    await sql`delete from public.runs where kind = 'daily_refresh'`;
    const users = await seed(sql, tag, count);
    const config = loadConfig({
      RAPIDAPI_KEY: "test-key",
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
      JSEARCH_REQUESTS_PER_SECOND: String(RATE),
      ACTIVE_JOBS_REQUESTS_PER_SECOND: String(RATE),
      JSEARCH_MAX_CONCURRENCY: "4",
      ACTIVE_JOBS_MAX_CONCURRENCY: "4",
    });
    // every invocation has its own sessions, as on Edge, paged as public.settings says; the
    // shared rate slots in Postgres keep them together under the provider's limit
    const sessions = async () =>
      createProviderSessions(config, {
        ledger: memoryUsageLedger(),
        pacer: sqlRatePacer(sql),
        paging: await readPagingSettings(sql),
      });
    const runId = await startRun(sql, { force: true, triggeredBy: "test" });
    const started = performance.now();
    await Promise.all(Array.from({ length: target.embedded ? 1 : INVOCATIONS }, async () => {
      for (;;) {
        const outcome = await runRefresh({
          sql,
          sessions,
          maxItems: 1e6,
          concurrency: target.embedded ? 1 : 4,
          timeBudgetMs: 1e9,
        }, { runId });
        if (!outcome || outcome.status !== "running") return;
        if (Object.values(outcome.items).every((n) => n === 0)) return;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const all = [...fakes.jsearch.requests, ...fakes.activeJobsDb.requests];
    const throttled = all.filter((r) => r.status === 429).length;
    // the floor counts the requests the refresh needs; a 429 is time lost above it
    const needed = {
      jsearch: fakes.jsearch.requests.filter((r) => r.status !== 429).length,
      active_jobs_db: fakes.activeJobsDb.requests.filter((r) => r.status !== 429).length,
    };
    const bound = Math.max(needed.jsearch, needed.active_jobs_db) / RATE;
    const [run] = await sql`select status, stats from public.runs where id = ${runId}`;
    const label = `${count} combinations, ${LATENCY_MS} ms, ${RATE} req/s, ` +
      `${needed.jsearch}+${needed.active_jobs_db} requests, ${throttled} × 429, ${run.status}`;
    await sql`delete from public.runs where id = ${runId}`;
    await sql`delete from public.backfill_tracking where title_keyword like ${"% " + tag + "%"}`;
    await sql`delete from auth.users where id = any(${users})`;
    return [result(`daily refresh wall time (${label}) vs requests ÷ rate`, seconds, "s", bound)];
  } finally {
    await fakes.close();
    if (!target.embedded) await (sql as ReturnType<typeof connectPostgres>).end();
  }
}
