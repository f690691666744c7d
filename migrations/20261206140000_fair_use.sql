-- ---------------------------------------------------------------------------
-- Fair use of the shared quota: one user cannot spend everybody's credits.
--
--   settings.user_daily_new_combinations / user_monthly_new_combinations
--                    how many new paid combinations (ones nobody has claimed yet, which need a
--                    fresh backfill) one user may cause per local day and month (the settings'
--                    time zone); NULL = no limit. A combination somebody already claimed or
--                    backfilled costs nothing and never counts.
--   backfill_tracking.first_requested_by / first_claimed_at
--                    who caused a combination's first fetch, and when (set by its first claim)
--   private.new_combination_allowance(user)  what is left, and when it comes back
--   claim / settle   a new combination over the allowance is not claimed: the search is saved
--                    and waits (the request is pending until the allowance resets; the daily
--                    refresh covers it once anybody's search holds it)
--   public.user_credit_usage  each user's combinations and credits caused, today and this month
-- ---------------------------------------------------------------------------

alter table public.settings
  add column user_daily_new_combinations integer default 5
    check (user_daily_new_combinations >= 0),
  add column user_monthly_new_combinations integer default 30
    check (user_monthly_new_combinations >= 0);
comment on column public.settings.user_daily_new_combinations is
  'New paid combinations one user may cause per local day (NULL = no limit).';
comment on column public.settings.user_monthly_new_combinations is
  'New paid combinations one user may cause per local month (NULL = no limit).';

alter table public.backfill_tracking
  add column first_requested_by uuid references auth.users (id) on delete set null,
  add column first_claimed_at timestamptz;
comment on column public.backfill_tracking.first_requested_by is
  'The user whose request first claimed this combination: who caused its first, paid fetch.';
create index backfill_tracking_first_requested_idx
  on public.backfill_tracking (first_requested_by, first_claimed_at)
  where first_requested_by is not null;

-- What is left of a user's allowance of new paid combinations: today, this month, the smaller
-- of the two (remaining; 2147483647 when there is no limit), and when a spent allowance comes
-- back (the next local midnight, or the next month when the monthly one is spent).
create or replace function private.new_combination_allowance(p_user_id uuid)
returns table (left_today integer, left_month integer, remaining integer, resets_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  with b as (
    select s.user_daily_new_combinations as per_day, s.user_monthly_new_combinations as per_month,
           date_trunc('day', now() at time zone s.daily_refresh_time_zone)
             at time zone s.daily_refresh_time_zone as day_start,
           (date_trunc('day', now() at time zone s.daily_refresh_time_zone) + interval '1 day')
             at time zone s.daily_refresh_time_zone as next_day,
           date_trunc('month', now() at time zone s.daily_refresh_time_zone)
             at time zone s.daily_refresh_time_zone as month_start,
           (date_trunc('month', now() at time zone s.daily_refresh_time_zone) + interval '1 month')
             at time zone s.daily_refresh_time_zone as next_month
    from public.settings s
  ),
  used as (
    select b.*,
           (select count(*) from public.backfill_tracking t
            where t.first_requested_by = p_user_id and t.first_claimed_at >= b.day_start)::integer
             as today,
           (select count(*) from public.backfill_tracking t
            where t.first_requested_by = p_user_id and t.first_claimed_at >= b.month_start)::integer
             as month
    from b
  )
  select per_day - today, per_month - month,
         least(coalesce(per_day - today, 2147483647), coalesce(per_month - month, 2147483647)),
         case when per_month is not null and per_month - month <= 0 then next_month
              when per_day is not null and per_day - today <= 0 then next_day end
  from used
$$;

-- The signed-in user's own allowance (the searches function and the page read it).
create or replace function private.my_new_search_allowance()
returns table (left_today integer, left_month integer, remaining integer, resets_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  select * from private.new_combination_allowance(auth.uid()) where auth.uid() is not null
$$;

revoke execute on function private.new_combination_allowance(uuid),
  private.my_new_search_allowance() from public, anon, authenticated;
grant execute on function private.new_combination_allowance(uuid) to service_role;
grant execute on function private.my_new_search_allowance() to authenticated, service_role;

drop function if exists public.claim_backfill_combinations(bigint, text, integer, interval,
                                                           integer);

-- Claims up to p_limit of the request's combinations for p_worker (see the first definition in
-- ..._backfill_claims.sql). Claimable: pending — a combination nobody has claimed yet (a new
-- paid one) only while the user's allowance has room (private.new_combination_allowance); it is
-- then counted as caused by this user —; failed and due, unless this request tried it
-- p_max_attempts times; waiting and due (not an attempt of this request's); claimed by a worker
-- that died; backfilled over a shorter period than this request asks for. The allowance is
-- checked per statement: the backfill claims one combination at a time.
create function public.claim_backfill_combinations(
  p_request_id bigint,
  p_worker text,
  p_limit integer default 1,
  p_lease interval default interval '5 minutes',
  p_max_attempts integer default 5
) returns setof public.backfill_tracking
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  days integer;
  new_left integer;
begin
  select * into req from public.backfill_requests where id = p_request_id;
  if not found or req.state <> 'running' or req.claimed_by is distinct from p_worker then
    return;
  end if;
  days := coalesce(req.days, 30);
  -- one claim of this user's at a time reads and spends their allowance (a user can have
  -- several requests open: a CV's, an edit's, the sweep's)
  perform pg_advisory_xact_lock(hashtextextended('allowance:' || req.user_id::text, 0));
  select remaining into new_left from private.new_combination_allowance(req.user_id);

  insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement,
    ai_employment_type, ai_seniority, ai_industry)
  select q.title_keyword, q.location, q.ai_work_arrangement, q.ai_employment_type,
         q.ai_seniority, q.ai_industry
  from (
    select distinct on (q.combination_key) q.*
    from public.user_search_queries q
    where q.user_id = req.user_id and q.is_active
      and not exists (select 1 from public.backfill_tracking t
                      where t.combination_key = q.combination_key)
    order by q.combination_key
  ) q
  order by q.combination_key
  on conflict on constraint backfill_tracking_combination_unique do nothing;

  update public.backfill_requests
  set lease_expires_at = greatest(lease_expires_at, now() + p_lease)
  where id = req.id and state = 'running' and claimed_by = p_worker;
  update public.runs set heartbeat_at = now() where id = req.run_id;

  return query
  update public.backfill_tracking bt
  set state = 'claimed', claimed_by = p_worker, claimed_at = now(),
      claim_expires_at = now() + p_lease, attempts = bt.attempts + 1,
      providers_done = case when bt.state = 'backfilled' then '{}' else bt.providers_done end,
      request_attempts = case when bt.state = 'waiting' then bt.request_attempts
                              when bt.attempted_by_request = req.id
                              then bt.request_attempts + 1 else 1 end,
      attempted_by_request = case when bt.state = 'waiting' then bt.attempted_by_request
                                  else req.id end,
      first_requested_by = coalesce(bt.first_requested_by,
        case when bt.state = 'pending' and bt.attempts = 0 then req.user_id end),
      first_claimed_at = coalesce(bt.first_claimed_at,
        case when bt.state = 'pending' and bt.attempts = 0 then now() end)
  where bt.id in (
    select t.id from public.backfill_tracking t
    where t.combination_key in (select private.user_combination_keys(req.user_id))
      and ((t.state = 'pending' and (t.attempts > 0 or new_left > 0))
           or (t.state = 'failed' and coalesce(t.next_attempt_at, '-infinity') <= now()
               and not (t.attempted_by_request = req.id
                        and t.request_attempts >= p_max_attempts))
           or (t.state = 'waiting' and coalesce(t.next_attempt_at, '-infinity') <= now())
           or (t.state = 'claimed' and t.claim_expires_at < now())
           or (t.state = 'backfilled' and coalesce(t.backfill_days, 30) < days))
    order by t.id
    limit greatest(p_limit, 0)
    for update skip locked
  )
  returning bt.*;
end
$$;

drop function if exists public.settle_backfill_request(bigint, text, integer, interval, boolean,
                                                       timestamptz, text);
drop function if exists public.settle_backfill_request(bigint, text, integer, interval, boolean);

-- Decides what is left of a request after an invocation, and releases it (see the first
-- definition in ..._backfill_claims.sql): 'continue' (claimable now: pending at once, the next
-- invocation queued when p_chain), 'waiting' (held by other workers, failed and waiting for
-- its retry time, or waiting for a provider pause or a Retry-After: pending from the earliest
-- of those), 'done', 'failed', or 'lost'. Every call writes the run's counts.
create function public.settle_backfill_request(
  p_request_id bigint,
  p_worker text,
  p_max_attempts integer default 5,
  p_poll interval default interval '15 seconds',
  p_chain boolean default true
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  days integer;
  c record;
  outcome text;
  allowance record;
begin
  select * into req from public.backfill_requests where id = p_request_id for update;
  if not found or req.state <> 'running' or req.claimed_by is distinct from p_worker then
    return 'lost';
  end if;
  days := coalesce(req.days, 30);
  select * into allowance from private.new_combination_allowance(req.user_id);

  select
    count(*)::integer as total,
    count(*) filter (where x.covered)::integer as backfilled,
    count(*) filter (where x.covered
                       and x.backfill_request_id is distinct from req.id)::integer as skipped,
    coalesce(sum(x.credits_used) filter (
      where x.covered and x.backfill_request_id is distinct from req.id), 0)::integer as saved,
    count(*) filter (where x.id is null
                       or (x.state = 'pending' and (x.attempts > 0 or allowance.remaining > 0))
                       or (x.state = 'claimed' and x.claim_expires_at < now())
                       or (x.state in ('failed', 'waiting') and not x.given_up
                           and coalesce(x.next_attempt_at, '-infinity') <= now())
                       or (x.state = 'backfilled' and not x.covered))::integer as claimable,
    count(*) filter (where x.state = 'claimed' and x.claim_expires_at >= now())::integer
      as elsewhere,
    count(*) filter (where x.state = 'failed' and not x.given_up
                       and x.next_attempt_at > now())::integer as retry_later,
    count(*) filter (where x.state = 'waiting' and x.next_attempt_at > now())::integer
      as waiting,
    count(*) filter (where x.given_up)::integer as given_up,
    count(*) filter (where x.state = 'pending' and x.attempts = 0
                       and allowance.remaining <= 0)::integer as over_allowance,
    min(x.next_attempt_at) filter (where x.state in ('failed', 'waiting') and not x.given_up
                                     and x.next_attempt_at > now()) as next_retry,
    string_agg(x.title_keyword || ' in ' || x.location || ': ' || x.last_error, '; '
               order by x.id) filter (where x.given_up) as failures,
    string_agg(x.title_keyword || ' in ' || x.location || ': ' || x.last_error, '; '
               order by x.id) filter (where x.state in ('failed', 'waiting')
                                        and not x.given_up) as retrying
  into c
  from (
    select bt.*,
           bt.state = 'backfilled' and coalesce(bt.backfill_days, 30) >= days as covered,
           coalesce(bt.state = 'failed' and bt.attempted_by_request = req.id
                    and bt.request_attempts >= p_max_attempts, false) as given_up
    from private.user_combination_keys(req.user_id) k(combination_key)
    left join public.backfill_tracking bt on bt.combination_key = k.combination_key
  ) x;

  update public.runs
  set progress_total = c.total, progress_done = c.backfilled + c.given_up, heartbeat_at = now(),
      stats = stats || jsonb_build_object(
        'combinations_total', c.total,
        'combinations_skipped', c.skipped,
        'combinations_backfilled', c.backfilled - c.skipped,
        'combinations_failed', c.given_up,
        'combinations_waiting', c.elsewhere + c.retry_later + c.waiting + c.over_allowance,
        'combinations_waiting_for_provider', c.waiting,
        'combinations_over_allowance', c.over_allowance,
        'credits_saved', c.saved)
  where id = req.run_id;

  if c.claimable > 0 then
    outcome := 'continue';
    update public.backfill_requests
    set state = 'pending', not_before = now(), claimed_by = null, lease_expires_at = null
    where id = req.id;
    if p_chain then
      begin
        perform private.invoke_edge_function('backfill',
                                             jsonb_build_object('request_id', req.id));
      exception when others then
        raise warning 'Could not queue the next backfill invocation (%); the sweep will', sqlerrm;
      end;
    end if;
  elsif c.elsewhere > 0 or c.retry_later > 0 or c.waiting > 0 or c.over_allowance > 0 then
    outcome := 'waiting';
    update public.backfill_requests
    set state = 'pending', claimed_by = null, lease_expires_at = null,
        not_before = least(case when c.elsewhere > 0 then now() + p_poll end, c.next_retry,
                           case when c.over_allowance > 0 then allowance.resets_at end),
        last_error = concat_ws('; ',
          case when c.retry_later + c.waiting > 0 then 'Waiting: ' || c.retrying end,
          case when c.over_allowance > 0
               then c.over_allowance || ' new search(es) wait for the user''s allowance of new '
                    || 'searches, until ' || to_char(allowance.resets_at at time zone 'UTC',
                                                     'YYYY-MM-DD HH24:MI "UTC"') end)
    where id = req.id;
  else
    outcome := case when c.given_up > 0 then 'failed' else 'done' end;
    update public.backfill_requests
    set state = outcome, finished_at = now(), claimed_by = null, lease_expires_at = null,
        last_error = case when c.given_up > 0
                          then c.given_up || ' combination(s) failed ' || p_max_attempts
                               || ' times: ' || c.failures end
    where id = req.id;
    update public.runs
    set status = case when c.given_up = 0 then 'succeeded'
                      when c.backfilled > 0 then 'partial' else 'failed' end,
        finished_at = now(),
        error = case when c.given_up > 0 then c.given_up || ' combination(s) failed: '
                                              || c.failures end
    where id = req.run_id and status = 'running';
  end if;
  return outcome;
end
$$;

-- What keeps open backfill requests from running now, and until when, one row per reason:
--   'held'    leased to a live invocation (worker) until the lease ends;
--   'paused'  a combination waits for a paused provider (its quota, budget or key) until then;
--   'retry'   a combination waits to retry (after a failure, a Retry-After, another worker's
--             claim) until then;
--   'allowance'  new combinations wait for the user's allowance of new paid searches.
-- Requests due now are not listed: an invocation takes them.
create or replace function public.backfill_waits()
returns table (request_id bigint, user_id uuid, reason text, until timestamptz,
               provider text, worker text, detail text)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.user_id, 'held', r.lease_expires_at, null::text, r.claimed_by,
         'leased to ' || r.claimed_by
  from public.backfill_requests r
  where r.state = 'running' and r.lease_expires_at >= now()
  union all
  select r.id, r.user_id, w.reason, w.until, w.provider, null, w.detail
  from public.backfill_requests r
  cross join lateral (
    select case when p.provider is not null then 'paused' else 'retry' end as reason,
           coalesce(p.paused_until, bt.next_attempt_at) as until, p.provider,
           case when p.provider is not null then p.reason
                else bt.title_keyword || ' in ' || bt.location || ': '
                     || coalesce(bt.last_error, bt.state) end as detail
    from private.user_combination_keys(r.user_id) k(combination_key)
    join public.backfill_tracking bt on bt.combination_key = k.combination_key
    left join public.provider_pauses p
      on bt.state = 'waiting' and p.paused_until > now()
         and not (p.provider = any (bt.providers_done))
    where bt.state in ('failed', 'waiting') and bt.next_attempt_at > now()
    union all
    select 'retry', bt.claim_expires_at, null, bt.title_keyword || ' in ' || bt.location
                                                || ': claimed by ' || bt.claimed_by
    from private.user_combination_keys(r.user_id) k(combination_key)
    join public.backfill_tracking bt on bt.combination_key = k.combination_key
    where bt.state = 'claimed' and bt.claim_expires_at >= now()
    union all
    select 'allowance', a.resets_at, null,
           count(*) || ' new search(es) wait for the user''s allowance of new searches ('
           || coalesce(s.user_daily_new_combinations::text, 'no limit') || ' a day, '
           || coalesce(s.user_monthly_new_combinations::text, 'no limit') || ' a month)'
    from private.user_combination_keys(r.user_id) k(combination_key)
    join public.backfill_tracking bt on bt.combination_key = k.combination_key
    cross join private.new_combination_allowance(r.user_id) a
    cross join public.settings s
    where bt.state = 'pending' and bt.attempts = 0 and a.remaining <= 0
    group by a.resets_at, s.user_daily_new_combinations, s.user_monthly_new_combinations
  ) w
  where r.state = 'pending' and r.not_before > now()
  order by 4, 1
$$;


-- The calling user's searches (see ..._search_edits.sql), with the combination's attempts: a
-- pending one never attempted is new, and may wait for the user's allowance.
drop function private.search_states();
create function private.search_states()
returns table (combination_key text, state text, job_count bigint, attempts integer)
language sql stable security definer set search_path = ''
as $$
  select q.combination_key, coalesce(bt.state, 'untracked'),
         (select count(*) from public.combination_jobs cj where cj.combination_id = bt.id),
         coalesce(bt.attempts, 0)
  from public.user_search_queries q
  left join public.backfill_tracking bt on bt.combination_key = q.combination_key
  where q.user_id = (select auth.uid()) and q.is_active
$$;

revoke execute on function private.search_states() from public, anon;
grant execute on function private.search_states() to authenticated;

-- Each user's paid combinations and the credits their first fetches cost, today and this month
-- (local days of the settings' time zone).
create or replace view public.user_credit_usage with (security_invoker = true) as
select t.first_requested_by as user_id,
       count(*) filter (where t.first_claimed_at >= b.day_start)::integer as combinations_today,
       coalesce(sum(t.credits_used) filter (where t.first_claimed_at >= b.day_start), 0)::integer
         as credits_today,
       count(*)::integer as combinations_month,
       coalesce(sum(t.credits_used), 0)::integer as credits_month
from public.backfill_tracking t
cross join lateral (
  select date_trunc('day', now() at time zone s.daily_refresh_time_zone)
           at time zone s.daily_refresh_time_zone as day_start,
         date_trunc('month', now() at time zone s.daily_refresh_time_zone)
           at time zone s.daily_refresh_time_zone as month_start
  from public.settings s
) b
where t.first_requested_by is not null and t.first_claimed_at >= b.month_start
group by t.first_requested_by;

comment on view public.user_credit_usage is
  'Per user: new paid combinations caused and their credits, today and this month.';

revoke all on public.user_credit_usage from anon, authenticated;
grant select on public.user_credit_usage to service_role;

revoke execute on function public.claim_backfill_combinations(bigint, text, integer, interval, integer),
  public.settle_backfill_request(bigint, text, integer, interval, boolean),
  public.backfill_waits()
  from public, anon, authenticated;
grant execute on function public.claim_backfill_combinations(bigint, text, integer, interval, integer),
  public.settle_backfill_request(bigint, text, integer, interval, boolean),
  public.backfill_waits()
  to service_role;
