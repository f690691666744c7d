-- ---------------------------------------------------------------------------
-- settings: what an operator changes in the SQL editor without a migration. One row.
--   daily refresh        the local time and time zone it runs at (06:00 Europe/Berlin);
--   provider budgets     monthly credits (and Active Jobs DB jobs) each provider may spend
--                        (NULL = only the provider's own quota limits it); every call reserves
--                        its credits first (public.reserve_provider_budget);
--   fair use             new paid combinations one user may cause per local day and month;
--   feed                 when an unseen job leaves the feeds; the expired-postings check;
--   leases               how long a worker holds what it took: past it, another worker takes the
--                        work over (the first one died or hit the Edge limits);
--   attempt limits       how often a piece of work is tried before it fails for good;
--   provider paging      how many pages one combination's fetch may buy from each provider, the
--                        JSearch pages per call, and JSearch's country for locations naming none.
-- The functions read the leases and limits when they run, so a change applies to the next claim;
-- they read the paging columns when an invocation starts, so a change applies to the next one.
-- ---------------------------------------------------------------------------

create table public.settings (
  id boolean primary key default true check (id),
  daily_refresh_local_time time not null default '06:00',
  daily_refresh_time_zone text not null default 'Europe/Berlin',
  jsearch_monthly_credits integer check (jsearch_monthly_credits >= 0),
  active_jobs_db_monthly_credits integer check (active_jobs_db_monthly_credits >= 0),
  active_jobs_db_monthly_jobs integer check (active_jobs_db_monthly_jobs >= 0),
  updated_at timestamptz not null default now(),
  user_daily_new_combinations integer default 5
    check (user_daily_new_combinations >= 0),
  user_monthly_new_combinations integer default 30
    check (user_monthly_new_combinations >= 0),
  feed_stale_after_days integer not null default 30
    check (feed_stale_after_days between 1 and 3650),
  active_jobs_db_expired_enabled boolean not null default false,
  -- leases, in seconds: longer than an Edge invocation (150 s wall clock), so that a live worker
  -- never loses what it holds
  backfill_lease_seconds integer not null default 300
    check (backfill_lease_seconds between 150 and 3600),
  refresh_lease_seconds integer not null default 300
    check (refresh_lease_seconds between 150 and 3600),
  cv_parse_lease_seconds integer not null default 600
    check (cv_parse_lease_seconds between 150 and 3600),
  -- attempt limits
  backfill_max_attempts integer not null default 5
    check (backfill_max_attempts between 1 and 100),
  backfill_max_interruptions integer not null default 5
    check (backfill_max_interruptions between 1 and 100),
  backfill_sweep_max_attempts integer not null default 20
    check (backfill_sweep_max_attempts between 1 and 1000),
  refresh_max_attempts integer not null default 3
    check (refresh_max_attempts between 1 and 100),
  expired_check_max_attempts integer not null default 2
    check (expired_check_max_attempts between 1 and 10),
  cv_parse_max_attempts integer not null default 3
    check (cv_parse_max_attempts between 1 and 100),
  -- provider paging
  jsearch_max_pages integer not null default 30
    check (jsearch_max_pages > 0),
  active_jobs_db_max_pages integer not null default 10
    check (active_jobs_db_max_pages > 0),
  jsearch_pages_per_call integer not null default 10
    check (jsearch_pages_per_call between 1 and 20),
  jsearch_default_country text not null default 'de'
    check (jsearch_default_country ~ '^[A-Za-z]{2}$')
);

comment on table public.settings is
  'One row of operator settings: daily refresh time and zone, monthly provider credit budgets, '
  'fair use, the feed, the leases and attempt limits of the backfill, the daily refresh and CV '
  'parsing, and the provider paging.';
comment on column public.settings.jsearch_monthly_credits is
  'Credits JSearch may spend per calendar month (UTC); NULL = no budget beyond the plan.';
comment on column public.settings.user_daily_new_combinations is
  'New paid combinations one user may cause per local day (NULL = no limit).';
comment on column public.settings.user_monthly_new_combinations is
  'New paid combinations one user may cause per local month (NULL = no limit).';
comment on column public.settings.feed_stale_after_days is
  'A job no provider has listed for this many days leaves the feeds (it stays stored).';
comment on column public.settings.active_jobs_db_expired_enabled is
  'Whether the daily refresh asks Active Jobs DB /active-ats-expired (1 request credit, Ultra '
  'plan or above) which postings expired yesterday, and marks those jobs expired.';
comment on column public.settings.backfill_lease_seconds is
  'Seconds a backfill invocation holds a request and each combination it claimed before another '
  'may take them over; claiming the next combination renews the request''s lease.';
comment on column public.settings.refresh_lease_seconds is
  'Seconds a daily-refresh invocation holds a claimed item before another may take it over.';
comment on column public.settings.cv_parse_lease_seconds is
  'Seconds a CV stays parsing before another cv-ingest call may take it over; the CV sweep sends '
  'it again after as long.';
comment on column public.settings.backfill_max_attempts is
  'Attempts one request makes at a failing combination before the request fails (the '
  'combination stays retryable for later requests).';
comment on column public.settings.backfill_max_interruptions is
  'Times a backfill request''s lease may run out (its invocation died or hit the Edge limits) '
  'before the request fails.';
comment on column public.settings.backfill_sweep_max_attempts is
  'Attempts at a failed combination, over all requests, after which the backfill sweep stops '
  'opening requests for it (a user''s own request still tries it).';
comment on column public.settings.refresh_max_attempts is
  'Times a daily-refresh item''s claim may run out (its invocation died) before the item fails '
  'for that run.';
comment on column public.settings.expired_check_max_attempts is
  'Calls the expired-postings check may make on one daily run: a transient failure is asked '
  'again, later in the run, until this many.';
comment on column public.settings.cv_parse_max_attempts is
  'Parses of one CV (crashed, or failed in a way worth retrying) before it fails for good.';
comment on column public.settings.jsearch_max_pages is
  'Most JSearch pages (10 results each) one combination buys per fetch (backfill or daily '
  'refresh); a fetch that reaches it on a full page stops there. At 10 pages per call, 2 credits '
  'per 10 pages: 30 pages cost at most 6 credits per combination and fetch.';
comment on column public.settings.active_jobs_db_max_pages is
  'Most Active Jobs DB pages (100 results each) one combination buys per fetch (backfill or daily '
  'refresh): 1 request per page plus 1 job credit per posting, so 10 pages cost at most 10 '
  'requests and 1,000 job credits per combination and fetch.';
comment on column public.settings.jsearch_pages_per_call is
  'JSearch num_pages per call, 1 to 20: 1 page costs 1 credit, 2 to 10 pages 2 credits, 11 to 20 '
  'pages 3 credits. Fewer pages per call cost more per result, and lose less to a failed call.';
comment on column public.settings.jsearch_default_country is
  'JSearch country (ISO 3166-1 alpha-2, either case) for a location that names none, and for '
  '"remote"; it costs nothing, but decides which postings the credits buy.';

insert into public.settings default values;

-- A clear message for a time zone Postgres does not know, instead of an error at 06:00.
create or replace function private.check_settings() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.daily_refresh_time_zone)
  then
    raise exception 'Unknown time zone "%": use a name from pg_timezone_names, such as '
      'Europe/Berlin', new.daily_refresh_time_zone using errcode = '22023';
  end if;
  new.updated_at := now();
  return new;
end
$$;

revoke execute on function private.check_settings() from public, anon, authenticated;

create trigger settings_check before insert or update on public.settings
  for each row execute function private.check_settings();

-- The leases and attempt limits of every claim are read from the one row: without it a lease
-- would be now() + NULL and a limit never reached. The row is changed, never removed.
create or replace function private.keep_settings_row() returns trigger
language plpgsql set search_path = ''
as $$
begin
  raise exception 'public.settings holds exactly one row, which every claim reads: change it '
    'with update public.settings set ..., never delete it' using errcode = '55000';
end
$$;

revoke execute on function private.keep_settings_row() from public, anon, authenticated;

create trigger settings_keep_row before delete on public.settings
  for each row execute function private.keep_settings_row();
create trigger settings_keep_row_truncate before truncate on public.settings
  for each statement execute function private.keep_settings_row();

alter table public.settings enable row level security;
revoke all on public.settings from anon, authenticated;
grant all on public.settings to service_role;
