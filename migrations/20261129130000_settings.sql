-- ---------------------------------------------------------------------------
-- settings: what an operator changes in the SQL editor without a migration. One row.
--   daily refresh: the local time and time zone it runs at (06:00 Europe/Berlin);
--   quota budget: monthly credits each provider may spend (NULL = only the provider's own quota
--   limits it). The daily refresh stops a provider before its budget would be exceeded.
-- provider_budget_usage: what has been reserved against the budgets, per provider and month;
-- every provider call reserves its credits first (atomically), so parallel invocations cannot
-- overspend together.
-- provider_rate_slots: the providers' per-second limits, shared by every invocation.
-- ---------------------------------------------------------------------------

create table public.settings (
  id boolean primary key default true check (id),
  daily_refresh_local_time time not null default '06:00',
  daily_refresh_time_zone text not null default 'Europe/Berlin',
  jsearch_monthly_credits integer check (jsearch_monthly_credits >= 0),
  active_jobs_db_monthly_credits integer check (active_jobs_db_monthly_credits >= 0),
  active_jobs_db_monthly_jobs integer check (active_jobs_db_monthly_jobs >= 0),
  updated_at timestamptz not null default now()
);

comment on table public.settings is
  'One row of operator settings: daily refresh time and zone, monthly provider credit budgets.';
comment on column public.settings.jsearch_monthly_credits is
  'Credits JSearch may spend per calendar month (UTC); NULL = no budget beyond the plan.';

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

create trigger settings_check before insert or update on public.settings
  for each row execute function private.check_settings();

create table public.provider_budget_usage (
  provider text not null check (provider in ('jsearch', 'active_jobs_db')),
  -- the first day of the calendar month (UTC) the credits count against
  month date not null,
  credits integer not null default 0 check (credits >= 0),
  jobs integer not null default 0 check (jobs >= 0),
  updated_at timestamptz not null default now(),
  primary key (provider, month)
);

comment on table public.provider_budget_usage is
  'Credits and jobs reserved per provider and month against settings budgets.';

-- Reserves a call's credits (and Active Jobs DB jobs) against this month's budget. Returns the
-- month (UTC) the reservation counts in — to release against the same month, even across
-- midnight on the 1st — or NULL, reserving nothing, when the call would exceed a budget.
create or replace function public.reserve_provider_budget(
  p_provider text,
  p_credits integer,
  p_jobs integer default 0
) returns date
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  s public.settings;
  this_month date := date_trunc('month', now() at time zone 'UTC')::date;
  budget_credits integer;
  budget_jobs integer;
  reserved date;
begin
  select * into s from public.settings;
  budget_credits := case p_provider when 'jsearch' then s.jsearch_monthly_credits
                                    else s.active_jobs_db_monthly_credits end;
  budget_jobs := case p_provider when 'active_jobs_db' then s.active_jobs_db_monthly_jobs end;
  insert into public.provider_budget_usage (provider, month) values (p_provider, this_month)
  on conflict do nothing;
  update public.provider_budget_usage u
  set credits = u.credits + greatest(p_credits, 0), jobs = u.jobs + greatest(p_jobs, 0),
      updated_at = now()
  where u.provider = p_provider and u.month = this_month
    and (budget_credits is null or u.credits + greatest(p_credits, 0) <= budget_credits)
    and (budget_jobs is null or u.jobs + greatest(p_jobs, 0) <= budget_jobs)
  returning u.month into reserved;
  return reserved;
end
$$;

-- Gives back what a call reserved in p_month but did not spend (a failed call, fewer jobs than
-- a page).
create or replace function public.release_provider_budget(
  p_provider text,
  p_month date,
  p_credits integer,
  p_jobs integer default 0
) returns void
language sql volatile security invoker set search_path = ''
as $$
  update public.provider_budget_usage u
  set credits = greatest(u.credits - greatest(p_credits, 0), 0),
      jobs = greatest(u.jobs - greatest(p_jobs, 0), 0), updated_at = now()
  where u.provider = p_provider and u.month = p_month
$$;

-- The provider's rate limit across every invocation at once (RapidAPI counts per key, not per
-- process): each call takes the next start slot, p_interval_ms after the previous one. Returns
-- how long to wait before calling, in ms (0 = now). One atomic update per call.
create table public.provider_rate_slots (
  provider text primary key check (provider in ('jsearch', 'active_jobs_db')),
  next_at timestamptz not null default now()
);

comment on table public.provider_rate_slots is
  'The next free call slot per provider, shared by every invocation (the RapidAPI rate limit).';

insert into public.provider_rate_slots (provider) values ('jsearch'), ('active_jobs_db');

create or replace function public.take_provider_slot(p_provider text, p_interval_ms double precision)
returns double precision
language sql volatile security invoker set search_path = ''
as $$
  with slot as (
    select next_at from public.provider_rate_slots where provider = p_provider for update
  ),
  taken as (
    update public.provider_rate_slots r
    set next_at = greatest(s.next_at, clock_timestamp())
                  + make_interval(secs => p_interval_ms / 1000.0)
    from slot s
    where r.provider = p_provider
    returning greatest(s.next_at, clock_timestamp()) as start_at
  )
  select greatest(0, extract(epoch from (start_at - clock_timestamp())) * 1000)::double precision
  from taken
$$;

alter table public.settings enable row level security;
alter table public.provider_budget_usage enable row level security;
alter table public.provider_rate_slots enable row level security;
revoke all on public.settings, public.provider_budget_usage, public.provider_rate_slots
  from anon, authenticated;
grant all on public.settings, public.provider_budget_usage, public.provider_rate_slots
  to service_role;

revoke execute on function private.check_settings() from public, anon, authenticated;
revoke execute on function public.reserve_provider_budget(text, integer, integer),
  public.release_provider_budget(text, date, integer, integer),
  public.take_provider_slot(text, double precision) from public, anon, authenticated;
grant execute on function public.reserve_provider_budget(text, integer, integer),
  public.release_provider_budget(text, date, integer, integer),
  public.take_provider_slot(text, double precision) to service_role;
