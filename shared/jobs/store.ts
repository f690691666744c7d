/**
 * Stores canonical jobs, never one round trip per job:
 *   1. Every posting goes to `public.see_known_postings` as keys, a chunk per statement: those
 *      stored before (identity key 1, provider + provider id, the cheapest) are settled there —
 *      seen again, their jobs too, linked to the combination.
 *   2. The others are grouped by identity (URL, fingerprint, loose key) as the answers arrive,
 *      and sent in full to `public.upsert_jobs`, a chunk of groups per statement; SQL matches
 *      each group against the store.
 * Chunks go out side by side on a pool; each statement returns what it did.
 *
 * @module
 */
import { postgresJson } from "../db/json.ts";
import { isolated, isTransaction, type Queryable } from "../db/postgres.ts";
import type { CanonicalJob } from "./canonical_job.ts";
import {
  type BatchPosting,
  createJobGrouper,
  type JobGroup,
  latestPerPosting,
} from "./batch_grouping.ts";
import { jobIdentity } from "./identity.ts";

/** What storing a batch did. */
export interface StoreStats {
  /** Provider postings handed in. */
  postings: number;
  /**
   * Distinct jobs they turned out to be, summed per statement: a job seen again through one
   * posting and found by a new one counts twice, as does its link.
   */
  jobs: number;
  /** `jobs` rows created. */
  newJobs: number;
  /** Postings already stored under the same provider id (a re-fetch). */
  seenAgain: number;
  /** New postings merged into a job that already had a posting of the same provider. */
  mergedWithinProvider: number;
  /** New postings merged into a job that already had a posting of the other provider. */
  mergedAcrossProviders: number;
  /** Combination links written (new or refreshed). */
  linked: number;
  /** Statements run again because a concurrent writer got in their way (see RACE_CODES). */
  retried: number;
}

/** Options for {@link storeJobs}. */
export interface StoreOptions {
  /** `backfill_tracking.id` of the combination that found the jobs; they are linked to it. */
  combinationId?: number | null;
  /**
   * Postings per `see_known_postings` statement, and groups per `upsert_jobs` statement.
   * Default 2000 (fewer, larger statements: measured 30% faster than 500).
   */
  chunkSize?: number;
  /**
   * Chunks in flight at once, each on its own pooled connection, so that Postgres stores one
   * while the next is serialised. Default 2 on a pool, always 1 inside a transaction.
   */
  concurrency?: number;
}

/** An empty {@link StoreStats}. */
export function emptyStoreStats(): StoreStats {
  return {
    postings: 0,
    jobs: 0,
    newJobs: 0,
    seenAgain: 0,
    mergedWithinProvider: 0,
    mergedAcrossProviders: 0,
    linked: 0,
    retried: 0,
  };
}

/** Adds `b` into `a`. */
export function addStoreStats(a: StoreStats, b: StoreStats): StoreStats {
  for (const key of Object.keys(a) as (keyof StoreStats)[]) a[key] += b[key];
  return a;
}

/** The counts `public.upsert_jobs` returns for one chunk. */
interface ChunkCounts {
  postings: number;
  jobs: number;
  new_jobs: number;
  seen_again: number;
  merged_within: number;
  merged_across: number;
  linked: number;
}

function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A job row: the columns of `private.job_batch_job`, in order. */
export type JobRow = [
  g: number,
  fingerprint: string,
  looseFingerprint: string,
  locationIsCoarse: boolean,
  canonicalUrl: string | null,
  title: string,
  company: string | null,
  locationCity: string | null,
  locationRegion: string | null,
  locationCountry: string | null,
  locationRaw: string | null,
  workArrangement: string | null,
  employmentType: string | null,
  seniority: string | null,
  salaryMin: number | null,
  salaryMax: number | null,
  salaryCurrency: string | null,
  salaryPeriod: string | null,
  description: string | null,
  applyUrl: string | null,
  postedAt: string | null,
  validThrough: string | null,
];

/** A posting row: the columns of `private.job_batch_source`, in order. */
export type SourceRow = [
  g: number,
  ord: number,
  provider: string,
  providerJobId: string,
  url: string | null,
  canonicalUrl: string | null,
  fingerprint: string,
  links: string[],
  raw: unknown,
];

/**
 * The two JSON arrays `public.upsert_jobs` reads, as positional rows (one per job, one per
 * posting) in the column order of `private.job_batch_job` / `private.job_batch_source`: a third
 * less JSON than objects that repeat every key name, on both ends of the wire.
 */
export function batchRows(groups: readonly JobGroup[]): { jobs: JobRow[]; sources: SourceRow[] } {
  const jobs: JobRow[] = [];
  const sources: SourceRow[] = [];
  groups.forEach((group, g) => {
    const { job, identity } = group.members[0];
    jobs.push([
      g,
      identity.fingerprint,
      identity.looseFingerprint,
      identity.locationIsCoarse,
      identity.canonicalUrl,
      job.title,
      job.company,
      job.location.city,
      job.location.region,
      job.location.country,
      job.location.raw,
      job.workArrangement,
      job.employmentType,
      job.seniority,
      job.salary?.min ?? null,
      job.salary?.max ?? null,
      job.salary?.currency ?? null,
      job.salary?.period ?? null,
      job.description,
      job.applyUrl,
      isoOrNull(job.postedAt),
      isoOrNull(job.validThrough),
    ]);
    group.members.forEach(({ job, identity }, ord) => {
      sources.push([
        g,
        ord,
        job.provider,
        job.providerJobId,
        job.applyUrl,
        identity.canonicalUrl,
        identity.fingerprint,
        job.links,
        job.raw ?? null,
      ]);
    });
  });
  return { jobs, sources };
}

/** A chunk's counts as statistics. */
function statsOf(counts: ChunkCounts): StoreStats {
  return {
    postings: counts.postings,
    jobs: counts.jobs,
    newJobs: counts.new_jobs,
    seenAgain: counts.seen_again,
    mergedWithinProvider: counts.merged_within,
    mergedAcrossProviders: counts.merged_across,
    linked: counts.linked,
    retried: 0,
  };
}

/**
 * SQLSTATEs a concurrent writer can cause, which a retry resolves: it stored the same job first
 * (foreign key 23503, unique 23505), or it updates the same stored jobs in another order
 * (deadlock 40P01).
 */
const RACE_CODES = new Set(["23503", "23505", "40P01"]);

/** Attempts per chunk before a race is reported as an error. */
const MAX_ATTEMPTS = 6;

/**
 * A posting that may be stored already, as `private.job_batch_known` reads it: its provider
 * id, validity, and its current apply URL and keys (which its job learns when they changed).
 */
type KnownRow = [
  provider: string,
  providerJobId: string,
  validThrough: string | null,
  url: string | null,
  canonicalUrl: string | null,
  fingerprint: string,
];

/**
 * Runs one statement, again when a concurrent writer got in its way (see RACE_CODES); returns
 * its result and how many times it was run again.
 */
async function withRaceRetries<T>(
  sql: Queryable,
  run: (q: Queryable) => Promise<T>,
): Promise<{ result: T; retried: number }> {
  for (let attempt = 1;; attempt++) {
    try {
      return { result: await isolated(sql, run), retried: attempt - 1 };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RACE_CODES.has(code)) throw error;
      // back off with jitter, so that writers which collided do not collide again
      const ceiling = 50 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * ceiling));
    }
  }
}

/**
 * Settles the postings stored before: marks them seen (and their jobs), has their jobs learn
 * their current keys, links the jobs to the combination; returns the others, the stored ones'
 * identities, and the counts of what it did.
 */
async function seeKnown(
  sql: Queryable,
  postings: readonly BatchPosting[],
  combinationId: number | null,
): Promise<{ unknown: BatchPosting[]; stored: BatchPosting[]; stats: StoreStats }> {
  const rows: KnownRow[] = postings.map(({ job, identity }) => [
    job.provider,
    job.providerJobId,
    isoOrNull(job.validThrough),
    job.applyUrl,
    identity.canonicalUrl,
    identity.fingerprint,
  ]);
  const { result: found, retried } = await withRaceRetries(
    sql,
    (q) =>
      q<{ provider: string; provider_job_id: string; job_id: number }[]>`
      select provider, provider_job_id, job_id from public.see_known_postings(
        ${postgresJson(rows)}::text::jsonb, ${combinationId}::bigint)`,
  );
  const stored = new Map<string, Set<string>>();
  for (const row of found) {
    let ids = stored.get(row.provider);
    if (!ids) stored.set(row.provider, ids = new Set());
    ids.add(row.provider_job_id);
  }
  const isStored = ({ job }: BatchPosting) => stored.get(job.provider)?.has(job.providerJobId);
  const jobs = new Set(found.map((row) => row.job_id)).size;
  return {
    unknown: postings.filter((posting) => !isStored(posting)),
    stored: postings.filter(isStored),
    stats: {
      ...emptyStoreStats(),
      postings: found.length,
      jobs,
      seenAgain: found.length,
      linked: combinationId === null ? 0 : jobs,
      retried,
    },
  };
}

/** Stores groups of postings not stored before, in full. */
async function upsertGroups(
  sql: Queryable,
  groups: readonly JobGroup[],
  combinationId: number | null,
): Promise<StoreStats> {
  const { jobs, sources } = batchRows(groups);
  const { result: counts, retried } = await withRaceRetries(
    sql,
    async (q) =>
      (await q<ChunkCounts[]>`
      select * from public.upsert_jobs(${postgresJson(jobs)}::text::jsonb,
        ${postgresJson(sources)}::text::jsonb, ${combinationId}::bigint)`)[0],
  );
  return { ...statsOf(counts), retried };
}

/**
 * Runs tasks added at any time, `width` at a time. `done` waits for all of them and throws the
 * first failure, after every started task has settled.
 */
function workPool<T>(width: number, run: (task: T) => Promise<void>) {
  const queue: T[] = [];
  const workers: Promise<void>[] = [];
  const failures: unknown[] = [];
  let active = 0;
  const worker = async () => {
    active++;
    try {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) await run(task);
    } finally {
      active--;
    }
  };
  return {
    add(task: T) {
      queue.push(task);
      if (active < width) workers.push(worker().catch((error) => void failures.push(error)));
    },
    async done() {
      while (workers.length) await Promise.all(workers.splice(0));
      if (failures.length) throw failures[0];
    },
  };
}

/**
 * `items` in chunks of at most `size` and of even sizes, their number rounded up to a multiple
 * of `width` where sizes allow, so that the last round of chunks in flight does not leave a
 * connection idle (13 chunks of 2,000 on two connections: 14 of 1,849).
 */
export function evenChunks<T>(items: readonly T[], size: number, width: number): T[][] {
  let count = Math.ceil(items.length / size);
  if (count > 1) count = Math.ceil(count / width) * width;
  const length = Math.ceil(items.length / Math.max(count, 1));
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += length) {
    chunks.push(items.slice(start, start + length));
  }
  return chunks;
}

/**
 * Stores postings from any providers, deduplicated against each other and against what is
 * stored, and links them to the combination. Returns what happened.
 */
export async function storeJobs(
  sql: Queryable,
  jobs: readonly CanonicalJob[],
  options: StoreOptions = {},
): Promise<StoreStats> {
  const chunkSize = options.chunkSize ?? 2000;
  const concurrency = isTransaction(sql) ? 1 : Math.max(1, options.concurrency ?? 2);
  const combinationId = options.combinationId ?? null;
  const postings = latestPerPosting(jobs);
  const total = emptyStoreStats();
  // 1. the stored postings are settled; the others are grouped while later chunks are out
  const grouper = createJobGrouper();
  const seeing = workPool<{ job: CanonicalJob; index: number }[]>(concurrency, async (chunk) => {
    const identified = chunk.map(({ job, index }) => ({ job, identity: jobIdentity(job), index }));
    const { unknown, stored, stats } = await seeKnown(sql, identified, combinationId);
    addStoreStats(total, stats);
    grouper.add(unknown);
    grouper.witness(stored);
  });
  const indexed = postings.map((job, index) => ({ job, index }));
  for (const chunk of evenChunks(indexed, chunkSize, concurrency)) seeing.add(chunk);
  await seeing.done();
  // 2. the others in full. Groups never share a key, so their chunks can be stored side by side.
  const groups = grouper.groups();
  const storing = workPool<readonly JobGroup[]>(concurrency, async (chunk) => {
    addStoreStats(total, await upsertGroups(sql, chunk, combinationId));
  });
  for (const chunk of evenChunks(groups, chunkSize, concurrency)) storing.add(chunk);
  await storing.done();
  return total;
}
