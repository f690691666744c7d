/**
 * Job upsert throughput: `storeJobs` (grouping + `public.upsert_jobs`, dedup against stored jobs,
 * sources and combination links) on a mixed batch — half the postings already stored, half new,
 * some of the new ones the same job from the other provider. Baselines, measured in the same run
 * on the same rows: a raw `COPY` and a raw `INSERT ... SELECT` from the same JSON into a bare table
 * of the jobs' shape (no keys, no indexes). Each round runs in a transaction that is rolled back.
 *
 * @module
 */
import type { Sql, TransactionSql } from "../shared/db/postgres.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import type { CanonicalJob } from "../shared/jobs/canonical_job.ts";
import { storeJobs } from "../shared/jobs/store.ts";
import { groupJobs } from "../shared/jobs/batch_grouping.ts";
import { batchPayload } from "../shared/jobs/store.ts";
import { type BenchResult, result } from "./report.ts";

const known = 10_000;
const measured = 20_000;
const rounds = 3;
const chunk = 1000;

const titles = ["Data Engineer", "Backend Developer", "Product Manager", "Data Scientist"];
const companies = ["Zalando SE", "N26 GmbH", "Siemens AG", "Celonis SE", "Personio GmbH"];
const cities = ["Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt am Main"];
const filler = "We build reliable data products for millions of customers across Europe. ".repeat(
  16,
);

function posting(i: number, provider: CanonicalJob["provider"]): CanonicalJob {
  const title = `${titles[i % titles.length]} ${i}`;
  const company = companies[i % companies.length];
  const city = cities[i % cities.length];
  const url = `https://boards.greenhouse.io/c${i % 97}/jobs/${i}`;
  const description = `${title} at ${company} in ${city}. ${filler}`;
  return {
    provider,
    providerJobId: `${provider}-${i}`,
    title,
    company,
    location: { city, region: null, country: "DE", raw: `${city}, Germany` },
    workArrangement: "Hybrid",
    employmentType: "FULL_TIME",
    seniority: "2-5",
    salary: i % 2 ? { min: 60000, max: 80000, currency: "EUR", period: "YEAR" } : null,
    description,
    applyUrl: provider === "jsearch" ? `${url}?utm_source=google_jobs_apply` : url,
    postedAt: new Date(Date.UTC(2026, 10, 1 + (i % 28), 8)),
    validThrough: null,
    links: [url],
    raw: { id: i, title, company, city, url, description_text: description },
  };
}

/** Postings 0..known-1 are stored first; the measured batch re-sees half and brings new ones. */
function batches(): { preload: CanonicalJob[]; mixed: CanonicalJob[] } {
  const preload: CanonicalJob[] = [];
  for (let i = 0; i < known; i++) preload.push(posting(i, "jsearch"));
  const mixed: CanonicalJob[] = [];
  for (let i = 0; i < measured / 2; i++) mixed.push(posting(i, "jsearch"));
  for (let i = known; mixed.length < measured; i++) {
    // every fourth new job arrives from both providers
    mixed.push(posting(i, "active_jobs_db"));
    if (i % 4 === 0 && mixed.length < measured) mixed.push(posting(i, "jsearch"));
  }
  return { preload, mixed };
}

const bareColumns = `g int, ord int, provider text, provider_job_id text, url text,
  canonical_url text, fingerprint text, loose_fingerprint text, location_is_coarse boolean,
  links text[], raw jsonb, title text, company text, location_city text, location_region text,
  location_country text, location_raw text, work_arrangement text, employment_type text,
  seniority text, salary_min numeric, salary_max numeric, salary_currency text,
  salary_period text, description text, apply_url text, posted_at timestamptz,
  valid_through timestamptz`;

/** One flat row per posting: its source fields and its job's fields, as the bare table holds. */
function flatRows(mixed: CanonicalJob[], from = 0, to = Infinity): Record<string, unknown>[] {
  const { jobs, sources } = batchPayload(groupJobs(mixed).slice(from, to));
  return sources.map((source) => ({ ...jobs[source.g as number], ...source }));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function upsertRound(sql: Sql, preload: CanonicalJob[], mixed: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    const [combination] = await tx<{ id: number }[]>`
      insert into public.backfill_tracking (title_keyword, location) values ('bench', 'bench')
      returning id`;
    await storeJobs(tx, preload, { combinationId: combination.id, chunkSize: chunk });
    await tx`analyze public.jobs`;
    await tx`analyze public.job_sources`;
    return await timed(() =>
      storeJobs(tx, mixed, { combinationId: combination.id, chunkSize: chunk })
    );
  });
}

async function insertSelectRound(sql: Sql, mixed: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    await tx.unsafe(`create temp table bench_raw_jobs (${bareColumns}) on commit drop`);
    return await timed(async () => {
      const groups = groupJobs(mixed).length;
      for (let start = 0; start < groups; start += chunk) {
        const payload = flatRows(mixed, start, start + chunk);
        await tx`insert into bench_raw_jobs
          select * from jsonb_to_recordset(${tx.json(payload as never)}::jsonb)
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
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(
    /\t/g,
    "\\t",
  );
}

const columnNames = bareColumns.split(",").map((c) => c.trim().split(/\s+/)[0]);

async function copyRound(sql: Sql, mixed: CanonicalJob[]) {
  return await inRolledBackTransaction(sql, async (tx: TransactionSql) => {
    await tx.unsafe(`create temp table bench_raw_jobs (${bareColumns}) on commit drop`);
    return await timed(async () => {
      const rows = flatRows(mixed);
      const text = rows.map((row) => columnNames.map((c) => copyField(row[c])).join("\t"))
        .join("\n") + "\n";
      const writable = await tx`copy bench_raw_jobs from stdin`.writable();
      await new Promise<void>((resolve, reject) => {
        writable.on("error", reject);
        writable.on("finish", resolve);
        writable.end(text);
      });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Upserted postings per second, next to raw COPY and raw INSERT ... SELECT of the same rows. */
export async function benchJobUpsert(sql: Sql): Promise<BenchResult[]> {
  const { preload, mixed } = batches();
  const upsert: number[] = [];
  const insertSelect: number[] = [];
  const copy: number[] = [];
  for (let round = 0; round < rounds; round++) {
    upsert.push(await upsertRound(sql, preload, mixed));
    insertSelect.push(await insertSelectRound(sql, mixed));
    copy.push(await copyRound(sql, mixed));
  }
  const rate = (ms: number) => mixed.length / (ms / 1000);
  return [
    result("job upsert vs raw COPY (jobs/s)", rate(median(upsert)), "jobs/s", rate(median(copy))),
    result(
      "job upsert vs raw INSERT ... SELECT (jobs/s)",
      rate(median(upsert)),
      "jobs/s",
      rate(median(insertSelect)),
    ),
  ];
}
