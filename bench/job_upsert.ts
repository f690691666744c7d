/**
 * Job upsert throughput. Realistic postings: the local fakes' records for 48 searches (30 days
 * of JSearch, 7 days of Active Jobs DB), fetched and mapped by the real clients (about 2.2 kB of
 * description and raw record each). Compact postings: as many synthetic ones of about 0.6 kB. Half of them are
 * stored first; the measured batch is all of them — half already known, half new, some of the
 * new ones the other provider's copy of a known job — through `storeJobs` (`see_known_postings`
 * for every posting, grouping the new ones, `upsert_jobs`: dedup, sources, combination links).
 *
 * Baselines, measured in the same run on the same rows: a raw `COPY` and a raw
 * `INSERT ... SELECT` from JSON (positional rows, read the way the store reads its own) of every
 * posting (its job fields and its source fields) into a bare table with no keys or indexes, with
 * as many chunks in flight as the upsert. On a server,
 * rounds run committed in a scratch database (as production stores: autocommit statements on a
 * pool); on the embedded PGlite, each round is a transaction that is rolled back.
 *
 * @module
 */
import { createJobWorld } from "../local/fakes/mod.ts";
import { startProviderFakes } from "../local/fakes/mod.ts";
import { inRolledBackTransaction, prepareLocalDatabase } from "../local/database.ts";
import { loadConfig } from "../shared/config.ts";
import { postgresJson } from "../shared/db/json.ts";
import { connectPostgres, type Sql, type TransactionSql } from "../shared/db/postgres.ts";
import { groupJobs } from "../shared/jobs/batch_grouping.ts";
import type { CanonicalJob } from "../shared/jobs/canonical_job.ts";
import { batchRows, storeJobs } from "../shared/jobs/store.ts";
import {
  createProviderSessions,
  fetchAllProviders,
  memoryUsageLedger,
} from "../shared/providers/mod.ts";
import { type BenchResult, type BenchTarget, result } from "./report.ts";

/** Measured rounds of each kind (the median counts), after one that warms up (JIT, caches). */
const roundsPerBench = 5;
const chunk = 2000;
const titles = [
  "data engineer",
  "software engineer",
  "product manager",
  "data scientist",
  "frontend developer",
  "devops engineer",
  "ux designer",
  "marketing manager",
];
const cities = ["berlin", "munich", "hamburg", "cologne", "frankfurt am main", "amsterdam"];

/** Realistic postings, fetched from the fakes through the real clients and mappers. */
async function realisticPostings(): Promise<CanonicalJob[]> {
  const now = new Date("2026-11-28T08:00:00Z");
  const unlimited = { name: "MEGA" as const, monthlyRequests: 1e9, monthlyJobs: 1e9 };
  const fakes = await startProviderFakes({
    world: createJobWorld({ postingsPerDay: 20 }),
    jsearch: { now: () => now, plan: unlimited },
    activeJobsDb: { now: () => now, plan: unlimited },
  });
  try {
    const sessions = createProviderSessions(
      loadConfig({
        RAPIDAPI_KEY: "test-key",
        JSEARCH_BASE_URL: fakes.jsearch.url,
        ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
        JSEARCH_REQUESTS_PER_SECOND: "10000",
        ACTIVE_JOBS_REQUESTS_PER_SECOND: "10000",
      }),
      { ledger: memoryUsageLedger(), paging: { jsearchMaxPages: 100 } },
    );
    const postings: CanonicalJob[] = [];
    for (const titleKeyword of titles) {
      for (const location of cities) {
        const fetched = await fetchAllProviders(sessions, { titleKeyword, location }, {
          since: new Date(now.getTime() - 30 * 24 * 3600 * 1000),
          until: now,
        });
        for (const f of fetched) postings.push(...f.jobs);
      }
    }
    return postings;
  } finally {
    await fakes.close();
  }
}

const bareColumns = `g int, fingerprint text, loose_fingerprint text,
  location_is_coarse boolean, canonical_url text, title text, company text, location_city text,
  location_region text, location_country text, location_raw text, work_arrangement text,
  employment_type text, seniority text, salary_min numeric, salary_max numeric,
  salary_currency text, salary_period text, description text, apply_url text,
  posted_at timestamptz, valid_through timestamptz, ord int, provider text,
  provider_job_id text, url text, source_canonical_url text, source_fingerprint text,
  links text[], raw jsonb`;

/**
 * The bare table's columns read from a positional JSON row, as the store's SQL reads its rows
 * (`..._jobs.sql`), so that both sides parse the same JSON the same way.
 */
const selectFromRow = bareColumns.split(",").map((column, i) => {
  const type = column.trim().split(/\s+/).slice(1).join(" ");
  if (type === "text") return `r ->> ${i}`;
  if (type === "text[]") return `array(select jsonb_array_elements_text(r -> ${i}))`;
  if (type === "jsonb") return `nullif(r -> ${i}, 'null'::jsonb)`;
  return `(r ->> ${i})::${type}`;
}).join(", ");

/** One flat positional row per posting: its job's fields, then its own source fields. */
function flatRows(groups: ReturnType<typeof groupJobs>): unknown[][] {
  const { jobs, sources } = batchRows(groups);
  return sources.map((source) => [...jobs[source[0]], ...source.slice(1)]);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Chunks in flight at once, in the upsert and in both baselines alike. */
const concurrency = 2;

type Groups = ReturnType<typeof groupJobs>;

/** Runs `fn` over the chunks of `groups`, `width` at a time. */
async function eachChunk(
  groups: Groups,
  width: number,
  fn: (chunk: Groups) => Promise<void>,
): Promise<void> {
  const starts: number[] = [];
  for (let start = 0; start < groups.length; start += chunk) starts.push(start);
  await Promise.all(Array.from({ length: width }, async () => {
    for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
      await fn(groups.slice(start, start + chunk));
    }
  }));
}

/** Where rounds run: a scratch database (committed, several connections) or a rollback. */
interface Rounds {
  /** Runs one round on a clean slate and returns its result. */
  round<T>(fn: (sql: Sql | TransactionSql, width: number) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  label: string;
}

/**
 * On a server: a scratch database, emptied before each round, so the upsert runs as in
 * production (autocommit statements on a pool, two chunks in flight). On the embedded PGlite
 * (one connection) or without CREATE DATABASE: each round in a transaction that is rolled back,
 * one chunk at a time.
 */
async function openRounds(target: BenchTarget): Promise<Rounds> {
  if (target.embedded) return rolledBack(target.sql);
  const name = `jobfeed_bench_${crypto.randomUUID().slice(0, 8)}`;
  try {
    await target.sql.unsafe(`create database ${name}`);
  } catch {
    return rolledBack(target.sql);
  }
  const url = new URL(target.url);
  url.pathname = `/${name}`;
  const scratch = connectPostgres(url.toString(), { max: concurrency + 1 });
  await prepareLocalDatabase(scratch);
  await scratch.unsafe(`create table bench_raw_jobs (${bareColumns})`);
  return {
    label: "committed, 2 chunks in flight",
    async round(fn) {
      await scratch`truncate public.jobs, public.job_sources, public.combination_jobs,
        public.backfill_tracking, bench_raw_jobs cascade`;
      return await fn(scratch, concurrency);
    },
    async close() {
      await scratch.end();
      await target.sql.unsafe(`drop database ${name} with (force)`);
    },
  };
}

function rolledBack(sql: Sql): Rounds {
  return {
    label: "rolled back, 1 chunk at a time",
    round: (fn) =>
      inRolledBackTransaction(sql, async (tx) => {
        await tx.unsafe(`create temp table bench_raw_jobs (${bareColumns}) on commit drop`);
        return await fn(tx, 1);
      }),
    close: () => Promise.resolve(),
  };
}

async function upsertRound(rounds: Rounds, preload: CanonicalJob[], all: CanonicalJob[]) {
  return await rounds.round(async (sql, width) => {
    const [combination] = await sql<{ id: number }[]>`
      insert into public.backfill_tracking (title_keyword, location) values ('bench', 'bench')
      returning id`;
    const options = { combinationId: combination.id, chunkSize: chunk, concurrency: width };
    await storeJobs(sql, preload, options);
    await sql`analyze public.jobs`;
    await sql`analyze public.job_sources`;
    return await timed(() => storeJobs(sql, all, options));
  });
}

async function insertSelectRound(rounds: Rounds, grouped: Groups) {
  return await rounds.round((sql, width) =>
    timed(() =>
      eachChunk(grouped, width, async (groups) => {
        await sql`insert into bench_raw_jobs
          select ${sql.unsafe(selectFromRow)}
          from jsonb_array_elements(${postgresJson(flatRows(groups))}::text::jsonb) as r`;
      })
    )
  );
}

const COPY_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = Array.isArray(value)
    ? `{${value.map((v) => `"${String(v).replace(/["\\]/g, "\\$&")}"`).join(",")}}`
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  return text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]);
}

async function copyRound(rounds: Rounds, grouped: Groups) {
  return await rounds.round((sql, width) =>
    timed(() =>
      eachChunk(grouped, width, async (groups) => {
        const rows = flatRows(groups);
        const writable = await sql`copy bench_raw_jobs from stdin`.writable();
        await new Promise<void>((resolve, reject) => {
          writable.on("error", reject);
          writable.on("finish", resolve);
          writable.end(
            rows.map((row) => row.map(copyField).join("\t")).join("\n") +
              "\n",
          );
        });
      })
    )
  );
}

/**
 * Compact postings: the same volume with 300-character descriptions and a small raw record. It
 * shows what the store itself costs when the payload is not what dominates.
 */
function compactPostings(count: number): CanonicalJob[] {
  const companies = ["Zalando SE", "N26 GmbH", "Siemens AG", "Celonis SE", "Personio GmbH"];
  const places = ["Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt am Main"];
  const postings: CanonicalJob[] = [];
  for (let i = 0; postings.length < count; i++) {
    const provider = i % 3 === 0 ? "active_jobs_db" : "jsearch";
    const title = `${titles[i % titles.length]} ${Math.floor(i / 2)}`;
    const url = `https://boards.greenhouse.io/c${i % 97}/jobs/${Math.floor(i / 2)}`;
    postings.push({
      provider,
      providerJobId: `${provider}-${i}`,
      title,
      company: companies[i % companies.length],
      location: { city: places[i % places.length], region: null, country: "DE", raw: null },
      workArrangement: "Hybrid",
      employmentType: "FULL_TIME",
      seniority: "2-5",
      salary: i % 2 ? { min: 60000, max: 80000, currency: "EUR", period: "YEAR" } : null,
      description: `${title}. ` + "We build reliable data products. ".repeat(9),
      applyUrl: provider === "jsearch" ? `${url}?utm_source=google_jobs_apply` : url,
      postedAt: new Date(Date.UTC(2026, 10, 1 + (i % 28), 8)),
      validThrough: null,
      links: [url],
      raw: { id: i, url },
    });
  }
  return postings;
}

async function measure(rounds: Rounds, label: string, all: CanonicalJob[]) {
  const preload = all.filter((_, i) => i % 2 === 0);
  const upsert: number[] = [];
  const insertSelect: number[] = [];
  const copy: number[] = [];
  // the baselines' rows are formed once, outside their timing: a baseline is the database's
  // work, with the JSON or COPY text written per chunk as the store writes its own
  const grouped = groupJobs(all);
  // round 0 warms up and is not counted
  for (let round = 0; round <= roundsPerBench; round++) {
    const counted = round > 0;
    const upsertMs = await upsertRound(rounds, preload, all);
    const insertSelectMs = await insertSelectRound(rounds, grouped);
    const copyMs = await copyRound(rounds, grouped);
    if (!counted) continue;
    upsert.push(upsertMs);
    insertSelect.push(insertSelectMs);
    copy.push(copyMs);
  }
  const rate = (ms: number) => all.length / (ms / 1000);
  const name = `job upsert, ${label}, ${all.length} postings, half known`;
  return [
    result(`${name} (vs raw COPY)`, rate(median(upsert)), "jobs/s", rate(median(copy))),
    result(
      `${name} (vs raw INSERT ... SELECT)`,
      rate(median(upsert)),
      "jobs/s",
      rate(median(insertSelect)),
    ),
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The realistic rounds; their postings are dropped when they are done. */
async function measureRealistic(
  rounds: Rounds,
): Promise<{ results: BenchResult[]; postings: number }> {
  const realistic = await realisticPostings();
  const results = await measure(rounds, `realistic, ${rounds.label}`, realistic);
  return { results, postings: realistic.length };
}

/** Upserted postings per second, next to raw COPY and raw INSERT ... SELECT of the same rows. */
export async function benchJobUpsert(target: BenchTarget): Promise<BenchResult[]> {
  const rounds = await openRounds(target);
  try {
    const realistic = await measureRealistic(rounds);
    // the same volume, without holding the realistic postings (about 110 MB) meanwhile
    const compact = await measure(
      rounds,
      `compact, ${rounds.label}`,
      compactPostings(realistic.postings),
    );
    return [...realistic.results, ...compact];
  } finally {
    await rounds.close();
  }
}
