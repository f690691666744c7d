/**
 * `deno task demo`: the whole system on this machine in under a minute, with nothing but Deno.
 *
 *  1. an embedded Postgres (PGlite) in a fresh directory, the local Supabase stand-in, migrations;
 *  2. fakes of JSearch, Active Jobs DB and Claude — unless RAPIDAPI_KEY / ANTHROPIC_API_KEY are
 *     set, then those providers are real;
 *  3. two users upload sample CVs the way production does: Storage's insert into
 *     storage.objects fires the trigger, pg_net (the local worker) calls cv-ingest, Claude reads
 *     the PDF, the queries and a backfill request are stored, which calls the backfill function;
 *  4. the daily refresh once;
 *  5. a report: queries per user, combinations backfilled and skipped, jobs stored, duplicates
 *     merged across providers, credits used and saved, and each user's newest jobs;
 *  6. the morning digest: turned on for both users (5 jobs each), sent for today's local date
 *     by the product code (shared/digest/run.ts) to the Resend fake — always the fake, whatever
 *     RESEND_API_KEY says, as the users' addresses are made up — and each email printed.
 *
 * Exits non-zero if any stage failed.
 *
 * @module
 */
import { type Config, loadConfig } from "../shared/config.ts";
import { startRun } from "../shared/refresh/claims.ts";
import { refreshDepsFromConfig } from "../shared/refresh/from_config.ts";
import { drainRun } from "../shared/refresh/run.ts";
import { digestLocalDate } from "../shared/digest/claims.ts";
import { digestDepsFromConfig } from "../shared/digest/from_config.ts";
import { runDigest } from "../shared/digest/run.ts";
import type { Sql } from "../shared/db/postgres.ts";
import { openLocalDatabase, prepareLocalDatabase } from "./database.ts";
import { type LocalApis, startFakesUnlessKeys } from "./fakes_unless_keys.ts";
import { createAuthUser } from "./roles.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { diskObjectFiles } from "./storage/files.ts";

const DEMO_KEY = "demo-key";
// Lena first; Jonas searches data engineering in Berlin too, so part of his backfill is hers
const USERS = [
  { name: "Lena", email: "lena@example.com", sample: "senior-data-engineer-berlin.pdf" },
  { name: "Jonas", email: "jonas@example.com", sample: "data-engineer-hamburg-berlin.pdf" },
];

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(`[${elapsed().padStart(6)}] ${line}`);

/** The providers and Claude: fakes unless real keys are set. */
async function startFakes(config: Config) {
  const apis = await startFakesUnlessKeys(config, { key: DEMO_KEY, requestsPerSecond: 20 });
  say(
    apis.providers === "fakes"
      ? "fakes of JSearch and Active Jobs DB started (RAPIDAPI_KEY is not set)"
      : "JSearch and Active Jobs DB: the real APIs (RAPIDAPI_KEY is set)",
  );
  say(
    apis.claude === "fake"
      ? "fake of Claude started (ANTHROPIC_API_KEY is not set)"
      : `Claude: the real API, model ${config.ANTHROPIC_MODEL}`,
  );
  return apis;
}

interface UserOutcome {
  name: string;
  id: string;
  queries: number;
  cvStatus: string;
  cvError: string | null;
  request: string;
  stats: Record<string, number & Record<string, number>>;
}

async function userOutcome(sql: Sql, name: string, id: string): Promise<UserOutcome> {
  const [cv] = await sql`select status, error from public.cv_documents where user_id = ${id}
                         order by created_at desc limit 1`;
  const [{ queries }] = await sql`select count(*)::int as queries from public.user_search_queries
                                  where user_id = ${id} and is_active`;
  const [request] = await sql`select r.state, u.stats from public.backfill_requests r
                              left join public.runs u on u.id = r.run_id
                              where r.user_id = ${id} order by r.id desc limit 1`;
  return {
    name,
    id,
    queries,
    cvStatus: cv?.status ?? "missing",
    cvError: cv?.error ?? null,
    request: request?.state ?? "missing",
    stats: request?.stats ?? {},
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")
  ).join("\n");
}

/** The demo's settings: the fakes (or real APIs) started, and the config pointing at them. */
interface DemoSetup {
  config: Config;
  fakes: LocalApis;
}

/**
 * Starts the fakes and loads the config with them and an embedded Postgres under `dataDir`.
 * Email goes to the Resend fake even with RESEND_API_KEY: the demo's addresses are made up.
 */
async function demoSetup(dataDir: string): Promise<DemoSetup> {
  const env = { ...Deno.env.toObject(), DATABASE_URL: "", SUPABASE_DB_URL: "", RESEND_API_KEY: "" };
  const base = loadConfig(env);
  const fakes = await startFakes(base);
  const config = loadConfig({
    // the digest's unsubscribe links are signed with it
    FUNCTIONS_SECRET: crypto.randomUUID(),
    ...env,
    PGLITE_DATA_DIR: `${dataDir}/pglite`,
    ...fakes.env,
  });
  return { config, fakes };
}

/** Each user's sample CV uploaded and settled; what came of it, and what failed. */
async function uploadSamples(
  sql: Sql,
  stack: LocalStack,
): Promise<{ outcomes: UserOutcome[]; failures: string[] }> {
  const outcomes: UserOutcome[] = [];
  const failures: string[] = [];
  for (const user of USERS) {
    const id = await createAuthUser(sql, user.email);
    const bytes = await Deno.readFile(new URL(`./samples/${user.sample}`, import.meta.url));
    await stack.uploadCv(id, user.sample, bytes);
    say(`${user.name} uploads ${user.sample} (Storage → trigger → pg_net → cv-ingest)`);
    await stack.settle();
    const outcome = await userOutcome(sql, user.name, id);
    outcomes.push(outcome);
    const s = outcome.stats;
    say(
      `${user.name}: CV ${outcome.cvStatus}, ${outcome.queries} queries; backfill ` +
        `${outcome.request}: ${s.combinations_backfilled ?? 0} combinations fetched, ` +
        `${s.combinations_skipped ?? 0} already backfilled, ${s.new_jobs ?? 0} new jobs, ` +
        `${s.credits_used ?? 0} credits`,
    );
    if (outcome.cvStatus !== "parsed") {
      failures.push(`${user.name}'s CV: ${outcome.cvStatus} ${outcome.cvError ?? ""}`);
    }
    if (outcome.request !== "done") {
      failures.push(`${user.name}'s backfill: ${outcome.request}`);
    }
  }
  return { outcomes, failures };
}

/** The daily refresh once; its failure, if any. */
async function dailyRefresh(config: Config, sql: Sql): Promise<string[]> {
  const runId = await startRun(sql, { force: true, triggeredBy: "cli" });
  const refresh = await drainRun(
    refreshDepsFromConfig(config, sql, { log: (line) => say(`  ${line}`) }),
    runId!,
  );
  const r = refresh.stats as Record<string, number & Record<string, number>>;
  say(
    `daily refresh: ${refresh.status}, ${r.combinations_done ?? 0} of ` +
      `${r.combinations_total ?? 0} combinations, ${r.new_jobs ?? 0} new jobs, ` +
      `${r.credits_used ?? 0} credits`,
  );
  return refresh.status === "succeeded"
    ? []
    : [`daily refresh ${refresh.status}: ${JSON.stringify(refresh.stats)}`];
}

/** Stages 3 and 4 on the local stack: the uploads, then the daily refresh. */
async function runStages(
  sql: Sql,
  config: Config,
  dataDir: string,
): Promise<{ outcomes: UserOutcome[]; failures: string[] }> {
  const functionLog: string[] = [];
  const stack = await startLocalStack({
    sql,
    config,
    files: diskObjectFiles(`${dataDir}/storage`),
    log: (line) => functionLog.push(line),
  });
  say(`functions served at ${stack.url}/functions/v1/{cv-ingest,backfill,daily-refresh}`);
  try {
    const { outcomes, failures } = await uploadSamples(sql, stack);
    failures.push(...await dailyRefresh(config, sql));
    if (failures.length > 0) {
      console.error("\nWhat the functions logged:\n" + functionLog.slice(-20).join("\n"));
    }
    return { outcomes, failures };
  } finally {
    await stack.close();
  }
}

/** Stage 5: the report, from the users' outcomes and the jobs stored. */
async function printReport(sql: Sql, outcomes: UserOutcome[]): Promise<void> {
  const [store] = await sql`
    select (select count(*)::int from public.jobs) as jobs,
           (select count(*)::int from public.job_sources) as postings,
           (select count(*)::int from (select job_id from public.job_sources group by job_id
                                       having count(distinct provider) > 1) x) as both`;
  console.log("\nReport");
  console.log(table([
    ["user", "queries", "backfilled", "skipped", "new jobs", "merged across", "credits", "saved"],
    ...outcomes.map((o) => [
      o.name,
      String(o.queries),
      String(o.stats.combinations_backfilled ?? 0),
      String(o.stats.combinations_skipped ?? 0),
      String(o.stats.new_jobs ?? 0),
      String(o.stats.merged_across_providers ?? 0),
      String(o.stats.credits_used ?? 0),
      String(o.stats.credits_saved ?? 0),
    ]),
  ]));
  console.log(
    `\nJobs stored: ${store.jobs} from ${store.postings} provider postings; ${store.both} found ` +
      "by both providers and stored once.",
  );
  for (const o of outcomes) await printNewestJobs(sql, o);
  const [first, second] = outcomes;
  if (first && second) {
    console.log(
      `\nCross-user dedup: ${second.name} cost ${second.stats.credits_used ?? 0} credits, ` +
        `${first.name} ${first.stats.credits_used ?? 0}; ${
          second.stats.combinations_skipped ?? 0
        } ` +
        `of ${second.name}'s combinations were already backfilled (saved ` +
        `${second.stats.credits_saved ?? 0} credits).`,
    );
  }
}

/** The five newest jobs of a user's active searches. */
async function printNewestJobs(sql: Sql, o: UserOutcome): Promise<void> {
  const top = await sql`
    select j.title, j.company, j.location_city, j.posted_at
    from public.jobs j
    where j.id in (select cj.job_id from public.user_search_queries q
                   join public.backfill_tracking bt on bt.combination_key = q.combination_key
                   join public.combination_jobs cj on cj.combination_id = bt.id
                   where q.user_id = ${o.id} and q.is_active)
    order by j.posted_at desc nulls last limit 5`;
  console.log(`\nNewest jobs for ${o.name}:`);
  for (const job of top) {
    console.log(
      `  ${job.title} — ${job.company ?? "?"}, ${job.location_city ?? "?"} ` +
        `(${job.posted_at ? (job.posted_at as Date).toISOString().slice(0, 10) : "?"})`,
    );
  }
}

/**
 * Stage 6: the digest turned on for the users, sent for today's local date to the Resend fake,
 * and each email's subject and text part printed; the failure, if any.
 */
async function printDigests(
  sql: Sql,
  config: Config,
  fakes: LocalApis,
  outcomes: UserOutcome[],
): Promise<string[]> {
  for (const o of outcomes) {
    await sql`insert into public.digest_preferences (user_id, enabled, max_jobs)
              values (${o.id}, true, 5)
              on conflict (user_id) do update set enabled = true, max_jobs = 5`;
  }
  // the page `deno task start` serves, which the emails link to as the feed
  await sql`update public.settings
            set digest_feed_url = coalesce(digest_feed_url, 'http://127.0.0.1:54321/')`;
  const localDate = await digestLocalDate(sql, new Date());
  const run = await runDigest(digestDepsFromConfig(config, sql, { log: () => {} }), {
    localDate,
    by: "manual",
  });
  const s = run.sends;
  say(`morning digest of ${localDate}: ${s.sent} sent, ${s.skipped} skipped, ${s.failed} failed`);
  if (run.stopped) return [`the digest stopped: ${run.stopped}`];
  for (const o of outcomes) {
    const address = USERS.find((user) => user.name === o.name)!.email;
    const email = fakes.resend?.sent.find((sent) => sent.to.includes(address));
    console.log(`\nDigest for ${o.name} <${address}>:`);
    if (!email) {
      console.log("  no new jobs: no email");
      continue;
    }
    console.log(`  Subject: ${email.subject}`);
    console.log((email.text ?? "(no text part)").replace(/^/gm, "  | "));
  }
  return s.failed + s.crashed + s.lost > 0 ? [`digest: ${JSON.stringify(s)}`] : [];
}

async function main(): Promise<number> {
  const dataDir = await Deno.makeTempDir({ prefix: "job-feed-demo-" });
  const { config, fakes } = await demoSetup(dataDir);
  const database = await openLocalDatabase(config, { applicationName: "demo" });
  let failures: string[] = [];
  try {
    const migrations = await prepareLocalDatabase(database.sql);
    say(`embedded Postgres ready in ${dataDir}: ${migrations.applied.length} migrations applied`);
    const stages = await runStages(database.sql, config, dataDir);
    failures = stages.failures;
    await printReport(database.sql, stages.outcomes);
    if (failures.length === 0) {
      failures.push(...await printDigests(database.sql, config, fakes, stages.outcomes));
    }
  } finally {
    await database.close();
    await fakes.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  if (failures.length > 0) {
    console.error(`\nThe demo failed: ${failures.join("; ")}`);
    return 1;
  }
  console.log(`\nDone in ${elapsed()}.`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
