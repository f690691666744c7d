-- ---------------------------------------------------------------------------
-- Storing a batch, with less work per posting (measured: bench/job_upsert.ts; Postgres CPU per
-- batch of compact postings down 8 %, alternating rounds in one process):
--
--   private.job_key  is written with a SQL-standard body (RETURN): bound when it is created, so
--                    it needs no search_path, and without a SET clause the planner inlines it.
--                    With SET it ran as a function call per key, twice per posting.
--   upsert_jobs      looks a posting's URL key and fingerprint key up in job_keys with one join
--                    instead of two (one hash of the table instead of two).
-- ---------------------------------------------------------------------------

create or replace function private.job_key(kind text, value text) returns uuid
language sql immutable parallel safe
return md5(kind || ':' || value)::uuid;

comment on function private.job_key(text, text) is
  'The job_keys key of a URL (''u'') or a fingerprint (''f''): md5 of kind:value as a uuid.';

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
