-- ---------------------------------------------------------------------------
-- jobs: one row per real posting, whichever providers returned it.
-- job_sources: one row per provider posting (raw JSON kept).
-- combination_jobs: which search combination found which job.
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

  constraint jobs_fingerprint_unique unique (fingerprint),
  constraint jobs_salary_range check (salary_min is null or salary_max is null
                                      or salary_min <= salary_max)
);

comment on table public.jobs is 'One row per real job posting, deduplicated across providers.';

create index jobs_canonical_url_idx on public.jobs (canonical_url) where canonical_url is not null;
create index jobs_loose_fingerprint_idx on public.jobs (loose_fingerprint)
  where loose_fingerprint is not null;
create index jobs_posted_at_idx on public.jobs (posted_at desc);

create trigger jobs_touch_updated_at before update on public.jobs
  for each row execute function private.touch_updated_at();

create table public.job_sources (
  id bigint generated always as identity primary key,
  job_id bigint not null references public.jobs (id) on delete cascade,
  provider text not null check (provider in ('jsearch', 'active_jobs_db')),
  provider_job_id text not null check (provider_job_id <> ''),
  url text,
  raw jsonb not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  constraint job_sources_provider_job_unique unique (provider, provider_job_id)
);

comment on table public.job_sources is
  'One row per provider posting; several can point at one job. raw keeps the provider record.';

create index job_sources_job_idx on public.job_sources (job_id);

create table public.combination_jobs (
  combination_id bigint not null references public.backfill_tracking (id) on delete cascade,
  job_id bigint not null references public.jobs (id) on delete cascade,
  first_found_at timestamptz not null default now(),
  last_found_at timestamptz not null default now(),
  primary key (combination_id, job_id)
);

comment on table public.combination_jobs is 'Which search combination found which job, and when.';

create index combination_jobs_job_idx on public.combination_jobs (job_id);

alter table public.jobs enable row level security;
alter table public.job_sources enable row level security;
alter table public.combination_jobs enable row level security;

revoke all on public.jobs, public.job_sources, public.combination_jobs from anon, authenticated;
grant select on public.jobs to authenticated;
grant all on public.jobs, public.job_sources, public.combination_jobs to service_role;

-- The ids of the jobs in the calling user's feed: found by a combination that one of the user's
-- active queries uses. SECURITY DEFINER because the link and tracking tables are service-only.
create or replace function private.feed_job_ids() returns setof bigint
language sql stable security definer set search_path = ''
as $$
  select cj.job_id
  from public.user_search_queries q
  join public.backfill_tracking bt on bt.combination_key = q.combination_key
  join public.combination_jobs cj on cj.combination_id = bt.id
  where q.user_id = (select auth.uid()) and q.is_active
$$;
revoke execute on function private.feed_job_ids() from public;
grant execute on function private.feed_job_ids() to authenticated;

create policy "Users read the jobs in their feed" on public.jobs
  for select to authenticated
  using (id in (select private.feed_job_ids()));
