/**
 * Job upsert throughput. Realistic postings: the local fakes' records for 48 searches (30 days
 * of JSearch, 7 days of Active Jobs DB), fetched and mapped by the real clients (about 4.4 kB of
 * description and raw record each). Compact postings: as many synthetic ones of about 0.6 kB. Half of them are
 * stored first; the measured batch is all of them — half already known, half new, some of the
 * new ones the other provider's copy of a known job — through `storeJobs` (grouping,
 * `known_job_sources`, `upsert_jobs`: dedup, sources, combination links).
 *
 * Baselines, measured in the same run on the same rows: a raw `COPY` and a raw
 * `INSERT ... SELECT` from JSON of every posting (its job fields and its source fields) into a
 * bare table with no keys or indexes. Each round runs in a transaction that is rolled back.
 *
 * @module
 */
import { createJobWorld } from "../local/fakes/mod.ts";
import { startProviderFakes } from "../local/fakes/mod.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import { loadConfig } from "../shared/config.ts";
import type { Sql, TransactionSql } from "../shared/db/postgres.ts";
import { groupJobs } from "../shared/jobs/batch_grouping.ts";
import type { CanonicalJob } from "../shared/jobs/canonical_job.ts";
import { batchPayload, storeJobs } from "../shared/jobs/store.ts";
import {
  createProviderSessions,
  fetchAllProviders,
  memoryUsageLedger,
} from "../shared/providers/mod.ts";
import { type BenchResult, result } from "./report.ts";

const rounds = 3;
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
        JSEARCH_MAX_PAGES: "100",
      }),
      { ledger: memoryUsageLedger() },
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
const columnNames = bareColumns.split(",").map((c) => c.trim().split(/\s+/)[0]);

/** One flat row per posting: its job's fields and its own source fields. */
function flatRows(groups: ReturnType<typeof groupJobs>): Record<string, unknown>[] {
  const { jobs, sources } = batchPayload(groups);
  return sources.map((source) => ({
    ...jobs[source.g as number],
    ...source,
    source_canonical_url: source.canonical_url,
    source_fingerprint: source.fingerprint,
  }));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function upsertRound(sql: Sql, preload: CanonicalJob[], all: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    const [combination] = await tx<{ id: number }[]>`
      insert into public.backfill_tracking (title_keyword, location) values ('bench', 'bench')
      returning id`;
    await storeJobs(tx, preload, { combinationId: combination.id, chunkSize: chunk });
    await tx`analyze public.jobs`;
    await tx`analyze public.job_sources`;
    return await timed(() =>
      storeJobs(tx, all, { combinationId: combination.id, chunkSize: chunk })
    );
  });
}

async function insertSelectRound(sql: Sql, all: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    await tx.unsafe(`create temp table bench_raw_jobs (${bareColumns}) on commit drop`);
    return await timed(async () => {
      const groups = groupJobs(all);
      for (let start = 0; start < groups.length; start += chunk) {
        const rows = flatRows(groups.slice(start, start + chunk));
        await tx`insert into bench_raw_jobs
          select * from jsonb_to_recordset(${tx.json(rows as never)}::jsonb)
            as m(${tx.unsafe(bareColumns)})`;
      }
    });
  });
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = Array.isArray(value)
    ? `{${value.map((v) => `"${String(v).replace(/["\\]/g, "\\$&")}"`).join(",")}}`
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  return text.replace(
    /[\\\n\r\t]/g,
    (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!,
  );
}

async function copyRound(sql: Sql, all: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    await tx.unsafe(`create temp table bench_raw_jobs (${bareColumns}) on commit drop`);
    return await timed(async () => {
      const groups = groupJobs(all);
      const writable = await tx`copy bench_raw_jobs from stdin`.writable();
      const done = new Promise<void>((resolve, reject) => {
        writable.on("error", reject);
        writable.on("finish", resolve);
      });
      for (let start = 0; start < groups.length; start += chunk) {
        const rows = flatRows(groups.slice(start, start + chunk));
        writable.write(
          rows.map((row) => columnNames.map((c) => copyField(row[c])).join("\t")).join("\n") +
            "\n",
        );
      }
      writable.end();
      await done;
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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

async function measure(sql: Sql, label: string, all: CanonicalJob[]): Promise<BenchResult[]> {
  const preload = all.filter((_, i) => i % 2 === 0);
  const upsert: number[] = [];
  const insertSelect: number[] = [];
  const copy: number[] = [];
  for (let round = 0; round < rounds; round++) {
    upsert.push(await upsertRound(sql, preload, all));
    insertSelect.push(await insertSelectRound(sql, all));
    copy.push(await copyRound(sql, all));
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

/** Upserted postings per second, next to raw COPY and raw INSERT ... SELECT of the same rows. */
export async function benchJobUpsert(sql: Sql): Promise<BenchResult[]> {
  const realistic = await realisticPostings();
  return [
    ...await measure(sql, "realistic", realistic),
    ...await measure(sql, "compact", compactPostings(realistic.length)),
  ];
}
