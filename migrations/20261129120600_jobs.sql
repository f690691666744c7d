-- ---------------------------------------------------------------------------
-- The job store:
--   jobs              one row per real posting, whichever providers returned it
--   job_sources       one row per provider posting (raw record kept)
--   job_keys          identity keys (canonical apply URL, strict fingerprint): each belongs to
--                     one job
--   combination_jobs  which search combination found which job
-- and the two statements that store a batch: see_known_postings settles the postings stored
-- before as keys, upsert_jobs stores the others in full.
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
--
-- Every stored posting costs one write per index: only the indexes a lookup uses exist (no
-- unique jobs.fingerprint: job_keys holds the fingerprint keys, of every source; no
-- jobs.canonical_url index: URL matches go through job_keys; no jobs.posted_at index: feeds start
-- from a user's combinations; job_sources is keyed by the provider's id, which nothing else
-- references). Seeing a job again rewrites last_seen_at; room on each page (fillfactor 90) keeps
-- those updates HOT (no index writes).
-- ---------------------------------------------------------------------------

create table public.jobs (
  id bigint generated always as identity primary key,
  -- strict identity: normalised title | company | location, computed in one TypeScript module
  fingerprint text not null,
  -- loose identity, only set when the location is coarse (a country only, or "remote")
  loose_fingerprint text,
  -- apply URL with tracking parameters stripped
  canonical_url text,

  title text not null check (btrim(title) <> ''),
  company text,
  location_city text,
  location_region text,
  location_country text check (location_country ~ '^[A-Z]{2}$'),
  location_raw text,
  work_arrangement public.work_arrangement,
  employment_type public.employment_type,
  seniority public.seniority_level,
  salary_min numeric check (salary_min >= 0),
  salary_max numeric check (salary_max >= 0),
  salary_currency text check (salary_currency ~ '^[A-Z]{3}$'),
  salary_period text check (salary_period in ('HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR')),
  description text,
  apply_url text,
  posted_at timestamptz,
  valid_through timestamptz,

  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),

  location_is_coarse boolean not null default false,
  -- when a provider reported the posting expired (Active Jobs DB /active-ats-expired)
  expired_at timestamptz,

  constraint jobs_salary_range check (salary_min is null or salary_max is null
                                      or salary_min <= salary_max)
) with (fillfactor = 90);

comment on table public.jobs is 'One row per real job posting, deduplicated across providers.';
comment on column public.jobs.fingerprint is
  'Strict fingerprint of the posting the job was created from; uniqueness lives in job_keys.';
comment on column public.jobs.loose_fingerprint is
  'Normalised title | company; matched only when one side''s location is coarse.';
comment on column public.jobs.location_is_coarse is
  'The location names no city: a country only, or "Remote".';
comment on column public.jobs.expired_at is
  'When a provider reported the posting expired; the job leaves every feed, stays stored.';

create index jobs_loose_fingerprint_idx on public.jobs (loose_fingerprint)
  where loose_fingerprint is not null;

create trigger jobs_touch_updated_at before update on public.jobs
  for each row execute function private.touch_updated_at();

create table public.job_sources (
  job_id bigint not null references public.jobs (id) on delete cascade,
  provider text not null check (provider in ('jsearch', 'active_jobs_db')),
  provider_job_id text not null check (provider_job_id <> ''),
  url text,
  raw jsonb not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  canonical_url text,
  fingerprint text,
  links text[] not null default '{}',
  expired_at timestamptz,
  constraint job_sources_pkey primary key (provider, provider_job_id)
) with (fillfactor = 90);

comment on table public.job_sources is
  'One row per provider posting; several can point at one job. raw keeps the provider record.';
comment on column public.job_sources.links is 'Every link the provider gave for this posting.';
comment on column public.job_sources.expired_at is
  'When this provider reported its posting expired (Active Jobs DB /active-ats-expired).';

create index job_sources_job_idx on public.job_sources (job_id);

create table public.job_keys (
  -- md5 of 'u:' || canonical URL, or of 'f:' || fingerprint
  key uuid primary key,
  job_id bigint not null references public.jobs (id) on delete cascade
);

comment on table public.job_keys is
  'Identity keys (canonical apply URL, strict fingerprint) of every job; each belongs to one job.';

create index job_keys_job_idx on public.job_keys (job_id);

create table public.combination_jobs (
  combination_id bigint not null references public.backfill_tracking (id) on delete cascade,
  job_id bigint not null references public.jobs (id) on delete cascade,
  first_found_at timestamptz not null default now(),
  last_found_at timestamptz not null default now(),
  primary key (combination_id, job_id)
) with (fillfactor = 90);

comment on table public.combination_jobs is 'Which search combination found which job, and when.';

create index combination_jobs_job_idx on public.combination_jobs (job_id);

alter table public.jobs enable row level security;
alter table public.job_sources enable row level security;
alter table public.job_keys enable row level security;
alter table public.combination_jobs enable row level security;
revoke all on public.jobs, public.job_sources, public.job_keys, public.combination_jobs
  from anon, authenticated;
-- a user reads the jobs in their feed (the policy is the feed's: its feed_items)
grant select on public.jobs to authenticated;
grant all on public.jobs, public.job_sources, public.job_keys, public.combination_jobs
  to service_role;
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

-- ---- storing a batch -------------------------------------------------------------------------
-- A batch's jobs and postings arrive as positional rows ([g, fingerprint, ...]) in the column
-- order of private.job_batch_job and private.job_batch_source, instead of objects that repeat
-- every key name (22 per job, 9 per posting): about a third less JSON to write in the client
-- and to parse here, which is what storing a batch mostly costs (measured: bench/job_upsert.ts).
-- p_jobs has one row per group (postings already known to be one job): the job's fields and the
-- keys of the posting they come from; p_sources has one row per provider posting of a group.

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

-- Set-returning wrappers with a realistic row estimate (a batch is hundreds of rows, not the
-- planner's default guess), so the joins between the halves are hash joins, not nested loops.
-- SET search_path keeps them from being inlined, which would drop the estimate.
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

-- The job_keys key of a URL ('u') or a fingerprint ('f'). A SQL-standard body (RETURN) is bound
-- when it is created, so it needs no search_path, and without a SET clause the planner inlines
-- it: with SET it ran as a function call per key, twice per posting (Postgres CPU per batch of
-- compact postings: 8 % less inlined, alternating rounds in one process).
create or replace function private.job_key(kind text, value text) returns uuid
language sql immutable parallel safe
return md5(kind || ':' || value)::uuid;
comment on function private.job_key(text, text) is
  'The job_keys key of a URL (''u'') or a fingerprint (''f''): md5 of kind:value as a uuid.';

revoke execute on function private.job_batch_jobs(jsonb), private.job_batch_sources(jsonb),
  private.job_key(text, text) from public;
grant execute on function private.job_batch_jobs(jsonb), private.job_batch_sources(jsonb),
  private.job_key(text, text) to service_role;

-- ---- postings stored before ------------------------------------------------------------------
-- Postings stored before are settled by identity key 1 (provider + provider id), the cheapest:
-- the store sends every posting of a batch here first, with its current keys, and sends in
-- full, to upsert_jobs, only those this did not find.

-- A posting that may be stored already: its provider id, validity, and its current apply URL
-- and identity keys (shared/jobs/identity.ts), as positional JSON rows.
create type private.job_batch_known as (
  provider text, provider_job_id text, valid_through timestamptz, url text, canonical_url text,
  fingerprint text);

create or replace function private.job_batch_known(p jsonb) returns setof private.job_batch_known
language sql immutable rows 1000 set search_path = ''
as $$
  select r ->> 0, r ->> 1, (r ->> 2)::timestamptz, r ->> 3, r ->> 4, r ->> 5
  from jsonb_array_elements(p) as r
$$;

revoke execute on function private.job_batch_known(jsonb) from public;
grant execute on function private.job_batch_known(jsonb) to service_role;

-- For postings that may be stored already: each stored one moves last_seen_at and takes its
-- current apply URL and keys; its job moves last_seen_at (and valid_through, when a posting
-- gives one), learns those keys unless another job holds them (a link or a title that changed
-- since the posting was stored still finds the job), and is linked to the combination.
-- Returns the stored ones with their job.
create or replace function public.see_known_postings(
  p_postings jsonb,
  p_combination_id bigint default null
)
returns table (provider text, provider_job_id text, job_id bigint)
language sql volatile security invoker set search_path = '' set jit = off
as $$
  with posting as materialized (
    select * from private.job_batch_known(p_postings)
  ),
  seen_sources as (
    update public.job_sources x set
      last_seen_at = now(),
      url = s.url,
      canonical_url = s.canonical_url,
      fingerprint = s.fingerprint
    from posting s
    where x.provider = s.provider and x.provider_job_id = s.provider_job_id
    -- the row as it was before this statement (a statement does not see its own changes):
    -- only keys that changed need learning
    returning x.provider, x.provider_job_id, x.job_id, s.valid_through, s.canonical_url,
              s.fingerprint,
              (select o.canonical_url is distinct from s.canonical_url
                        or o.fingerprint is distinct from s.fingerprint
               from public.job_sources o
               where o.provider = x.provider and o.provider_job_id = x.provider_job_id)
                as keys_changed
  ),
  -- one UPDATE per job (a second one on the same row in the same statement would be skipped),
  -- with the latest validity any of its postings gives; in job id order, the order the jobs
  -- and links are then taken in, so that two writers that see the same jobs (both providers'
  -- copies of a job in chunks side by side) wait for each other rather than deadlock
  touched as materialized (
    select s.job_id, max(s.valid_through) as valid_through
    from seen_sources s
    group by s.job_id
    order by s.job_id
  ),
  refreshed as (
    update public.jobs x set
      last_seen_at = now(),
      valid_through = coalesce(t.valid_through, x.valid_through)
    from touched t
    where x.id = t.job_id
    returning x.id
  ),
  learned as (
    insert into public.job_keys (key, job_id)
    select distinct on (k.key) k.key, s.job_id
    from seen_sources s
    cross join lateral (
      values (case when s.canonical_url is not null
                   then private.job_key('u', s.canonical_url) end),
             (private.job_key('f', s.fingerprint))
    ) as k(key)
    where s.keys_changed and k.key is not null
    order by k.key, s.job_id
    on conflict (key) do nothing
    returning key
  ),
  linked as (
    insert into public.combination_jobs as c (combination_id, job_id)
    select p_combination_id, t.job_id
    from touched t
    where p_combination_id is not null
    order by t.job_id
    on conflict (combination_id, job_id) do update set last_found_at = now()
    returning c.job_id
  )
  -- refreshed, learned and linked run to completion although nothing reads them
  select s.provider, s.provider_job_id, s.job_id from seen_sources s
$$;

comment on function public.see_known_postings(jsonb, bigint) is
  'Marks the stored ones among these postings seen, with their jobs; their jobs learn their '
  'current keys and are linked to the combination. Returns them. Service role only.';

revoke execute on function public.see_known_postings(jsonb, bigint) from public, anon, authenticated;
grant execute on function public.see_known_postings(jsonb, bigint) to service_role;

-- ---- postings stored in full -----------------------------------------------------------------
-- Stores one batch of postings not stored yet (or groups with at least one such posting) in one
-- statement and returns one row of counts: postings handed in; jobs they belong to; jobs
-- created; postings already stored (seen again); new postings merged into a job that already
-- had (or gets earlier in the batch) a posting of the same provider (within) or only of the
-- other provider (across); combination links written.
--
-- Within a batch, a provider id, a canonical URL and a fingerprint belong to one group
-- (shared/jobs/batch_grouping.ts guarantees it). New job ids are drawn from the identity
-- sequence up front, so no step has to find inserted rows again. New jobs claim their keys with
-- a plain INSERT: when a concurrent writer claimed one first, the statement fails (23505) and
-- the caller retries it; the retry finds that writer's job. A posting's URL key and fingerprint
-- key are looked up in job_keys with one join (one hash of the table, or one index probe per
-- key).

create or replace function public.upsert_jobs(
  p_jobs jsonb,
  p_sources jsonb,
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
  -- Every posting's keys against the store: its source, and its URL and fingerprint keys in
  -- one probe of job_keys (one hash of the table, or one index probe per key).
  source_match as (
    select s.g, min(by_source.job_id) as by_source,
           min(by_key.job_id) filter (where k.kind = 'u') as by_url,
           min(by_key.job_id) filter (where k.kind = 'f') as by_fingerprint
    from src s
    left join public.job_sources by_source
      on by_source.provider = s.provider and by_source.provider_job_id = s.provider_job_id
    cross join lateral (values ('u', s.url_key), ('f', s.fingerprint_key)) as k(kind, key)
    left join public.job_keys by_key on by_key.key = k.key
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
  -- Every stored job the batch touched, once: last_seen_at moves, and what the row lacks is
  -- filled in from a new posting of it (one UPDATE: a second one on the same row in the same
  -- statement would be skipped).
  touched as (
    select distinct on (p.existing_id) p.existing_id as job_id, j.company, j.location_city,
           j.location_region, j.location_country, j.location_is_coarse, j.work_arrangement,
           j.employment_type, j.seniority, j.salary_min, j.salary_max, j.salary_currency,
           j.salary_period, j.description, j.apply_url, j.canonical_url, j.posted_at,
           j.valid_through
    from placed p join job j on j.g = p.g
    where p.existing_id is not null
    order by p.existing_id
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
    select distinct p_combination_id, p.job_id
    from placed p
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
    (select count(*) from src)::integer,
    (select count(distinct p.job_id) from placed p)::integer,
    (select count(*) from inserted)::integer,
    (select count(*) from sourced so where not so.created)::integer,
    (select count(*) from joined where same_provider)::integer,
    (select count(*) from joined where not same_provider)::integer,
    (select count(*) from linked)::integer
$$;

comment on function public.upsert_jobs(jsonb, jsonb, bigint) is
  'Stores a batch of provider postings in one statement: dedup by source id, canonical URL, '
  'fingerprint and loose fingerprint; links the jobs to the combination. Service role only.';

revoke execute on function public.upsert_jobs(jsonb, jsonb, bigint)
  from public, anon, authenticated;
grant execute on function public.upsert_jobs(jsonb, jsonb, bigint) to service_role;

-- ---- expired postings ------------------------------------------------------------------------
-- The provider's postings among p_ids, and their jobs, marked expired now — each only where it
-- is not marked yet, so a repeat marks nothing. One statement. Returns how many postings and
-- jobs it marked. The daily refresh's expired-postings check calls it.

create or replace function private.mark_jobs_expired(p_provider text, p_ids text[])
returns table (postings integer, jobs integer)
language sql volatile security invoker set search_path = ''
as $$
  with ids as (
    select distinct u.id from unnest(p_ids) as u(id) where u.id is not null
  ),
  marked_postings as (
    update public.job_sources s
    set expired_at = now()
    from ids
    where s.provider = p_provider and s.provider_job_id = ids.id and s.expired_at is null
    returning s.job_id
  ),
  marked_jobs as (
    update public.jobs j
    set expired_at = now()
    where j.id in (select job_id from marked_postings) and j.expired_at is null
    returning 1
  )
  select (select count(*) from marked_postings)::integer, (select count(*) from marked_jobs)::integer
$$;

revoke execute on function private.mark_jobs_expired(text, text[])
  from public, anon, authenticated;
grant execute on function private.mark_jobs_expired(text, text[]) to service_role;
