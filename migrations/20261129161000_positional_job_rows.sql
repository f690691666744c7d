-- ---------------------------------------------------------------------------
-- A batch's jobs and postings arrive as positional rows ([g, fingerprint, ...]) in the
-- column order of private.job_batch_job and private.job_batch_source, instead of objects that
-- repeat every key name (22 per job, 9 per posting).
-- The same batch is about a third less JSON to write in the client and to parse here, which is
-- what storing a batch mostly costs (measured: bench/job_upsert.ts).
-- ---------------------------------------------------------------------------

create or replace function private.job_batch_jobs(p jsonb) returns setof private.job_batch_job
language sql immutable rows 1000 set search_path = ''
as $$
  select (r ->> 0)::integer, r ->> 1, r ->> 2, (r ->> 3)::boolean, r ->> 4, r ->> 5, r ->> 6,
         r ->> 7, r ->> 8, r ->> 9, r ->> 10, r ->> 11, r ->> 12, r ->> 13,
         (r ->> 14)::numeric, (r ->> 15)::numeric, r ->> 16, r ->> 17, r ->> 18, r ->> 19,
         (r ->> 20)::timestamptz, (r ->> 21)::timestamptz
  from jsonb_array_elements(p) as r
$$;

comment on function private.job_batch_jobs(jsonb) is
  'A batch''s jobs from positional rows, in the column order of private.job_batch_job.';

create or replace function private.job_batch_sources(p jsonb)
returns setof private.job_batch_source
language sql immutable rows 1000 set search_path = ''
as $$
  select (r ->> 0)::integer, (r ->> 1)::integer, r ->> 2, r ->> 3, r ->> 4, r ->> 5, r ->> 6,
         array(select jsonb_array_elements_text(r -> 7)),
         -- a JSON null is no record
         nullif(r -> 8, 'null'::jsonb)
  from jsonb_array_elements(p) as r
$$;

comment on function private.job_batch_sources(jsonb) is
  'A batch''s postings from positional rows, in the column order of private.job_batch_source.';
