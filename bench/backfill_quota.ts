/**
 * The backfill quota benchmark: what the shared backfill spends on providers when many users ask at
 * once, against the least it could spend.
 *
 * Users: 1,000 (seeded, deterministic), each with 2–3 job titles × 1–2 locations drawn from
 * Zipf-like distributions over German and European labels, as `user_search_queries` rows, and
 * one `request_backfill` each. The real backfill (`runBackfill`, `chain: false`, wired as in
 * production) then runs as 50 concurrent invocation loops on one pool against the local fakes of
 * JSearch and Active Jobs DB (fixed clock, every call in the fakes' request log). Requests that wait for another worker's
 * claim are made due again whenever every loop is idle, until each request is done or failed.
 *
 * - Minimum: each distinct combination fetched once, alone, before the run, with
 *   `fetchAllProviders` on separate sessions (in-memory ledger) over the backfill's window: the
 *   sum of those lone fetches' credits. Goal: spent / minimum = 1.00.
 * - Naive: every user fetches each of their combinations (no sharing): the sum over users of
 *   their combinations' lone-fetch credits. Savings = 1 − spent / naive.
 * - Spent: the fakes' billing (request log), checked against `api_usage` of the runs and the
 *   monthly budget reservations (`provider_budget_usage`).
 *
 * Also the p95 latency of `get_unbacked_combinations_for_user` with 100,000 `backfill_tracking`
 * rows, next to its p95 without `backfill_tracking_combination_key_idx` (dropped in a transaction
 * that is rolled back; interleaved rounds), and how the function's plan reads `backfill_tracking`.
 *
 * Under faults: the same users again, on a fresh scratch database, against fakes where 30% of
 * the requests (seeded) get a 429 `Too many requests`, a 5xx, a cut-off body (billed, as RapidAPI
 * bills an answered call) or a time-out (held past a short `PROVIDER_TIMEOUT_MS`). Failed
 * combinations are made due again between rounds, until every request is done or failed. Credits
 * for answered pages against the minimum with JSearch asked one page per call, so that a
 * combination is several calls (goal 1.00: a retry fetches only what was not answered yet), and
 * separately the credits billed for calls without a usable answer.
 *
 * On a server each measurement works in its own scratch database, dropped afterwards. On the
 * embedded PGlite (one connection), or without CREATE DATABASE, each runs 100 users and one
 * invocation at a time in a transaction that is rolled back.
 *
 * @module
 */
import { inRolledBackTransaction, prepareLocalDatabase } from "../local/database.ts";
import {
  createJobWorld,
  type FakeRequest,
  type JobWorld,
  type ProviderFakes,
  type RandomFaults,
  startProviderFakes,
} from "../local/fakes/mod.ts";
import { backfillDepsFromConfig } from "../shared/backfill/from_config.ts";
import { type BackfillDeps, runBackfill } from "../shared/backfill/run.ts";
import { loadConfig } from "../shared/config.ts";
import {
  connectPostgres,
  isTransaction,
  type Queryable,
  type TransactionSql,
} from "../shared/db/postgres.ts";
import {
  createProviderSessions,
  fetchAllProviders,
  memoryUsageLedger,
  type PagingSettings,
  readPagingSettings,
  sqlUsageLedger,
} from "../shared/providers/mod.ts";
import { sqlBudgetLedger } from "../shared/providers/budget.ts";
import { type BenchResult, type BenchTarget, percentile, result } from "./report.ts";

/** The fakes' clock and the end of every window (tests/support/providers.ts uses the same). */
const NOW = new Date("2026-11-28T08:00:00Z");
/** The backfill's default period (a request without `days`). */
const DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;
/** Average postings per search and day in the fakes' world (the default is 6). */
const POSTINGS_PER_DAY = 2;
const TRACKING_ROWS = 100_000;
const TIMED_CALLS = 200;
/** Share of provider requests that suffer a fault in the faults scenario. */
const FAULT_RATE = 0.3;
/**
 * Under faults, JSearch is asked one page per call (in the minimum too): a month of a
 * combination is then several calls, and a fault between them is what page-level progress must
 * not pay for twice. With 10 pages per call, every combination here is one JSearch call.
 */
const PAGED = { jsearchPagesPerCall: 1 } satisfies Partial<PagingSettings>;
/** How long a time-out fault holds: past every scenario's `faultTimeoutMs` (the client leaves). */
const FAULT_HOLD_MS = 5_000;

/** Job titles as search labels, most common first. */
const TITLES = [
  "software engineer",
  "data engineer",
  "product manager",
  "data scientist",
  "backend developer",
  "frontend developer",
  "data analyst",
  "devops engineer",
  "project manager",
  "full stack developer",
  "ux designer",
  "business analyst",
  "softwareentwickler",
  "marketing manager",
  "machine learning engineer",
  "product owner",
  "cloud engineer",
  "sales manager",
  "it consultant",
  "scrum master",
  "qa engineer",
  "account manager",
  "projektmanager",
  "sap berater",
  "controller",
  "financial analyst",
  "hr business partner",
  "customer success manager",
  "embedded software engineer",
  "it security analyst",
  "system administrator",
  "mechanical engineer",
  "electrical engineer",
  "content marketing manager",
  "performance marketing manager",
  "recruiter",
  "werkstudent softwareentwicklung",
  "site reliability engineer",
  "solutions architect",
  "engineering manager",
  "mobile developer",
  "android developer",
  "ios developer",
  "bi analyst",
  "data architect",
  "technical writer",
  "vertriebsmitarbeiter",
  "buchhalter",
  "einkäufer",
  "supply chain manager",
];

/** Locations as search labels, most common first. */
const LOCATIONS = [
  "berlin",
  "munich",
  "hamburg",
  "remote",
  "frankfurt am main",
  "cologne",
  "stuttgart",
  "düsseldorf",
  "leipzig",
  "amsterdam",
  "vienna",
  "zurich",
  "germany",
  "hanover",
  "nuremberg",
  "dresden",
  "karlsruhe",
  "london",
  "dublin",
  "paris",
  "barcelona",
  "lisbon",
  "warsaw",
  "copenhagen",
  "stockholm",
  "prague",
  "bonn",
  "mannheim",
  "münster",
  "bremen",
];

/** One scenario: how many users, how many invocations at once, on what. */
interface Scenario {
  users: number;
  concurrency: number;
  label: string;
  /**
   * The client's per-call timeout under faults (`PROVIDER_TIMEOUT_MS`): short, so that a held
   * request costs little of the run, but above the slowest answer — the fakes share the bench's
   * process, and a timeout below that would cut off answered (billed) calls.
   */
  faultTimeoutMs: number;
}

/** The server scenario, and the one for the embedded PGlite (or without CREATE DATABASE). */
const SERVER: Scenario = {
  users: 1000,
  concurrency: 50,
  label: "50 concurrent invocations",
  // under 50 invocation loops a page can take most of a second to arrive
  faultTimeoutMs: 2_000,
};
const ROLLED_BACK: Scenario = {
  users: 100,
  concurrency: 1,
  label: "1 invocation at a time, rolled back",
  faultTimeoutMs: 500,
};

/** mulberry32: a small seeded PRNG, so the population is the same in every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws `count` distinct items, item i with weight 1 / (i + 1)^exponent. */
function zipfSample<T>(items: readonly T[], exponent: number, count: number, random: () => number) {
  const weights = items.map((_, i) => 1 / Math.pow(i + 1, exponent));
  const total = weights.reduce((a, b) => a + b, 0);
  const picked = new Set<number>();
  while (picked.size < count) {
    let r = random() * total;
    let i = 0;
    while (i < items.length - 1 && r >= weights[i]) r -= weights[i++];
    picked.add(i);
  }
  return [...picked].map((i) => items[i]);
}

interface Combo {
  title: string;
  location: string;
}

const keyOf = (c: Combo) => `${c.title}\u0000${c.location}`;

/** Each user's combinations: 2–3 titles × 1–2 locations. */
function population(users: number): Combo[][] {
  const random = prng(20261129);
  return Array.from({ length: users }, () => {
    const titles = zipfSample(TITLES, 1.0, random() < 0.5 ? 2 : 3, random);
    const locations = zipfSample(LOCATIONS, 1.1, random() < 0.6 ? 1 : 2, random);
    return titles.flatMap((title) => locations.map((location) => ({ title, location })));
  });
}

function providerEnv(fakes: ProviderFakes, extra: Record<string, string> = {}) {
  return loadConfig({
    RAPIDAPI_KEY: "test-key",
    JSEARCH_BASE_URL: fakes.jsearch.url,
    ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    JSEARCH_REQUESTS_PER_SECOND: "10000",
    ACTIVE_JOBS_REQUESTS_PER_SECOND: "10000",
    ...extra,
  });
}

const instantSleep = () => Promise.resolve();

interface Cost {
  credits: number;
  jobCredits: number;
}

/** What each distinct combination costs when it is fetched once, alone. */
async function loneFetchCosts(
  fakes: ProviderFakes,
  combos: Combo[],
  paging: Partial<PagingSettings> = {},
): Promise<Map<string, Cost>> {
  const sessions = createProviderSessions(
    providerEnv(fakes, { JSEARCH_MAX_CONCURRENCY: "8", ACTIVE_JOBS_MAX_CONCURRENCY: "8" }),
    { ledger: memoryUsageLedger(), sleep: instantSleep, paging },
  );
  const window = { since: new Date(NOW.getTime() - DAYS * DAY_MS), until: NOW };
  const costs = new Map<string, Cost>();
  const queue = [...combos];
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let combo = queue.shift(); combo; combo = queue.shift()) {
      const fetches = await fetchAllProviders(
        sessions,
        { titleKeyword: combo.title, location: combo.location },
        window,
      );
      const failed = fetches.find((f) => f.status !== "ok");
      if (failed) {
        throw new Error(`Lone fetch of ${combo.title} in ${combo.location}: ${failed.error}`);
      }
      costs.set(keyOf(combo), {
        credits: fetches.reduce((sum, f) => sum + f.credits, 0),
        jobCredits: fetches.find((f) => f.provider === "active_jobs_db")?.jobsReturned ?? 0,
      });
    }
  }));
  return costs;
}

/** A scenario's users and the baselines: what their combinations cost, each fetched alone. */
interface Population {
  users: Combo[][];
  distinct: Map<string, Combo>;
  /** Combinations over all users (one user's combination counted once per user). */
  userCombos: number;
  /** Credits of the lone fetches of the distinct combinations: the least the run can spend. */
  minimum: number;
  minimumJobs: number;
  /** Credits when every user fetches each of their combinations alone. */
  naive: number;
  naiveJobs: number;
  loneMs: number;
}

/** `count` users, and each distinct combination fetched once, alone, on fault-free `fakes`. */
async function populationOf(
  fakes: ProviderFakes,
  count: number,
  paging: Partial<PagingSettings> = {},
): Promise<Population> {
  const users = population(count);
  const distinct = new Map<string, Combo>();
  for (const combos of users) for (const c of combos) distinct.set(keyOf(c), c);
  const loneStart = performance.now();
  const costs = await loneFetchCosts(fakes, [...distinct.values()], paging);
  const loneMs = performance.now() - loneStart;
  const sum = (combos: Iterable<Combo>, field: keyof Cost) => {
    let total = 0;
    for (const c of combos) total += costs.get(keyOf(c))![field];
    return total;
  };
  return {
    users,
    distinct,
    userCombos: users.reduce((total, combos) => total + combos.length, 0),
    minimum: sum(distinct.values(), "credits"),
    minimumJobs: sum(distinct.values(), "jobCredits"),
    naive: users.reduce((total, combos) => total + sum(combos, "credits"), 0),
    naiveJobs: users.reduce((total, combos) => total + sum(combos, "jobCredits"), 0),
    loneMs,
  };
}

/** Users, their queries, and one backfill request each. Returns the user ids, in order. */
async function seedUsers(db: Queryable, tag: string, users: Combo[][]): Promise<string[]> {
  const rows = users.map((_, i) => ({ id: crypto.randomUUID(), email: `${tag}-${i}@bench.test` }));
  await db`
    insert into auth.users (id, email, aud, role, created_at, updated_at)
    select r.id, r.email, 'authenticated', 'authenticated', now(), now()
    from jsonb_to_recordset(${db.json(rows)}::jsonb) as r(id uuid, email text)`;
  const queries = users.flatMap((combos, i) =>
    combos.map((c) => ({ user_id: rows[i].id, title_keyword: c.title, location: c.location }))
  );
  await db`
    insert into public.user_search_queries (user_id, title_keyword, location)
    select q.user_id, q.title_keyword, q.location
    from jsonb_to_recordset(${db.json(queries)}::jsonb)
      as q(user_id uuid, title_keyword text, location text)`;
  // In order, one request per user (request_backfill, as by hand).
  for (let start = 0; start < rows.length; start += 200) {
    const ids = rows.slice(start, start + 200).map((r) => r.id);
    await db`
      select r.id from jsonb_array_elements_text(${db.json(ids)}::jsonb)
        with ordinality as u(id, n),
        lateral public.request_backfill(u.id::uuid) r
      order by u.n`;
  }
  await db`analyze auth.users`;
  await db`analyze public.user_search_queries`;
  await db`analyze public.backfill_requests`;
  return rows.map((r) => r.id);
}

/** Credits and jobs counted against this month's budgets, both providers. */
async function budgetUsage(db: Queryable): Promise<{ credits: number; jobs: number }> {
  const [row] = await db`
    select coalesce(sum(credits), 0)::int as credits, coalesce(sum(jobs), 0)::int as jobs
    from public.provider_budget_usage`;
  return { credits: row.credits, jobs: row.jobs };
}

/** What the drain loop saw. */
interface DrainStats {
  invocations: number;
  phases: number;
  settlements: Record<string, number>;
  ms: number;
}

/**
 * `concurrency` invocation loops, each invoking until no request is due; then the requests
 * waiting (for another worker's claim, or for a failed combination's retry time) and the failed
 * combinations are made due at once, and again, until none is open — at most `maxRounds` rounds.
 */
async function drain(
  db: Queryable,
  deps: BackfillDeps,
  concurrency: number,
  tag: string,
  maxRounds = 40,
): Promise<DrainStats> {
  const stats: DrainStats = { invocations: 0, phases: 0, settlements: {}, ms: 0 };
  const start = performance.now();
  const mine = db`select id from auth.users where email like ${tag + "-%"}`;
  for (;;) {
    stats.phases++;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (;;) {
        const invocation = await runBackfill(deps);
        stats.invocations++;
        for (const r of invocation.requests) {
          stats.settlements[r.settlement] = (stats.settlements[r.settlement] ?? 0) + 1;
        }
        if (invocation.requests.length === 0) {
          if (invocation.stoppedBy) throw new Error(`Backfill stopped: ${invocation.stoppedBy}`);
          break;
        }
      }
    }));
    const [{ open }] = await db`
      select count(*)::int as open from public.backfill_requests
      where state in ('pending', 'running') and user_id in (${mine})`;
    if (open === 0) break;
    if (stats.phases >= maxRounds) {
      throw new Error(`${open} backfill requests still open after ${maxRounds} rounds`);
    }
    await db`
      update public.backfill_requests set not_before = now()
      where state = 'pending' and user_id in (${mine})`;
    await db`
      update public.backfill_tracking set next_attempt_at = now()
      where state in ('failed', 'waiting') and combination_key in (
        select q.combination_key from public.user_search_queries q where q.user_id in (${mine}))`;
  }
  stats.ms = performance.now() - start;
  return stats;
}

class Undo extends Error {}

/** Runs `fn` in a transaction (or, inside one, a savepoint) that is then rolled back. */
async function undone<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let out: T | undefined;
  const body = async (q: Queryable) => {
    out = await fn(q);
    throw new Undo();
  };
  try {
    if (isTransaction(db)) await db.savepoint((sp) => body(sp as unknown as Queryable));
    else await db.begin((tx) => body(tx as unknown as Queryable));
  } catch (error) {
    if (!(error instanceof Undo)) throw error;
  }
  return out as T;
}

const TRACKING_INDEX = "backfill_tracking_combination_key_idx";

/** Runs `fn` while backfill_tracking has no index on combination_key (dropped, rolled back). */
function withoutTrackingIndex<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return undone(db, async (q) => {
    await q.unsafe(`drop index public.${TRACKING_INDEX}`);
    return await fn(q);
  });
}

/**
 * Milliseconds of `TIMED_CALLS` calls of get_unbacked_combinations_for_user, for users drawn with
 * a seeded PRNG, with the index and without it, in interleaved rounds after a warm-up.
 */
async function unbackedLatencies(db: Queryable, userIds: string[]) {
  const random = prng(7);
  const pick = () => userIds[Math.floor(random() * userIds.length)];
  const calls = async (q: Queryable, count: number, times: number[]) => {
    for (let i = 0; i < count; i++) {
      const id = pick();
      const start = performance.now();
      await q`select count(*) from public.get_unbacked_combinations_for_user(${id})`;
      times.push(performance.now() - start);
    }
  };
  const withIndex: number[] = [];
  const withoutIndex: number[] = [];
  await calls(db, 50, []);
  await withoutTrackingIndex(db, (q) => calls(q, 20, []));
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    await calls(db, TIMED_CALLS / rounds, withIndex);
    await withoutTrackingIndex(db, (q) => calls(q, TIMED_CALLS / rounds, withoutIndex));
  }
  return { withIndex, withoutIndex };
}

/** The function body's query, for EXPLAIN. */
const UNBACKED_QUERY = `
  select distinct q.title_keyword, q.location, q.ai_work_arrangement, q.ai_employment_type,
    q.ai_seniority, q.ai_industry, q.combination_key, coalesce(bt.state, 'untracked')
  from public.user_search_queries q
  left join public.backfill_tracking bt on bt.combination_key = q.combination_key
  where q.user_id = $1 and q.is_active and (bt.id is null or bt.state <> 'backfilled')
  order by q.title_keyword, q.location`;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** How a plan reads backfill_tracking, e.g. "Index Scan using backfill_tracking_..._idx". */
function trackingAccess(node: PlanNode): string[] {
  const own = node["Relation Name"] === "backfill_tracking" ||
      node["Index Name"]?.startsWith("backfill_tracking") ||
      node["Index Name"] === "idx_backfill_combination"
    ? [`${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}`]
    : [];
  return [...own, ...(node.Plans ?? []).flatMap(trackingAccess)]
    .filter((access) => access !== "Bitmap Heap Scan");
}

/**
 * The plan the function runs: a SQL function with SET is not inlined and plans its query once
 * with the argument as a parameter, i.e. a generic plan — reproduced with a prepared statement
 * under `plan_cache_mode = force_generic_plan`.
 */
async function unbackedPlan(db: Queryable, userId: string): Promise<string> {
  const [row] = await undone(db, async (q) => {
    await q`set local plan_cache_mode = force_generic_plan`;
    await q.unsafe(`prepare quota_bench_unbacked(uuid) as ${UNBACKED_QUERY}`);
    try {
      return await q.unsafe(`explain (format json) execute quota_bench_unbacked('${userId}')`);
    } finally {
      await q.unsafe(`deallocate quota_bench_unbacked`);
    }
  });
  const plan = (row["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan;
  const access = [...new Set(trackingAccess(plan))];
  return access.length > 0 ? access.join(" + ") : "backfill_tracking not read";
}

/**
 * Seeds `users` under a fresh tag on `db`, with only their requests due and none of their
 * combinations tracked (so that the run fetches each combination once), and empties the fakes'
 * logs. Returns the tag and the user ids, in order.
 */
async function startRun(db: Queryable, fakes: ProviderFakes, users: Combo[][]) {
  const tag = `quota-bench-${crypto.randomUUID().slice(0, 8)}`;
  const userIds = await seedUsers(db, tag, users);
  const mine = db`select id from auth.users where email like ${tag + "-%"}`;
  // Only this benchmark's requests are due (others, on a shared database, wait until the end).
  await db`update public.backfill_requests set not_before = 'infinity'
           where state = 'pending' and user_id not in (${mine})`;
  await db`update public.backfill_requests set lease_expires_at = 'infinity'
           where state = 'running' and user_id not in (${mine})`;
  // The per-user allowance of new searches is a different rule from the one measured here (it
  // would hold up users with six combinations until tomorrow): off for the run.
  await db`update public.settings set user_daily_new_combinations = null,
           user_monthly_new_combinations = null`;
  // Nothing of theirs is backfilled yet, so that the run fetches each combination once.
  await db`delete from public.backfill_tracking t
           where t.combination_key in (select q.combination_key from public.user_search_queries q
                                       where q.user_id in (${mine}))`;
  fakes.jsearch.clearLog();
  fakes.activeJobsDb.clearLog();
  return { tag, userIds };
}

/**
 * The production wiring (backfillDepsFromConfig: usage ledger, monthly budgets in SQL, the paging
 * settings read from `public.settings`, the deadline), with retry waits skipped and the fakes'
 * clock for the windows.
 */
function productionDeps(db: Queryable, fakes: ProviderFakes, env: Record<string, string> = {}) {
  const config = providerEnv(fakes, env);
  const deps: BackfillDeps = {
    ...backfillDepsFromConfig(config, db, { chain: false, log: () => {} }),
    sessions: async () =>
      createProviderSessions(config, {
        ledger: sqlUsageLedger(db),
        budget: sqlBudgetLedger(db),
        sleep: instantSleep,
        paging: await readPagingSettings(db),
      }),
    now: () => NOW,
  };
  return deps;
}

/**
 * What the run of `tag`'s users left in the database: its api_usage rows, its requests and runs,
 * and its combinations' tracking rows.
 */
async function runRecords(db: Queryable, tag: string) {
  const mine = db`select id from auth.users where email like ${tag + "-%"}`;
  const [ledger] = await db`
    select coalesce(sum(credits), 0)::int as credits,
           coalesce(sum(jobs_returned) filter (where provider = 'active_jobs_db'), 0)::int as jobs,
           count(*)::int as calls, count(*) filter (where outcome = 'ok')::int as answered
    from public.api_usage
    where run_id in (select run_id from public.backfill_requests where user_id in (${mine}))`;
  const [outcome] = await db`
    select count(*) filter (where r.state = 'done')::int as done,
           count(*) filter (where r.state = 'failed')::int as failed,
           count(*) filter (where u.status <> 'succeeded')::int as unsucceeded,
           coalesce(sum((u.stats ->> 'credits_used')::int), 0)::int as run_credits
    from public.backfill_requests r left join public.runs u on u.id = r.run_id
    where r.user_id in (${mine})`;
  const [tracking] = await db`
    select count(*) filter (where state = 'backfilled')::int as backfilled,
           count(*) filter (where attempts > 1)::int as retried
    from public.backfill_tracking t
    where t.combination_key in (select q.combination_key from public.user_search_queries q
                                where q.user_id in (${mine}))`;
  return {
    ledger: ledger as { credits: number; jobs: number; calls: number; answered: number },
    outcome: outcome as { done: number; failed: number; unsucceeded: number; run_credits: number },
    tracking: tracking as { backfilled: number; retried: number },
  };
}

/** The whole fault-free measurement on `db`. */
async function measure(
  db: Queryable,
  fakes: ProviderFakes,
  scenario: Scenario,
  people: Population,
): Promise<BenchResult[]> {
  const { distinct, userCombos, minimum, minimumJobs, naive, naiveJobs, loneMs } = people;
  const { tag, userIds } = await startRun(db, fakes, people.users);
  const deps = productionDeps(db, fakes);
  const budgetBefore = await budgetUsage(db);
  const run = await drain(db, deps, scenario.concurrency, tag);

  const requests = [...fakes.jsearch.requests, ...fakes.activeJobsDb.requests];
  const spent = requests.reduce((total, r) => total + r.credits, 0);
  const spentJobs = fakes.activeJobsDb.requests.reduce((total, r) => total + r.jobsReturned, 0);
  const { ledger, outcome, tracking } = await runRecords(db, tag);
  const budgetAfter = await budgetUsage(db);
  const reserved = {
    credits: budgetAfter.credits - budgetBefore.credits,
    jobs: budgetAfter.jobs - budgetBefore.jobs,
  };
  // Anything that makes the numbers suspect is named in the first result.
  const problems = [
    outcome.done < userIds.length ? `${outcome.done}/${userIds.length} requests done` : "",
    outcome.failed > 0 ? `${outcome.failed} requests failed` : "",
    tracking.backfilled < distinct.size
      ? `${tracking.backfilled}/${distinct.size} combinations backfilled`
      : "",
    tracking.retried > 0 ? `${tracking.retried} combinations claimed more than once` : "",
    ledger.credits !== spent || ledger.jobs !== spentJobs || ledger.calls !== requests.length
      ? `api_usage disagrees: ${ledger.calls} calls, ${ledger.credits} credits, ${ledger.jobs} ` +
        `job credits vs the fakes' ${requests.length}, ${spent}, ${spentJobs}`
      : "",
    outcome.unsucceeded > 0 ? `${outcome.unsucceeded} runs not succeeded` : "",
    outcome.run_credits !== spent ? `the runs' stats count ${outcome.run_credits} credits` : "",
    reserved.credits !== spent || reserved.jobs !== spentJobs
      ? `budgets hold ${reserved.credits} credits and ${reserved.jobs} job credits for them`
      : "",
  ].filter((part) => part !== "").join(", ");
  console.error(
    `backfill quota (${scenario.label}): ${userIds.length} users, ${userCombos} user ` +
      `combinations, ${distinct.size} distinct; lone fetches ${(loneMs / 1000).toFixed(1)} s; ` +
      `backfill ${(run.ms / 1000).toFixed(1)} s: ${run.invocations} invocations in ` +
      `${run.phases} round(s), settlements ${JSON.stringify(run.settlements)}, ` +
      `${requests.length} provider calls, ${outcome.done} requests done, ` +
      `${tracking.backfilled} combinations backfilled` + (problems ? `; ${problems}` : ""),
  );

  // get_unbacked_combinations_for_user with 100,000 tracking rows, with and without the index.
  const [{ rows: before }] = await db`
    select count(*)::int as rows from public.backfill_tracking`;
  await db`
    insert into public.backfill_tracking (title_keyword, location, state, backfilled_date,
      credits_used)
    select ${tag} || ' title ' || g, (array['berlin', 'munich', 'hamburg', 'remote'])[1 + g % 4],
      case when g % 20 = 0 then 'pending' else 'backfilled' end,
      case when g % 20 = 0 then null else now() end, 3
    from generate_series(1, ${Math.max(TRACKING_ROWS - before, 0)}::int) g`;
  if (isTransaction(db)) await db`analyze public.backfill_tracking`;
  else await db.unsafe("vacuum analyze public.backfill_tracking");
  const latency = await unbackedLatencies(db, userIds);
  const plan = await unbackedPlan(db, userIds[0]);
  const planWithout = await withoutTrackingIndex(db, (q) => unbackedPlan(q, userIds[0]));
  const ms = (values: number[]) =>
    `p50 ${percentile(values, 0.5).toFixed(2)} ms, p95 ${percentile(values, 0.95).toFixed(2)} ms`;
  console.error(
    `get_unbacked_combinations_for_user, ${TRACKING_ROWS} tracking rows (${before} from the ` +
      `backfill): with ${TRACKING_INDEX}: ${ms(latency.withIndex)}, plan ${plan}; without it: ` +
      `${ms(latency.withoutIndex)}, plan ${planWithout}`,
  );

  const name = `backfill quota, ${userIds.length.toLocaleString("en-US")} users, ` +
    scenario.label;
  const saved = (value: number, naive: number) =>
    `saves ${naive === 0 ? 0 : Math.round((1 - value / naive) * 100)}%`;
  return [
    result(
      `${name}: request credits (vs minimum: ${distinct.size} distinct combinations, each ` +
        `fetched once alone)` + (problems ? ` [${problems}]` : ""),
      spent,
      "credits",
      minimum,
    ),
    result(
      `${name}: Active Jobs DB job credits (vs minimum)`,
      spentJobs,
      "job credits",
      minimumJobs,
    ),
    result(
      `${name}: request credits (vs naive per-user backfill of ${userCombos} user ` +
        `combinations; ${saved(spent, naive)})`,
      spent,
      "credits",
      naive,
    ),
    result(
      `${name}: Active Jobs DB job credits (vs naive per-user backfill; ` +
        `${saved(spentJobs, naiveJobs)})`,
      spentJobs,
      "job credits",
      naiveJobs,
    ),
    result(
      `get_unbacked_combinations_for_user p95, ${TRACKING_ROWS.toLocaleString("en-US")} ` +
        `tracking rows, plan: ${plan} (vs the same without that index)`,
      percentile(latency.withIndex, 0.95),
      "ms",
      percentile(latency.withoutIndex, 0.95),
    ),
  ];
}

/** Whether the client got a page it could use: a 2xx whose body was not cut off. */
function usable(request: FakeRequest): boolean {
  return request.status >= 200 && request.status < 300 &&
    !request.fault?.endsWith("malformed_json");
}

/** How a call without a usable answer went, by the status the fake sent. */
function unusableKind(request: FakeRequest): string {
  if (request.status >= 200 && request.status < 300) return "cut-off bodies";
  if (request.status === 499 || request.status === 504) return "time-outs";
  if (request.status === 429) return "429s";
  if (request.status >= 500) return "5xx";
  return `status ${request.status}`;
}

/** Counts of `values`, e.g. `{"random:timeout": 12}`. */
function countBy<T>(values: readonly T[], key: (value: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
  return counts;
}

/**
 * The same population against fakes with random faults (`faultyFakes`), on a database that has
 * none of its rows yet: credits for answered pages, and credits billed for calls without a
 * usable answer, both against the fault-free minimum.
 */
async function measureUnderFaults(
  db: Queryable,
  faultyFakes: ProviderFakes,
  scenario: Scenario,
  people: Population,
): Promise<BenchResult[]> {
  const { distinct, minimum, minimumJobs } = people;
  const { tag, userIds } = await startRun(db, faultyFakes, people.users);
  // a rolled-back transaction or a scratch database: the setting ends with the scenario
  await db`update public.settings set jsearch_pages_per_call = ${PAGED.jsearchPagesPerCall}`;
  const deps = productionDeps(db, faultyFakes, {
    PROVIDER_TIMEOUT_MS: String(scenario.faultTimeoutMs),
  });
  const budgetBefore = await budgetUsage(db);
  const run = await drain(db, deps, scenario.concurrency, tag, 100);

  const requests = [...faultyFakes.jsearch.requests, ...faultyFakes.activeJobsDb.requests];
  const unusable = requests.filter((r) => !usable(r));
  const credits = (list: readonly FakeRequest[]) => list.reduce((sum, r) => sum + r.credits, 0);
  const jobs = (list: readonly FakeRequest[]) => list.reduce((sum, r) => sum + r.jobsReturned, 0);
  const spent = credits(requests);
  const unansweredCredits = credits(unusable);
  const ajdb = faultyFakes.activeJobsDb.requests;
  const spentJobs = jobs(ajdb);
  const cutJobs = jobs(ajdb.filter((r) => !usable(r)));
  const { ledger, outcome, tracking } = await runRecords(db, tag);
  const budgetAfter = await budgetUsage(db);
  const reserved = {
    credits: budgetAfter.credits - budgetBefore.credits,
    jobs: budgetAfter.jobs - budgetBefore.jobs,
  };
  const failures = countBy(unusable, unusableKind);
  const faults = countBy(requests.filter((r) => r.fault), (r) => r.fault!);
  const unfaulted = unusable.filter((r) => !r.fault).length;
  const problems = [
    outcome.failed > 0
      ? `${outcome.failed} requests failed (a combination failed ` +
        "settings.backfill_max_attempts times for them)"
      : "",
    outcome.done + outcome.failed < userIds.length
      ? `${userIds.length - outcome.done - outcome.failed} requests neither done nor failed`
      : "",
    tracking.backfilled < distinct.size
      ? `${tracking.backfilled}/${distinct.size} combinations backfilled`
      : "",
    unfaulted > 0 ? `${unfaulted} calls without a usable answer and without a fault` : "",
    ledger.calls !== requests.length || ledger.credits !== spent
      ? `api_usage disagrees: ${ledger.calls} calls, ${ledger.credits} credits vs the fakes' ` +
        `${requests.length}, ${spent}`
      : "",
    ledger.answered !== requests.length - unusable.length
      ? `api_usage has ${ledger.answered} answered calls, the fakes ` +
        `${requests.length - unusable.length}`
      : "",
    // a page it cannot read counts the most it could hold: never fewer than the fakes billed
    ledger.jobs < spentJobs
      ? `api_usage counts ${ledger.jobs} job credits, fewer than the fakes' ${spentJobs}`
      : "",
    outcome.run_credits !== spent ? `the runs' stats count ${outcome.run_credits} credits` : "",
    reserved.credits !== spent || reserved.jobs !== ledger.jobs
      ? `budgets hold ${reserved.credits} credits and ${reserved.jobs} job credits for them`
      : "",
  ].filter((part) => part !== "").join(", ");
  console.error(
    `backfill quota under ${FAULT_RATE * 100}% faults (${scenario.label}): ` +
      `${userIds.length} users, ${distinct.size} distinct combinations; backfill ` +
      `${(run.ms / 1000).toFixed(1)} s: ${run.invocations} invocations in ${run.phases} ` +
      `round(s), settlements ${JSON.stringify(run.settlements)}; ${requests.length} provider ` +
      `calls (JSearch ${faultyFakes.jsearch.requests.length}, Active Jobs DB ${ajdb.length}), ` +
      `faults ${JSON.stringify(faults)}; ${unusable.length} calls without a usable answer ` +
      `${JSON.stringify(failures)}, billed ${unansweredCredits} credits and ${cutJobs} job ` +
      `credits (a cut-off page counts the most job credits it could hold: api_usage and the ` +
      `budgets count ${ledger.jobs}, the fakes billed ${spentJobs}); ` +
      `requests ${outcome.done} done, ${outcome.failed} failed; ` +
      `${tracking.backfilled} combinations backfilled, ${tracking.retried} attempted more than ` +
      `once` + (problems ? `; ${problems}` : ""),
  );

  const name = `backfill quota under ${FAULT_RATE * 100}% faults, ` +
    `${userIds.length.toLocaleString("en-US")} users, ${scenario.label}`;
  const count = (kind: string) => failures[kind] ?? 0;
  return [
    result(
      `${name}: request credits for answered pages (vs minimum: the same ${distinct.size} ` +
        `combinations each fetched once alone, without faults; JSearch one page per call)` +
        (problems ? ` [${problems}]` : ""),
      spent - unansweredCredits,
      "credits",
      minimum,
    ),
    result(
      `${name}: credits billed for calls without a usable answer (${unusable.length} calls: ` +
        `${count("cut-off bodies")} cut-off bodies, billed; ${count("time-outs")} time-outs, ` +
        `${count("429s")} 429s, ${count("5xx")} 5xx, not billed) (vs minimum)`,
      unansweredCredits,
      "credits",
      minimum,
    ),
    result(
      `${name}: Active Jobs DB job credits for answered pages (vs minimum)`,
      spentJobs - cutJobs,
      "job credits",
      minimumJobs,
    ),
    result(
      `${name}: Active Jobs DB job credits billed for cut-off pages (vs minimum)`,
      cutJobs,
      "job credits",
      minimumJobs,
    ),
  ];
}

/** Runs `fn` on a scratch database, dropped afterwards; null when it cannot be created. */
async function inScratchDatabase<T>(
  target: BenchTarget,
  fn: (db: Queryable) => Promise<T>,
): Promise<T | null> {
  const name = `jobfeed_quota_${crypto.randomUUID().slice(0, 8)}`;
  try {
    await target.sql.unsafe(`create database ${name}`);
  } catch {
    return null;
  }
  const url = new URL(target.url);
  url.pathname = `/${name}`;
  const scratch = connectPostgres(url.toString(), { max: 20 });
  try {
    await prepareLocalDatabase(scratch);
    return await fn(scratch);
  } finally {
    await scratch.end();
    await target.sql.unsafe(`drop database ${name} with (force)`);
  }
}

/**
 * Provider credits of the shared backfill against the minimum and a naive per-user backfill;
 * then the same under random faults, each on its own database.
 */
export async function benchBackfillQuota(target: BenchTarget): Promise<BenchResult[]> {
  const world = createJobWorld({ postingsPerDay: POSTINGS_PER_DAY });
  const fakes = await startFakes(world);
  const faultyFakes = await startFakes(world, { rate: FAULT_RATE, timeoutMs: FAULT_HOLD_MS })
    .catch(async (error) => {
      await fakes.close();
      throw error;
    });
  try {
    const rolledBack = async () => {
      const people = await populationOf(fakes, ROLLED_BACK.users);
      const paged = await populationOf(fakes, ROLLED_BACK.users, PAGED);
      const rolled = (fn: (tx: TransactionSql) => Promise<BenchResult[]>) =>
        inRolledBackTransaction(target.sql, fn);
      return [
        ...await rolled((tx) => measure(tx, fakes, ROLLED_BACK, people)),
        ...await rolled((tx) => measureUnderFaults(tx, faultyFakes, ROLLED_BACK, paged)),
      ];
    };
    if (target.embedded) return await rolledBack();
    const people = await populationOf(fakes, SERVER.users);
    const clean = await inScratchDatabase(target, (db) => measure(db, fakes, SERVER, people));
    if (!clean) return await rolledBack();
    const paged = await populationOf(fakes, SERVER.users, PAGED);
    const faulted = await inScratchDatabase(
      target,
      (db) => measureUnderFaults(db, faultyFakes, SERVER, paged),
    );
    if (!faulted) throw new Error("Could not create a second scratch database for the faults");
    return [...clean, ...faulted];
  } finally {
    await Promise.all([fakes.close(), faultyFakes.close()]);
  }
}

/**
 * Both fakes on `world`, with the fixed clock and plans no run exhausts; with `faults`, both
 * draw random faults (each API its own seed).
 */
function startFakes(world: JobWorld, faults?: RandomFaults): Promise<ProviderFakes> {
  return startProviderFakes({
    world,
    jsearch: {
      now: () => NOW,
      plan: { name: "MEGA", monthlyRequests: 1e9 },
      randomFaults: faults && { ...faults, seed: 1 },
    },
    activeJobsDb: {
      now: () => NOW,
      plan: { name: "MEGA", monthlyRequests: 1e9, monthlyJobs: 1e9 },
      randomFaults: faults && { ...faults, seed: 2 },
    },
  });
}
