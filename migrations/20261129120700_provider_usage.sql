-- ---------------------------------------------------------------------------
-- What the paid providers cost and where each fetch stands, shared by every invocation:
--   api_usage              one row per provider call, written 'pending' before the request
--                          leaves and completed when the answer arrives; a row left pending by a
--                          process that died becomes 'unknown' (possibly billed) through
--                          private.expire_pending_usage()
--   provider_budget_usage  credits and jobs reserved per provider and month against the budgets
--                          in settings; every call reserves first (atomically), so parallel
--                          invocations cannot overspend together
--   provider_rate_slots    the providers' per-second limits
--   provider_pauses        a provider that stopped (quota spent, budget reached, key refused) is
--                          paused until its reset; only that provider's work waits
--   fetch_cursors          where each provider's paging of a combination stands, with the exact
--                          endpoint, parameters and window its pages belong to; a page's
--                          postings, the cursor's step past it and its ledger row commit
--                          together, so a retry — after a fault, a crash, a redeploy, by another
--                          worker — resumes at the first page nobody stored, with the same
--                          parameters
-- ---------------------------------------------------------------------------

create table public.api_usage (
  id bigint generated always as identity primary key,
  run_id bigint references public.runs (id) on delete set null,
  combination_id bigint references public.backfill_tracking (id) on delete set null,
  provider text not null check (provider in ('jsearch', 'active_jobs_db', 'anthropic')),
  endpoint text not null,
  -- request parameters without the key
  params jsonb not null default '{}'::jsonb,
  http_status integer,
  outcome text not null
    check (outcome in ('pending', 'unknown', 'ok', 'http_error', 'rate_limited',
                       'quota_exhausted', 'timeout', 'network_error', 'invalid_response')),
  error text,
  credits integer not null default 0 check (credits >= 0),
  jobs_returned integer not null default 0 check (jobs_returned >= 0),
  quota_requests_limit integer,
  quota_requests_remaining integer,
  quota_jobs_limit integer,
  quota_jobs_remaining integer,
  quota_reset_seconds integer,
  duration_ms integer check (duration_ms >= 0),
  called_at timestamptz not null default now(),
  completed_at timestamptz,
  constraint api_usage_params_has_no_key
    check (not (params ?| array['x-rapidapi-key', 'X-RapidAPI-Key', 'rapidapi_key', 'api_key']))
);

comment on table public.api_usage is
  'Usage and quota ledger: every provider call with its credits and the quota headers seen.';
comment on column public.api_usage.outcome is
  'pending: the request left and no answer is recorded yet; unknown: it stayed pending (the '
  'process died or lost the database), so it may have been billed. Either way credits holds '
  'what the call costs if billed, so sums never undercount.';

create index api_usage_provider_called_idx on public.api_usage (provider, called_at);
create index api_usage_run_idx on public.api_usage (run_id);

create index api_usage_pending_idx on public.api_usage (called_at) where outcome = 'pending';

alter table public.api_usage enable row level security;
revoke all on public.api_usage from anon, authenticated;
grant all on public.api_usage to service_role;

-- Rows still pending after p_older_than belong to a process that died (a call lasts at most
-- PROVIDER_TIMEOUT_MS, and its page's transaction retries for at most a minute more): they
-- become 'unknown', possibly billed. Returns how many.
create or replace function private.expire_pending_usage(
  p_older_than interval default interval '10 minutes'
) returns integer
language sql volatile security definer set search_path = ''
as $$
  with expired as (
    update public.api_usage
    set outcome = 'unknown', completed_at = now(),
        error = 'No answer was recorded: the process died or lost the database while the '
                || 'call was out. Counted as possibly billed.'
    where outcome = 'pending' and called_at < now() - p_older_than
    returning 1
  )
  select count(*)::integer from expired
$$;

revoke execute on function private.expire_pending_usage(interval)
  from public, anon, authenticated;
grant execute on function private.expire_pending_usage(interval) to service_role;

-- ---- budgets and rate ------------------------------------------------------------------------

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
-- process): each call takes the next start slot, p_interval_ms after the previous one.
create table public.provider_rate_slots (
  provider text primary key check (provider in ('jsearch', 'active_jobs_db')),
  next_at timestamptz not null default now()
);

comment on table public.provider_rate_slots is
  'The next free call slot per provider, shared by every invocation (the RapidAPI rate limit).';

insert into public.provider_rate_slots (provider) values ('jsearch'), ('active_jobs_db');

-- Returns how long to wait before calling, in ms (0 = now). One atomic update per call.
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

alter table public.provider_budget_usage enable row level security;
alter table public.provider_rate_slots enable row level security;
revoke all on public.provider_budget_usage, public.provider_rate_slots from anon, authenticated;
grant all on public.provider_budget_usage, public.provider_rate_slots to service_role;

revoke execute on function public.reserve_provider_budget(text, integer, integer),
  public.release_provider_budget(text, date, integer, integer),
  public.take_provider_slot(text, double precision) from public, anon, authenticated;
grant execute on function public.reserve_provider_budget(text, integer, integer),
  public.release_provider_budget(text, date, integer, integer),
  public.take_provider_slot(text, double precision) to service_role;

-- ---- provider pauses -------------------------------------------------------------------------

create table public.provider_pauses (
  provider text primary key check (provider in ('jsearch', 'active_jobs_db')),
  paused_until timestamptz not null,
  -- quota_exhausted | budget_exhausted | http_error (key refused, endpoint missing)
  outcome text not null,
  reason text not null,
  paused_at timestamptz not null default now()
);

comment on table public.provider_pauses is
  'A provider that stopped (quota spent, budget reached, key refused) and until when nobody '
  'calls it. select public.resume_provider(provider) resumes it early (after raising a budget, '
  'fixing the key).';

alter table public.provider_pauses enable row level security;
revoke all on public.provider_pauses from anon, authenticated;
grant all on public.provider_pauses to service_role;

-- Pauses a provider until p_until (a later pause wins; an earlier one never shortens it).
create or replace function public.pause_provider(
  p_provider text,
  p_until timestamptz,
  p_outcome text,
  p_reason text
) returns timestamptz
language sql volatile security invoker set search_path = ''
as $$
  insert into public.provider_pauses as p (provider, paused_until, outcome, reason)
  values (p_provider, p_until, p_outcome, p_reason)
  on conflict (provider) do update
  set paused_until = case when p.paused_until > now()
                          then greatest(p.paused_until, excluded.paused_until)
                          else excluded.paused_until end,
      outcome = excluded.outcome, reason = excluded.reason, paused_at = now()
  returning paused_until
$$;

-- The providers paused now.
create or replace function public.active_provider_pauses()
returns setof public.provider_pauses
language sql stable security invoker set search_path = ''
as $$
  select * from public.provider_pauses where paused_until > now() order by provider
$$;

-- Resumes a paused provider now (after raising its budget or fixing the key): the pause goes,
-- and the combinations and requests that waited for it are due at once. A combination that
-- also waits for a Retry-After is claimed and waits again: its cursor keeps the time. Returns
-- how many combinations were woken.
create or replace function public.resume_provider(p_provider text) returns integer
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  woken integer;
begin
  delete from public.provider_pauses where provider = p_provider;
  update public.backfill_tracking
  set next_attempt_at = now()
  where state = 'waiting' and next_attempt_at > now() and not (p_provider = any (providers_done));
  get diagnostics woken = row_count;
  update public.backfill_requests r
  set not_before = now()
  where r.state = 'pending' and r.not_before > now()
    and exists (select 1 from private.user_combination_keys(r.user_id) k(combination_key)
                join public.backfill_tracking bt on bt.combination_key = k.combination_key
                where bt.state = 'waiting' and bt.next_attempt_at <= now());
  return woken;
end
$$;

revoke execute on function public.pause_provider(text, timestamptz, text, text),
  public.active_provider_pauses(),
  public.resume_provider(text)
  from public, anon, authenticated;
grant execute on function public.pause_provider(text, timestamptz, text, text),
  public.active_provider_pauses(),
  public.resume_provider(text)
  to service_role;

-- ---- cursors ---------------------------------------------------------------------------------

create table public.fetch_cursors (
  combination_id bigint not null references public.backfill_tracking (id) on delete cascade,
  provider text not null check (provider in ('jsearch', 'active_jobs_db')),
  purpose text not null check (purpose in ('backfill', 'refresh')),
  -- the fetch this cursor belongs to: 'days:30' (a backfill's period) or 'run:17' (a daily
  -- run); a fetch for another owner starts a new cursor
  owner text not null,
  endpoint text not null,
  -- every parameter of the fetch except the page (JSearch `page`, Active Jobs DB `offset`)
  params jsonb not null,
  window_since timestamptz not null,
  window_until timestamptz not null,
  -- the next page to ask for: JSearch's `page` (from 1), Active Jobs DB's `offset` (from 0)
  next_page integer not null check (next_page >= 0),
  -- the first record id of the last stored page: a provider that ignores paging is noticed
  previous_first_id text,
  pages integer not null default 0 check (pages >= 0),
  postings integer not null default 0 check (postings >= 0),
  credits integer not null default 0 check (credits >= 0),
  done boolean not null default false,
  -- the page limit (settings.jsearch_max_pages, active_jobs_db_max_pages) ended it on a full page
  truncated boolean not null default false,
  -- a Retry-After longer than a worker waits: the next page is not asked for before this
  not_before timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (combination_id, provider, purpose, owner),
  constraint fetch_cursors_params_has_no_key
    check (not (params ?| array['x-rapidapi-key', 'X-RapidAPI-Key', 'rapidapi_key', 'api_key']))
);

comment on table public.fetch_cursors is
  'Per combination, provider, purpose and owner (the fetch): the next page to fetch, with the '
  'exact parameters and window of that fetch. Advanced in the transaction that stores the page.';

alter table public.fetch_cursors enable row level security;
revoke all on public.fetch_cursors from anon, authenticated;
grant all on public.fetch_cursors to service_role;

-- The cursor of a fetch (p_owner): the stored one — a retry resumes it with its own parameters
-- and window — else a new one at p_first_page with the given plan. One statement decides, so
-- two workers opening at once get the same cursor. Fetches of the same part by other owners
-- (another period, an earlier daily run) keep their cursors until they are done or a week old.
create or replace function public.open_fetch_cursor(
  p_combination_id bigint,
  p_provider text,
  p_purpose text,
  p_owner text,
  p_endpoint text,
  p_params jsonb,
  p_since timestamptz,
  p_until timestamptz,
  p_first_page integer
) returns public.fetch_cursors
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  cursor_row public.fetch_cursors;
begin
  delete from public.fetch_cursors c
  where c.combination_id = p_combination_id and c.provider = p_provider
    and c.purpose = p_purpose and c.owner <> p_owner
    and (c.done or c.updated_at < now() - interval '7 days');
  insert into public.fetch_cursors as c (combination_id, provider, purpose, owner, endpoint,
    params, window_since, window_until, next_page)
  values (p_combination_id, p_provider, p_purpose, p_owner, p_endpoint, p_params, p_since,
          p_until, p_first_page)
  on conflict (combination_id, provider, purpose, owner) do update set updated_at = c.updated_at
  returning c.* into cursor_row;
  return cursor_row;
end
$$;

-- Steps the cursor past a stored page, in the page's transaction. Only from p_page: when
-- another worker moved it meanwhile, nothing changes and this returns false (the caller rolls
-- the page back; that worker stored it).
create or replace function public.advance_fetch_cursor(
  p_combination_id bigint,
  p_provider text,
  p_purpose text,
  p_owner text,
  p_page integer,
  p_next_page integer,
  p_first_id text,
  p_done boolean,
  p_truncated boolean,
  p_postings integer,
  p_credits integer
) returns boolean
language sql volatile security invoker set search_path = ''
as $$
  with moved as (
    update public.fetch_cursors
    set next_page = p_next_page, previous_first_id = p_first_id, done = p_done,
        truncated = p_truncated, pages = pages + 1, postings = postings + p_postings,
        credits = credits + p_credits, not_before = null, last_error = null, updated_at = now()
    where combination_id = p_combination_id and provider = p_provider and purpose = p_purpose
      and owner = p_owner and next_page = p_page and not done
    returning 1
  )
  select exists (select 1 from moved)
$$;

-- Records why the cursor's next page was not stored, and (for a Retry-After longer than a
-- worker waits) the time before which it is not asked for.
create or replace function public.hold_fetch_cursor(
  p_combination_id bigint,
  p_provider text,
  p_purpose text,
  p_owner text,
  p_not_before timestamptz,
  p_error text
) returns void
language sql volatile security invoker set search_path = ''
as $$
  update public.fetch_cursors
  set not_before = p_not_before, last_error = p_error, updated_at = now()
  where combination_id = p_combination_id and provider = p_provider and purpose = p_purpose
    and owner = p_owner and not done
$$;

revoke execute on function public.open_fetch_cursor(bigint, text, text, text, text, jsonb,
    timestamptz, timestamptz, integer),
  public.advance_fetch_cursor(bigint, text, text, text, integer, integer, text, boolean, boolean,
                              integer, integer),
  public.hold_fetch_cursor(bigint, text, text, text, timestamptz, text)
  from public, anon, authenticated;
grant execute on function public.open_fetch_cursor(bigint, text, text, text, text, jsonb,
    timestamptz, timestamptz, integer),
  public.advance_fetch_cursor(bigint, text, text, text, integer, integer, text, boolean, boolean,
                              integer, integer),
  public.hold_fetch_cursor(bigint, text, text, text, timestamptz, text)
  to service_role;
