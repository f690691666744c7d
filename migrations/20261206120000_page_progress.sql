-- ---------------------------------------------------------------------------
-- Every answered page is paid for once:
--
--   api_usage        a call's row is written 'pending' before the request leaves and completed
--                    when the answer arrives; a row left pending by a process that died becomes
--                    'unknown' (possibly billed) through private.expire_pending_usage()
--   fetch_cursors    where each provider's paging of a combination stands, with the exact
--                    endpoint, parameters and window its pages belong to; a page's postings,
--                    the cursor's step past it and its ledger row commit together, so a retry —
--                    after a fault, a crash, a redeploy, by another worker — resumes at the
--                    first page nobody stored, with the same parameters
--   provider_pauses  a provider that stopped (quota spent, budget reached, key refused) is
--                    paused until its reset; only that provider's work waits
--   backfill_tracking.state 'waiting': some providers are done, the others wait for a pause
--                    or a Retry-After to end (next_attempt_at); not a failure, no attempt counted
--   refresh_items.not_before  an item whose page must wait (Retry-After) goes back to pending
--   backfill_waits() / refresh_waits()  what is waiting, why, and until when
-- ---------------------------------------------------------------------------

-- ---- the ledger: a row before the call ------------------------------------------------------

alter table public.api_usage drop constraint api_usage_outcome_check;
alter table public.api_usage add constraint api_usage_outcome_check
  check (outcome in ('pending', 'unknown', 'ok', 'http_error', 'rate_limited', 'quota_exhausted',
                     'timeout', 'network_error', 'invalid_response'));
alter table public.api_usage add column completed_at timestamptz;

comment on column public.api_usage.outcome is
  'pending: the request left and no answer is recorded yet; unknown: it stayed pending (the '
  'process died or lost the database), so it may have been billed. Either way credits holds '
  'what the call costs if billed, so sums never undercount.';

create index api_usage_pending_idx on public.api_usage (called_at) where outcome = 'pending';

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

-- ---- cursors -------------------------------------------------------------------------------

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
  -- the page limit (JSEARCH_MAX_PAGES, ACTIVE_JOBS_MAX_PAGES) ended it on a full page
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

-- ---- backfill: 'waiting' ---------------------------------------------------------------------

alter table public.backfill_tracking drop constraint backfill_tracking_state_check;
alter table public.backfill_tracking add constraint backfill_tracking_state_check
  check (state in ('pending', 'claimed', 'backfilled', 'failed', 'waiting'));

comment on column public.backfill_tracking.state is
  'pending | claimed | backfilled (every provider reached its end) | failed (retried from '
  'next_attempt_at) | waiting (providers_done are stored; the others wait for a provider pause '
  'or a Retry-After to end at next_attempt_at; not a failure)';

drop function public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz,
                                                 integer, text, interval);

-- Records how a claimed combination's attempt went. Every provider done -> 'backfilled'; else,
-- when p_wait_until is given (the providers not done wait for a pause or a Retry-After, none
-- failed) -> 'waiting' until then; else 'failed' with p_error and a backoff of
-- p_retry_base * 4^(attempts-1), at most 6 hours. Returns the state, or 'lost' when the claim is
-- not p_worker's any more.
create function public.finish_backfill_combination(
  p_combination_id bigint,
  p_worker text,
  p_request_id bigint,
  p_providers_done text[],
  p_credits_by_provider jsonb,
  p_fetched_until timestamptz,
  p_days integer,
  p_error text default null,
  p_wait_until timestamptz default null,
  p_retry_base interval default interval '1 minute'
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  bt public.backfill_tracking;
  done text[];
  spent integer;
  jobs integer;
  new_state text;
begin
  select * into bt from public.backfill_tracking
  where id = p_combination_id and state = 'claimed' and claimed_by = p_worker
  for update;
  if not found then
    return 'lost';
  end if;
  done := array(select distinct p from unnest(bt.providers_done || coalesce(p_providers_done, '{}'))
                as p order by p);
  select coalesce(sum(value::integer), 0) into spent
  from jsonb_each_text(coalesce(p_credits_by_provider, '{}'::jsonb));
  select count(*) into jobs from public.combination_jobs c where c.combination_id = bt.id;

  update public.backfill_tracking t
  set state = case when done @> array['active_jobs_db', 'jsearch'] then 'backfilled'
                   when p_wait_until is not null then 'waiting'
                   else 'failed' end,
      providers_done = done, jobs_found = jobs,
      credits_used = t.credits_used + spent,
      credits_by_provider = private.jsonb_add(t.credits_by_provider, p_credits_by_provider),
      -- the earliest moment a provider's part was fetched: the daily refresh starts there
      last_refreshed_at = case when cardinality(done) > cardinality(t.providers_done)
                               then coalesce(t.last_refreshed_at, p_fetched_until)
                               else t.last_refreshed_at end,
      backfilled_date = case when done @> array['active_jobs_db', 'jsearch'] then now()
                             else t.backfilled_date end,
      backfill_request_id = case when done @> array['active_jobs_db', 'jsearch']
                                 then p_request_id else t.backfill_request_id end,
      backfill_days = case when done @> array['active_jobs_db', 'jsearch']
                           then greatest(coalesce(t.backfill_days, 0), p_days)
                           else t.backfill_days end,
      last_error = case when done @> array['active_jobs_db', 'jsearch'] then null
                        else coalesce(nullif(btrim(p_error), ''), 'The backfill did not finish.')
                   end,
      next_attempt_at = case
        when done @> array['active_jobs_db', 'jsearch'] then null
        when p_wait_until is not null then p_wait_until
        else now() + least(interval '6 hours',
                           p_retry_base * power(4, greatest(t.attempts - 1, 0))) end,
      -- a wait is not an attempt: the claim's count is given back
      attempts = case when p_wait_until is not null
                           and not done @> array['active_jobs_db', 'jsearch']
                      then greatest(t.attempts - 1, 0) else t.attempts end,
      request_attempts = case when p_wait_until is not null
                                   and not done @> array['active_jobs_db', 'jsearch']
                              then greatest(t.request_attempts - 1, 0)
                              else t.request_attempts end,
      claimed_at = null, claimed_by = null, claim_expires_at = null
  where t.id = bt.id
  returning t.state into new_state;
  return new_state;
end
$$;

-- The sweep also opens a request for combinations that wait with no open request, as it does
-- for failed ones (see ..._backfill_wakeups.sql; only the state filter changed).
create or replace function private.resend_due_backfills(
  p_resend_after interval default interval '1 minute',
  p_batch integer default 10,
  p_warn_after integer default 5
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  resent integer := 0;
  req record;
begin
  for req in
    select r.id, r.sends from public.backfill_requests r
    where ((r.state = 'pending' and r.not_before <= now())
           or (r.state = 'running' and r.lease_expires_at < now()))
      and coalesce(r.last_sent_at, r.requested_at)
          < now() - p_resend_after * power(2, least(r.sends, 6))
    order by r.not_before, r.id
    limit p_batch
  loop
    if private.invoke_edge_function('backfill', jsonb_build_object('request_id', req.id))
       is not null then
      update public.backfill_requests
      set sends = sends + 1, last_sent_at = now(),
          last_error = case when sends + 1 >= p_warn_after
            then 'The backfill function has not taken this request after ' || (sends + 1)
                 || ' calls: check that it is deployed, that its FUNCTIONS_SECRET equals the '
                 || 'Vault secret functions_secret, and its logs (is RAPIDAPI_KEY set?)'
            else last_error end
      where id = req.id;
      resent := resent + 1;
    end if;
  end loop;

  insert into public.backfill_requests (user_id, requested_by)
  select f.user_id, 'sweep'
  from (
    select distinct on (bt.id) bt.id, q.user_id
    from public.backfill_tracking bt
    join public.user_search_queries q on q.combination_key = bt.combination_key and q.is_active
    where bt.state in ('failed', 'waiting') and coalesce(bt.next_attempt_at, '-infinity') <= now()
      and (bt.state = 'waiting' or bt.attempts < 20)
      and not exists (
        select 1 from public.backfill_requests r
        join public.user_search_queries u on u.user_id = r.user_id and u.is_active
        where u.combination_key = bt.combination_key and r.state in ('pending', 'running'))
    order by bt.id, q.created_at desc
    limit p_batch
  ) f
  group by f.user_id;

  perform private.expire_pending_usage();
  return resent;
end
$$;

-- ---- daily refresh: items that wait --------------------------------------------------------

alter table public.refresh_items add column not_before timestamptz;
comment on column public.refresh_items.not_before is
  'A pending item is not claimed before this (a page that must wait for a Retry-After).';

drop function public.claim_refresh_items(bigint, text, integer, interval, integer);

-- Items for one invocation (see the first definition in ..._daily_refresh.sql); an item whose
-- not_before has not come is left alone.
create function public.claim_refresh_items(
  p_run_id bigint,
  p_worker text,
  p_limit integer default 1,
  p_lease interval default interval '5 minutes',
  p_max_attempts integer default 3
) returns table (
  combination_id bigint,
  title_keyword text,
  location text,
  ai_work_arrangement text,
  ai_employment_type text,
  ai_seniority text,
  ai_industry text,
  users integer,
  since_jsearch timestamptz,
  since_active_jobs_db timestamptz,
  attempts integer
)
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  update public.runs set heartbeat_at = now() where id = p_run_id and status = 'running';
  if not found then
    return;
  end if;
  with dead as (
    update public.refresh_items i
    set state = 'failed', claimed_by = null, claim_expires_at = null, finished_at = now(),
        error = 'The refresh of this combination stopped without finishing ' || i.attempts
                || ' times (the invocation died or hit the Edge limits); see the function logs'
    where i.run_id = p_run_id and i.state = 'claimed' and i.claim_expires_at < now()
      and i.attempts >= p_max_attempts
    returning 1
  )
  update public.runs
  set progress_done = progress_done + (select count(*) from dead),
      stats = private.jsonb_add(stats, jsonb_build_object('combinations_failed',
                                                          (select count(*) from dead)))
  where id = p_run_id and exists (select 1 from dead);

  return query
  with claimed as (
    update public.refresh_items i
    set state = 'claimed', claimed_by = p_worker, claim_expires_at = now() + p_lease,
        attempts = i.attempts + 1, not_before = null
    where (i.run_id, i.combination_id) in (
      select x.run_id, x.combination_id from public.refresh_items x
      where x.run_id = p_run_id
        and ((x.state = 'pending' and coalesce(x.not_before, '-infinity') <= now())
             or (x.state = 'claimed' and x.claim_expires_at < now()))
      order by x.users desc, x.combination_id
      limit greatest(p_limit, 0)
      for update skip locked
    )
    returning i.combination_id, i.users, i.attempts
  )
  select c.combination_id, bt.title_keyword, bt.location, bt.ai_work_arrangement::text,
         bt.ai_employment_type::text, bt.ai_seniority::text, bt.ai_industry::text, c.users,
         coalesce((bt.provider_refreshed_at ->> 'jsearch')::timestamptz, bt.last_refreshed_at,
                  bt.backfilled_date, now() - interval '1 day'),
         coalesce((bt.provider_refreshed_at ->> 'active_jobs_db')::timestamptz,
                  bt.last_refreshed_at, bt.backfilled_date, now() - interval '1 day'),
         c.attempts
  from claimed c join public.backfill_tracking bt on bt.id = c.combination_id
  order by c.users desc, c.combination_id;
end
$$;

-- Puts a claimed item back in line until p_until (a page must wait for a Retry-After); the
-- attempt does not count. p_stats (what the attempt did) is added to the run's stats. Returns
-- false when the item is not p_worker's any more.
create or replace function public.defer_refresh_item(
  p_run_id bigint,
  p_combination_id bigint,
  p_worker text,
  p_until timestamptz,
  p_stats jsonb default '{}'::jsonb,
  p_error text default null
) returns boolean
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  update public.refresh_items
  set state = 'pending', claimed_by = null, claim_expires_at = null, not_before = p_until,
      attempts = greatest(attempts - 1, 0), error = p_error
  where run_id = p_run_id and combination_id = p_combination_id
    and state = 'claimed' and claimed_by = p_worker;
  if not found then
    return false;
  end if;
  update public.runs
  set stats = private.jsonb_add(stats, coalesce(p_stats, '{}'::jsonb)), heartbeat_at = now()
  where id = p_run_id;
  return true;
end
$$;

-- What keeps a running daily run's items from being refreshed now, one row per reason:
-- 'held' (claimed by a live invocation until its claim ends), 'retry' (deferred until
-- not_before), and 'paused' per provider pause (the items skip that provider).
create or replace function public.refresh_waits(p_run_id bigint)
returns table (reason text, until timestamptz, items integer, provider text, detail text)
language sql stable security invoker set search_path = ''
as $$
  select 'held', max(i.claim_expires_at), count(*)::integer, null::text,
         'claimed by ' || string_agg(distinct i.claimed_by, ', ')
  from public.refresh_items i
  where i.run_id = p_run_id and i.state = 'claimed' and i.claim_expires_at >= now()
  having count(*) > 0
  union all
  select 'retry', min(i.not_before), count(*)::integer, null,
         string_agg(distinct i.error, '; ')
  from public.refresh_items i
  where i.run_id = p_run_id and i.state = 'pending' and i.not_before > now()
  having count(*) > 0
  union all
  select 'paused', p.paused_until, null, p.provider, p.reason
  from public.provider_pauses p where p.paused_until > now()
$$;


-- ---- daily refresh: what is due -------------------------------------------------------------

-- Starts the run of the local date of p_at (see ..._daily_refresh.sql). A combination that is
-- 'waiting' (one provider done, the other paused) is refreshed too: the provider that is done
-- must not go stale while the other waits; the paused one is skipped.
-- Its runs row and its work items. Returns the run id,
-- or NULL when the date has its run already (unless p_force: then that run starts over).
create or replace function public.start_daily_refresh(
  p_at timestamptz default now(),
  p_force boolean default false,
  p_triggered_by text default 'manual'
) returns bigint
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  s public.settings;
  local_date date;
  run bigint;
  total integer;
  unbacked integer;
begin
  select * into s from public.settings;
  local_date := (p_at at time zone s.daily_refresh_time_zone)::date;
  insert into public.runs (kind, triggered_by, run_date, stats)
  values ('daily_refresh', p_triggered_by, local_date,
          jsonb_build_object('fired_at', p_at, 'time_zone', s.daily_refresh_time_zone,
                             'local_time', s.daily_refresh_local_time))
  on conflict (run_date) where kind = 'daily_refresh' do nothing
  returning id into run;
  if run is null then
    if not p_force then
      return null;
    end if;
    select id into run from public.runs where kind = 'daily_refresh' and run_date = local_date
    for update;
    -- a run that is still going is joined, not restarted under its own workers
    if exists (select 1 from public.runs where id = run and status = 'running') then
      return run;
    end if;
    delete from public.refresh_items where run_id = run;
    update public.runs
    set status = 'running', finished_at = null, error = null, progress_done = 0,
        heartbeat_at = now(), triggered_by = p_triggered_by,
        stats = jsonb_build_object('fired_at', p_at, 'forced_at', now(),
                                   'time_zone', s.daily_refresh_time_zone,
                                   'local_time', s.daily_refresh_local_time)
    where id = run;
  end if;

  -- the seed's SELECT DISTINCT over active queries; a combination not backfilled yet is the
  -- backfill's to fetch (counted, not refreshed)
  insert into public.refresh_items (run_id, combination_id, users)
  select run, bt.id, count(distinct q.user_id)
  from public.user_search_queries q
  join public.backfill_tracking bt on bt.combination_key = q.combination_key
  where q.is_active and bt.state in ('backfilled', 'waiting')
  group by bt.id;
  get diagnostics total = row_count;
  select count(distinct q.combination_key) into unbacked
  from public.user_search_queries q
  where q.is_active and not exists (select 1 from public.backfill_tracking bt
                                    where bt.combination_key = q.combination_key
                                      and bt.state in ('backfilled', 'waiting'));
  update public.runs
  set progress_total = total,
      stats = stats || jsonb_build_object('combinations_total', total,
                                          'combinations_not_backfilled_yet', unbacked)
  where id = run;
  return run;
end
$$;

-- Queues one more invocation of daily-refresh for a run that still has items nobody holds and
-- that are due (an item waiting for a Retry-After is not).
-- An invocation that stops at its limits calls it, so a long run goes on at once instead of
-- waiting for the sweep. Returns whether a call was queued.
create or replace function public.continue_daily_refresh(p_run_id bigint) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not exists (select 1 from public.refresh_items i
                 where i.run_id = p_run_id and i.state = 'pending'
                   and coalesce(i.not_before, '-infinity') <= now()) then
    return false;
  end if;
  return private.invoke_edge_function('daily-refresh', jsonb_build_object('run_id', p_run_id),
                                      10000) is not null;
exception when others then
  raise warning 'Could not queue the next daily-refresh invocation for run %: %; the sweep will',
    p_run_id, sqlerrm;
  return false;
end
$$;

-- Wakes daily runs whose invocations were lost: running, no heartbeat for p_quiet, and items
-- left that are due (pending and past not_before, or claimed by a worker that died) — or none left but never settled (the last
-- invocation died between its last item and the settle): those are settled here. Returns how
-- many runs were woken or settled.
create or replace function private.resend_stalled_refreshes(
  p_quiet interval default interval '2 minutes',
  p_fan_out integer default 2
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  woken integer := 0;
  r record;
begin
  for r in
    select u.id,
           exists (select 1 from public.refresh_items i where i.run_id = u.id
                   and ((i.state = 'pending' and coalesce(i.not_before, '-infinity') <= now())
                        or i.state = 'claimed')) as open,
           exists (select 1 from public.refresh_items i where i.run_id = u.id
                   and i.state = 'pending' and i.not_before > now()) as later
    from public.runs u
    where u.kind = 'daily_refresh' and u.status = 'running' and u.heartbeat_at < now() - p_quiet
  loop
    if r.later and not r.open then
      continue; -- its items wait for a Retry-After: woken once they are due
    elsif not r.open then
      perform public.settle_daily_refresh(r.id);
    else
      for i in 1 .. p_fan_out loop
        perform private.invoke_edge_function('daily-refresh', jsonb_build_object('run_id', r.id),
                                             10000);
      end loop;
      update public.runs set heartbeat_at = now() where id = r.id;
    end if;
    woken := woken + 1;
  end loop;
  return woken;
end
$$;

-- ---- the ledger in the analytics ------------------------------------------------------------

drop view public.quota_by_month;

-- Quota per provider and month (see ..._analytics_views.sql): 'credits' counts every call at
-- what it costs if billed, pending and unknown ones included, so it never undercounts; those
-- are also shown apart, as possibly billed.
create view public.quota_by_month with (security_invoker = true) as
select u.provider,
       date_trunc('month', u.called_at at time zone 'UTC')::date as month,
       count(*)::integer as calls,
       count(*) filter (where u.outcome not in ('ok', 'pending', 'unknown'))::integer
         as failed_calls,
       sum(u.credits)::integer as credits,
       sum(u.jobs_returned)::integer as jobs_returned,
       case u.provider when 'jsearch' then s.jsearch_monthly_credits
                       when 'active_jobs_db' then s.active_jobs_db_monthly_credits end
         as budget_credits,
       case u.provider when 'active_jobs_db' then s.active_jobs_db_monthly_jobs end as budget_jobs,
       (array_agg(u.quota_requests_remaining order by u.called_at desc)
          filter (where u.quota_requests_remaining is not null))[1] as plan_requests_left,
       (array_agg(u.quota_jobs_remaining order by u.called_at desc)
          filter (where u.quota_jobs_remaining is not null))[1] as plan_jobs_left,
       count(*) filter (where u.outcome = 'pending')::integer as pending_calls,
       count(*) filter (where u.outcome = 'unknown')::integer as unknown_calls,
       coalesce(sum(u.credits) filter (where u.outcome in ('pending', 'unknown')), 0)::integer
         as credits_possibly_billed
from public.api_usage u
left join public.settings s on true
group by u.provider, date_trunc('month', u.called_at at time zone 'UTC'), s.jsearch_monthly_credits,
         s.active_jobs_db_monthly_credits, s.active_jobs_db_monthly_jobs;

comment on view public.quota_by_month is
  'Calls, credits and jobs per provider and month, the budget, what the plan said was left, and '
  'calls whose answer is not recorded (pending, unknown: possibly billed).';

revoke all on public.quota_by_month from anon, authenticated;
grant select on public.quota_by_month to service_role;

revoke execute on function public.open_fetch_cursor(bigint, text, text, text, text, jsonb,
    timestamptz, timestamptz, integer),
  public.advance_fetch_cursor(bigint, text, text, text, integer, integer, text, boolean, boolean,
                              integer, integer),
  public.hold_fetch_cursor(bigint, text, text, text, timestamptz, text),
  public.pause_provider(text, timestamptz, text, text),
  public.active_provider_pauses(),
  public.resume_provider(text),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, timestamptz, interval),
  public.claim_refresh_items(bigint, text, integer, interval, integer),
  public.defer_refresh_item(bigint, bigint, text, timestamptz, jsonb, text),
  public.refresh_waits(bigint)
  from public, anon, authenticated;
grant execute on function public.open_fetch_cursor(bigint, text, text, text, text, jsonb,
    timestamptz, timestamptz, integer),
  public.advance_fetch_cursor(bigint, text, text, text, integer, integer, text, boolean, boolean,
                              integer, integer),
  public.hold_fetch_cursor(bigint, text, text, text, timestamptz, text),
  public.pause_provider(text, timestamptz, text, text),
  public.active_provider_pauses(),
  public.resume_provider(text),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, timestamptz, interval),
  public.claim_refresh_items(bigint, text, integer, interval, integer),
  public.defer_refresh_item(bigint, bigint, text, timestamptz, jsonb, text),
  public.refresh_waits(bigint)
  to service_role;
