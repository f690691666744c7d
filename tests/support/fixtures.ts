/**
 * Small builders for rows the schema tests need. They insert as the connecting superuser.
 *
 * @module
 */
import type { TransactionSql } from "../../shared/db/postgres.ts";

/** The six columns that identify a search combination. NULL filter = "any". */
export interface Combination {
  title_keyword: string;
  location: string;
  ai_work_arrangement?: string | null;
  ai_employment_type?: string | null;
  ai_seniority?: string | null;
  ai_industry?: string | null;
}

function filters(combination: Combination) {
  return {
    ai_work_arrangement: combination.ai_work_arrangement ?? null,
    ai_employment_type: combination.ai_employment_type ?? null,
    ai_seniority: combination.ai_seniority ?? null,
    ai_industry: combination.ai_industry ?? null,
  };
}

/** Inserts a cv_documents row for `userId` and returns its id. */
export async function insertCv(tx: TransactionSql, userId: string, fileName = "cv.pdf") {
  const [row] = await tx<{ id: string }[]>`
    insert into public.cv_documents (user_id, storage_path, file_name, object_version)
    values (${userId}, ${`${userId}/${fileName}`}, ${fileName}, gen_random_uuid()::text)
    returning id`;
  return row.id;
}

/** Inserts an active user_search_queries row and returns its id. */
export async function insertQuery(
  tx: TransactionSql,
  userId: string,
  combination: Combination,
  cvId: string | null = null,
): Promise<number> {
  const f = filters(combination);
  const [row] = await tx<{ id: number }[]>`
    insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location,
      ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry)
    values (${userId}, ${cvId}, ${combination.title_keyword}, ${combination.location},
      ${f.ai_work_arrangement}, ${f.ai_employment_type}, ${f.ai_seniority}, ${f.ai_industry})
    returning id`;
  return row.id;
}

/** Marks a combination backfilled through the SQL function the original Python system called; returns the tracking id. */
export async function markBackfilled(
  tx: TransactionSql,
  combination: Combination,
  jobsFound = 0,
  creditsUsed = 0,
): Promise<number> {
  const f = filters(combination);
  const [row] = await tx<{ id: number }[]>`
    select id from public.mark_combination_backfilled(${combination.title_keyword},
      ${combination.location}, ${f.ai_work_arrangement}, ${f.ai_employment_type},
      ${f.ai_seniority}, ${f.ai_industry}, ${jobsFound}, ${creditsUsed})`;
  return row.id;
}

let jobCounter = 0;

/** Inserts a job with one source and links it to a tracked combination; returns the job id. */
export async function insertJobFor(
  tx: TransactionSql,
  combinationId: number,
  title = "Data Scientist",
): Promise<number> {
  jobCounter += 1;
  const key = `${Date.now()}-${jobCounter}-${crypto.randomUUID()}`;
  const [job] = await tx<{ id: number }[]>`
    insert into public.jobs (fingerprint, title, company, location_city, location_country)
    values (${`fp-${key}`}, ${title}, 'Acme GmbH', 'Berlin', 'DE')
    returning id`;
  await tx`
    insert into public.job_sources (job_id, provider, provider_job_id, url, raw)
    values (${job.id}, 'jsearch', ${`js-${key}`}, 'https://example.com/job',
      ${tx.json({ job_id: `js-${key}` })})`;
  await tx`
    insert into public.job_keys (key, job_id) values (md5(${`f:fp-${key}`})::uuid, ${job.id})`;
  await tx`
    insert into public.combination_jobs (combination_id, job_id) values (${combinationId}, ${job.id})`;
  return job.id;
}

/** Inserts a storage object in bucket cvs as the Storage service does (service role). */
export async function insertStorageObject(tx: TransactionSql, ownerId: string, name: string) {
  const [row] = await tx<{ id: string }[]>`
    insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
    values ('cvs', ${name}, ${ownerId}, ${ownerId},
      ${tx.json({ size: 1234, mimetype: "application/pdf" })}, gen_random_uuid()::text)
    returning id`;
  return row.id;
}
