-- ---------------------------------------------------------------------------
-- The job store: identity keys for cross-provider dedup, and one set-based upsert that stores a
-- whole batch of provider postings in one statement.
--
-- Identity, cheapest first (keys computed in shared/jobs/identity.ts, compared here):
--   1. job_sources (provider, provider_job_id)
--   2. job_keys 'u:' canonical apply URL (tracking parameters stripped)
--   3. job_keys 'f:' strict fingerprint (normalised title | company | location)
--   4. jobs.loose_fingerprint (title | company), only when one side's location is coarse, the
--      countries do not contradict each other, and exactly one stored job has that key
--
-- job_keys makes 2 and 3 unique across the whole store: a URL or a fingerprint belongs to one
-- job. Two writers that store the same posting at once both try to claim its keys; the second
-- fails on the primary key and retries, and the retry finds the first writer's job.
-- ---------------------------------------------------------------------------

alter table public.jobs
  add column location_is_coarse boolean not null default false;

comment on column public.jobs.loose_fingerprint is
  'Normalised title | company; matched only when one side''s location is coarse.';
comment on column public.jobs.location_is_coarse is
  'The location names no city: a country only, or "Remote".';
comment on column public.jobs.fingerprint is
  'Strict fingerprint of the posting the job was created from; uniqueness lives in job_keys.';

alter table public.job_sources
  add column canonical_url text,
  add column fingerprint text,
  add column links text[] not null default '{}';

comment on column public.job_sources.links is 'Every link the provider gave for this posting.';

create table public.job_keys (
  -- md5 of 'u:' || canonical URL, or of 'f:' || fingerprint
  key uuid primary key,
  job_id bigint not null references public.jobs (id) on delete cascade
);

comment on table public.job_keys is
  'Identity keys (canonical apply URL, strict fingerprint) of every job; each belongs to one job.';

create index job_keys_job_idx on public.job_keys (job_id);

alter table public.job_keys enable row level security;
revoke all on public.job_keys from anon, authenticated;
grant all on public.job_keys to service_role;

-- Every stored posting costs one write per index: keep only the indexes a lookup uses.
--   jobs.fingerprint unique: job_keys holds the fingerprint keys, of every source;
--   jobs.canonical_url: URL matches go through job_keys;
--   jobs.posted_at: no query sorts all jobs (feeds start from a user's combinations);
--   job_sources.id: the provider key is the natural primary key, nothing references the id.
alter table public.jobs drop constraint jobs_fingerprint_unique;
drop index public.jobs_canonical_url_idx;
drop index public.jobs_posted_at_idx;
alter table public.job_sources drop constraint job_sources_pkey;
alter table public.job_sources drop column id;
alter table public.job_sources drop constraint job_sources_provider_job_unique;
alter table public.job_sources add constraint job_sources_pkey
  primary key (provider, provider_job_id);

-- Seeing a job again rewrites last_seen_at; room on each page keeps those updates HOT (no index
-- writes).
alter table public.jobs set (fillfactor = 90);
alter table public.job_sources set (fillfactor = 90);
alter table public.combination_jobs set (fillfactor = 90);

-- The halves of a batch, as row types. p_jobs has one row per group (postings already known to
-- be one job): the job's fields and the keys of the posting they come from. p_sources has one
-- row per provider posting of a group. p_seen has the postings stored before, as keys.
create type private.job_batch_job as (
  g integer, fingerprint text, loose_fingerprint text, location_is_coarse boolean,
  canonical_url text, title text, company text, location_city text, location_region text,
  location_country text, location_raw text, work_arrangement text, employment_type text,
  seniority text, salary_min numeric, salary_max numeric, salary_currency text,
  salary_period text, description text, apply_url text, posted_at timestamptz,
  valid_through timestamptz);

create type private.job_batch_source as (
  g integer, ord integer, provider text, provider_job_id text, url text, canonical_url text,
  fingerprint text, links text[], raw jsonb);

create type private.job_batch_seen as (
  provider text, provider_job_id text, valid_through timestamptz);

-- Set-returning wrappers with a realistic row estimate (a batch is hundreds of rows, not the
-- planner's default guess), so the joins between the halves are hash joins, not nested loops.
-- SET search_path keeps them from being inlined, which would drop the estimate.
create or replace function private.job_batch_jobs(p jsonb) returns setof private.job_batch_job
language sql immutable rows 1000 set search_path = ''
as $$ select * from jsonb_populate_recordset(null::private.job_batch_job, p) $$;

create or replace function private.job_batch_sources(p jsonb)
returns setof private.job_batch_source
language sql immutable rows 1000 set search_path = ''
as $$ select * from jsonb_populate_recordset(null::private.job_batch_source, p) $$;

create or replace function private.job_batch_seen(p jsonb) returns setof private.job_batch_seen
language sql immutable rows 1000 set search_path = ''
as $$ select * from jsonb_populate_recordset(null::private.job_batch_seen, p) $$;

-- The job_keys key of a URL ('u') or a fingerprint ('f').
create or replace function private.job_key(kind text, value text) returns uuid
language sql immutable parallel safe set search_path = ''
as $$ select md5(kind || ':' || value)::uuid $$;

revoke execute on function private.job_batch_jobs(jsonb), private.job_batch_sources(jsonb),
  private.job_batch_seen(jsonb), private.job_key(text, text) from public;
grant execute on function private.job_batch_jobs(jsonb), private.job_batch_sources(jsonb),
  private.job_batch_seen(jsonb), private.job_key(text, text) to service_role;

-- Which of these provider postings are stored already, and under which job. The first half of
-- storing a batch: postings seen before are then sent as keys only (p_seen), not in full.
create or replace function public.known_job_sources(p_providers text[], p_provider_job_ids text[])
returns table (provider text, provider_job_id text, job_id bigint)
language sql stable security invoker set search_path = ''
as $$
  select x.provider, x.provider_job_id, x.job_id
  from unnest(p_providers, p_provider_job_ids) as k(provider, provider_job_id)
  join public.job_sources x on x.provider = k.provider and x.provider_job_id = k.provider_job_id
$$;

revoke execute on function public.known_job_sources(text[], text[]) from public, anon, authenticated;
grant execute on function public.known_job_sources(text[], text[]) to service_role;

-- Stores one batch in one statement and returns one row of counts.
--   p_jobs, p_sources: postings not stored yet (or groups with at least one such posting);
--   p_seen: postings stored before, as keys only. They move last_seen_at (and valid_through)
--           and are linked to the combination.
-- Counts: postings handed in; jobs they belong to; jobs created; postings already stored
-- (seen again); new postings merged into a job that already had (or gets earlier in the batch)
-- a posting of the same provider (within) or only of the other provider (across); combination
-- links written.
--
-- Within a batch, a provider id, a canonical URL and a fingerprint belong to one group
-- (shared/jobs/batch_grouping.ts guarantees it). New job ids are drawn from the identity
-- sequence up front, so no step has to find inserted rows again. New jobs claim their keys with
-- a plain INSERT: when a concurrent writer claimed one first, the statement fails (23505) and
-- the caller retries it; the retry finds that writer's job.
create or replace function public.upsert_jobs(
  p_jobs jsonb,
  p_sources jsonb,
  p_seen jsonb default '[]',
  p_combination_id bigint default null
)
returns table (
  postings integer,
  jobs integer,
  new_jobs integer,
  seen_again integer,
  merged_within integer,
  merged_across integer,
  linked integer
)
-- jit off: the plan's cost crosses the JIT threshold, and compiling it costs far more than
-- running it (1.6 s against 80 ms, measured).
language sql volatile security invoker set search_path = '' set jit = off
as $$
  with job as materialized (
    select * from private.job_batch_jobs(p_jobs)
  ),
  src as materialized (
    select s.*,
           case when s.canonical_url is not null
                then private.job_key('u', s.canonical_url) end as url_key,
           private.job_key('f', s.fingerprint) as fingerprint_key
    from private.job_batch_sources(p_sources) s
  ),
  -- Every posting's keys against the store: one index probe per key.
  source_match as (
    select s.g, min(by_source.job_id) as by_source, min(by_url.job_id) as by_url,
           min(by_fingerprint.job_id) as by_fingerprint
    from src s
    left join public.job_sources by_source
      on by_source.provider = s.provider and by_source.provider_job_id = s.provider_job_id
    left join public.job_keys by_url on by_url.key = s.url_key
    left join public.job_keys by_fingerprint on by_fingerprint.key = s.fingerprint_key
    group by s.g
  ),
  placed as materialized (
    select j.g, m.matched_by, m.existing_id,
           -- COALESCE evaluates lazily: only new jobs draw an id
           coalesce(m.existing_id, nextval('public.jobs_id_seq'::regclass)) as job_id
    from job j
    join source_match sm on sm.g = j.g
    -- the loose key counts only when it points to exactly one stored job, coarse or not: several
    -- would be different requisitions (cities) that a coarse posting must not choose between
    left join lateral (
      select case when count(*) = 1
                   and (j.location_is_coarse or bool_or(x.location_is_coarse))
                  then min(x.id + 0) end as id
      from public.jobs x
      where sm.by_source is null and sm.by_url is null and sm.by_fingerprint is null
        and x.loose_fingerprint = j.loose_fingerprint
        and (j.location_country is null or x.location_country is null
             or j.location_country = x.location_country)
    ) by_loose on true
    cross join lateral (
      select coalesce(sm.by_source, sm.by_url, sm.by_fingerprint, by_loose.id) as existing_id,
             case when sm.by_source is not null then 'source'
                  when sm.by_url is not null then 'url'
                  when sm.by_fingerprint is not null then 'fingerprint'
                  when by_loose.id is not null then 'loose_fingerprint'
                  else 'new' end as matched_by
    ) m
  ),
  inserted as (
    insert into public.jobs (
      id, fingerprint, loose_fingerprint, location_is_coarse, canonical_url, title, company,
      location_city, location_region, location_country, location_raw, work_arrangement,
      employment_type, seniority, salary_min, salary_max, salary_currency, salary_period,
      description, apply_url, posted_at, valid_through)
    overriding system value
    select p.job_id, j.fingerprint, j.loose_fingerprint, j.location_is_coarse, j.canonical_url,
           j.title, j.company, j.location_city, j.location_region, j.location_country,
           j.location_raw, j.work_arrangement, j.employment_type, j.seniority, j.salary_min,
           j.salary_max, j.salary_currency, j.salary_period, j.description, j.apply_url,
           j.posted_at, j.valid_through
    from placed p join job j on j.g = p.g
    where p.existing_id is null
    returning id
  ),
  -- New jobs claim every key of their postings; a key a concurrent writer claimed first makes
  -- this fail, and the retry matches that writer's job.
  claimed as (
    insert into public.job_keys (key, job_id)
    select distinct k.key, p.job_id
    from src s
    join placed p on p.g = s.g
    cross join lateral (values (s.url_key), (s.fingerprint_key)) as k(key)
    where p.existing_id is null and k.key is not null
    returning key
  ),
  -- Stored jobs learn the keys of their new postings, unless another job holds the key.
  learned as (
    insert into public.job_keys (key, job_id)
    select distinct k.key, p.job_id
    from src s
    join placed p on p.g = s.g
    cross join lateral (values (s.url_key), (s.fingerprint_key)) as k(key)
    where p.existing_id is not null and k.key is not null
    on conflict (key) do nothing
    returning key
  ),
  prior as (
    select p.g, array(select distinct x.provider from public.job_sources x
                      where x.job_id = p.existing_id order by 1) as providers
    from placed p
    where p.existing_id is not null
  ),
  sourced as (
    insert into public.job_sources as x (
      job_id, provider, provider_job_id, url, canonical_url, fingerprint, links, raw)
    select p.job_id, s.provider, s.provider_job_id, s.url, s.canonical_url, s.fingerprint,
           coalesce(s.links, '{}'), coalesce(s.raw, '{}'::jsonb)
    from src s join placed p on p.g = s.g
    on conflict (provider, provider_job_id) do update set
      last_seen_at = now(),
      url = excluded.url,
      canonical_url = excluded.canonical_url,
      fingerprint = excluded.fingerprint,
      links = excluded.links,
      raw = excluded.raw
    returning x.provider, x.provider_job_id, (x.xmax = 0) as created
  ),
  seen as materialized (
    select * from private.job_batch_seen(p_seen)
  ),
  seen_sources as (
    update public.job_sources x set last_seen_at = now()
    from seen s
    where x.provider = s.provider and x.provider_job_id = s.provider_job_id
    returning x.job_id, s.valid_through
  ),
  -- Every stored job the batch touched, once: last_seen_at moves, and what the row lacks is
  -- filled in from a new posting of it (one UPDATE: a second one on the same row in the same
  -- statement would be skipped).
  touched as (
    select distinct on (t.job_id) t.*
    from (
      select p.existing_id as job_id, 0 as rank, j.company, j.location_city, j.location_region,
             j.location_country, j.location_is_coarse, j.work_arrangement, j.employment_type,
             j.seniority, j.salary_min, j.salary_max, j.salary_currency, j.salary_period,
             j.description, j.apply_url, j.canonical_url, j.posted_at, j.valid_through
      from placed p join job j on j.g = p.g
      where p.existing_id is not null
      union all
      select s.job_id, 1, null, null, null, null, true, null, null, null, null, null, null,
             null, null, null, null, null, s.valid_through
      from seen_sources s
    ) t
    order by t.job_id, t.rank
  ),
  refreshed as (
    update public.jobs x set
      last_seen_at = now(),
      company = coalesce(x.company, t.company),
      location_city = coalesce(x.location_city, t.location_city),
      location_region = coalesce(x.location_region, t.location_region),
      location_country = coalesce(x.location_country, t.location_country),
      -- a coarse job that learns its city is no longer coarse
      location_is_coarse = x.location_is_coarse and t.location_is_coarse,
      work_arrangement = coalesce(x.work_arrangement, t.work_arrangement::public.work_arrangement),
      employment_type = coalesce(x.employment_type, t.employment_type::public.employment_type),
      seniority = coalesce(x.seniority, t.seniority::public.seniority_level),
      salary_min = case when x.salary_min is null and x.salary_max is null then t.salary_min
                        else x.salary_min end,
      salary_max = case when x.salary_min is null and x.salary_max is null then t.salary_max
                        else x.salary_max end,
      salary_currency = case when x.salary_min is null and x.salary_max is null
                             then t.salary_currency else x.salary_currency end,
      salary_period = case when x.salary_min is null and x.salary_max is null
                           then t.salary_period else x.salary_period end,
      description = coalesce(x.description, t.description),
      apply_url = coalesce(x.apply_url, t.apply_url),
      canonical_url = coalesce(x.canonical_url, t.canonical_url),
      posted_at = coalesce(least(x.posted_at, t.posted_at), x.posted_at, t.posted_at),
      valid_through = coalesce(t.valid_through, x.valid_through)
    from touched t
    where x.id = t.job_id
    returning x.id
  ),
  linked as (
    insert into public.combination_jobs as c (combination_id, job_id)
    select distinct p_combination_id, k.job_id
    from (select p.job_id from placed p union select s.job_id from seen_sources s) k
    where p_combination_id is not null
    on conflict (combination_id, job_id) do update set last_found_at = now()
    returning c.job_id
  ),
  -- New postings that join a job rather than found it, and whether the job already had one of
  -- the same provider (stored before, or earlier in the group).
  joined as (
    select m.same_provider
    from (
      select s.provider, s.provider_job_id, s.ord, p.existing_id,
             s.provider = any(coalesce(pr.providers, '{}'))
               or case s.provider
                    when 'jsearch' then count(*) filter (where s.provider = 'jsearch') over w
                    else count(*) filter (where s.provider = 'active_jobs_db') over w
                  end > 0 as same_provider
      from src s
      join placed p on p.g = s.g
      left join prior pr on pr.g = s.g
      window w as (partition by s.g order by s.ord
                   rows between unbounded preceding and 1 preceding)
    ) m
    join sourced so on so.provider = m.provider and so.provider_job_id = m.provider_job_id
    where so.created and not (m.existing_id is null and m.ord = 0)
  )
  -- claimed, learned and refreshed run to completion although nothing reads them: PostgreSQL
  -- runs every data-modifying WITH exactly once
  select
    ((select count(*) from src) + (select count(*) from seen_sources))::integer,
    (select count(distinct k.job_id)
     from (select p.job_id from placed p union all select s.job_id from seen_sources s) k)::integer,
    (select count(*) from inserted)::integer,
    ((select count(*) from sourced so where not so.created)
      + (select count(*) from seen_sources))::integer,
    (select count(*) from joined where same_provider)::integer,
    (select count(*) from joined where not same_provider)::integer,
    (select count(*) from linked)::integer
$$;

comment on function public.upsert_jobs(jsonb, jsonb, jsonb, bigint) is
  'Stores a batch of provider postings in one statement: dedup by source id, canonical URL, '
  'fingerprint and loose fingerprint; links the jobs to the combination. Service role only.';

revoke execute on function public.upsert_jobs(jsonb, jsonb, jsonb, bigint) from public, anon, authenticated;
grant execute on function public.upsert_jobs(jsonb, jsonb, jsonb, bigint) to service_role;
grant usage, select on sequence public.jobs_id_seq to service_role;

-- Descriptions and raw provider records are the bulk of every row. lz4 compresses them several
-- times faster than the default pglz (measured: a jsonb-heavy COPY goes from 39k to 65k rows/s).
-- Supabase's PostgreSQL is built with lz4; a build without it (the embedded PGlite) keeps pglz.
do $$
begin
  alter table public.jobs alter column description set compression lz4;
  alter table public.job_sources alter column raw set compression lz4;
exception when feature_not_supported then
  raise notice 'lz4 is not available in this build; description and raw stay on pglz';
end
$$;
