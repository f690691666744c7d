-- ---------------------------------------------------------------------------
-- The backfill: each combination is fetched by exactly one worker, once for everybody.
--
--   take_backfill_request        a due request -> running, leased to one invocation (SKIP LOCKED);
--                                its run-ledger row is made on the first take
--   claim_backfill_combinations  registers the user's active combinations in backfill_tracking
--                                (INSERT ... ON CONFLICT DO NOTHING) and claims the claimable ones
--                                (FOR UPDATE SKIP LOCKED): pending (a new, paid one only within
--                                the user's allowance), failed or waiting and due, or a claim
--                                whose worker died (expired)
--   finish_backfill_combination  claimed -> backfilled when every provider is done; waiting when
--                                the others wait for a pause or a Retry-After; else failed with a
--                                reason and a retry time. The jobs stored stay either way, and a
--                                retry fetches only the providers not done yet
--   record_backfill_progress     adds a combination's counts to the run's stats (live progress)
--   settle_backfill_request      what is left: continue now, wait (for another worker, a retry
--                                time, a provider, the user's allowance), or finish the request
--                                and its run with the final stats
--   request_backfill             a request made by hand, with a custom period (a partial
--                                backfill)
--   backfill_waits               what keeps open requests from running, and until when
--
-- Leases and attempt limits are settings (backfill_lease_seconds, backfill_max_attempts,
-- backfill_max_interruptions, backfill_sweep_max_attempts), read when a function runs.
--
-- Fair use of the shared quota: one user cannot spend everybody's credits.
-- settings.user_daily_new_combinations / user_monthly_new_combinations are how many new paid
-- combinations (ones nobody has claimed yet, which need a fresh backfill) one user may cause per
-- local day and month (the settings' time zone); NULL = no limit. A combination somebody already
-- claimed or backfilled costs nothing and never counts. A new combination over the allowance is
-- not claimed: the search is saved and waits (the request is pending until the allowance
-- resets; the daily refresh covers it once anybody's search holds it).
--
-- What starts the backfill function, and what restarts it when an invocation is lost:
--   * a new backfill_requests row calls the `backfill` Edge Function through pg_net after its
--     transaction commits; a failure to queue never fails the insert;
--   * settle_backfill_request queues the next invocation of a request that has more to do;
--   * the sweep (private.schedules: every minute) re-sends requests that are due and not being
--     worked on: pending past their time, or running with an expired lease (the invocation
--     died). The row is the truth; pg_net, which never retries, is only the doorbell.
-- ---------------------------------------------------------------------------

-- The distinct active combinations of a user.
create or replace function private.user_combination_keys(p_user_id uuid) returns setof text
language sql stable set search_path = ''
as $$
  select distinct q.combination_key from public.user_search_queries q
  where q.user_id = p_user_id and q.is_active
$$;

revoke execute on function private.user_combination_keys(uuid) from public, anon, authenticated;
grant execute on function private.user_combination_keys(uuid) to service_role;

-- ---- fair use --------------------------------------------------------------------------------

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

-- ---- requests and claims ---------------------------------------------------------------------

-- A request made by hand (CLI, SQL editor) for a user, optionally over a shorter period.
-- Returns the user's open request with the same period when there is one (asking twice does
-- not fetch twice), else a new one.
create or replace function public.request_backfill(
  p_user_id uuid,
  p_days integer default null,
  p_requested_by text default 'manual'
) returns public.backfill_requests
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
begin
  if not exists (select 1 from public.user_search_queries
                 where user_id = p_user_id and is_active) then
    raise exception 'Cannot backfill user %: they have no active search queries; upload a CV '
      'first (or add queries)', p_user_id using errcode = '22023';
  end if;
  if p_days is not null and p_days not between 1 and 90 then
    raise exception 'Cannot backfill % days: choose 1 to 90 (Active Jobs DB reaches back 7, '
      'JSearch a month)', p_days using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('backfill_requests.user:' || p_user_id::text, 0));
  select * into req from public.backfill_requests
  where user_id = p_user_id and state in ('pending', 'running')
    and days is not distinct from p_days
  order by id limit 1;
  if found then
    return req;
  end if;
  insert into public.backfill_requests (user_id, requested_by, days)
  values (p_user_id, p_requested_by, p_days)
  returning * into req;
  return req;
end
$$;

-- Takes a due request for this invocation (p_worker): a pending one whose time has come, or a
-- running one whose lease expired (its invocation died: an interruption). Returns it, or
-- nothing. A request interrupted settings.backfill_max_interruptions times fails instead of
-- looping.
create or replace function public.take_backfill_request(
  p_worker text,
  p_request_id bigint default null
) returns setof public.backfill_requests
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  new_run bigint;
  lease interval;
  max_interruptions integer;
begin
  select make_interval(secs => s.backfill_lease_seconds), s.backfill_max_interruptions
  into lease, max_interruptions from public.settings s;
  with gave_up as (
    update public.backfill_requests r
    set state = 'failed', finished_at = now(), claimed_by = null, lease_expires_at = null,
        interruptions = r.interruptions + 1,
        last_error = 'The backfill stopped without finishing ' || (r.interruptions + 1)
                     || ' times (the invocation died or hit the Edge limits); see the runs row '
                     || 'for its progress and the function logs, then ask again with '
                     || 'request_backfill.'
    where r.state = 'running' and r.lease_expires_at < now()
      and r.interruptions + 1 >= max_interruptions
      and (p_request_id is null or r.id = p_request_id)
    returning r.run_id, r.last_error
  )
  update public.runs u set status = 'failed', finished_at = now(), error = g.last_error
  from gave_up g where u.id = g.run_id and u.status = 'running';

  select * into req from public.backfill_requests r
  where (p_request_id is null or r.id = p_request_id)
    and ((r.state = 'pending' and r.not_before <= now())
         or (r.state = 'running' and r.lease_expires_at < now()))
  order by r.requested_at, r.id
  limit 1
  for update skip locked;
  if not found then
    return;
  end if;

  new_run := req.run_id;
  if new_run is null then
    insert into public.runs (kind, triggered_by, user_id, progress_total, stats)
    values ('backfill',
            case req.requested_by when 'cv_ingest' then 'webhook' when 'cli' then 'cli'
                                  when 'sweep' then 'sweep' else 'manual' end,
            req.user_id,
            (select count(*) from private.user_combination_keys(req.user_id)),
            jsonb_build_object('request_id', req.id, 'days', coalesce(req.days, 30)))
    returning id into new_run;
  end if;
  update public.runs set heartbeat_at = now() where id = new_run;

  return query
  update public.backfill_requests r
  set state = 'running', claimed_by = p_worker, lease_expires_at = now() + lease,
      attempts = r.attempts + 1,
      interruptions = r.interruptions + case when r.state = 'running' then 1 else 0 end,
      sends = 0, started_at = coalesce(r.started_at, now()), run_id = new_run
  where r.id = req.id
  returning r.*;
end
$$;

-- Puts a request this invocation could not work on back in line, with the reason (a missing
-- key, a crash): pending again after p_retry_after. Returns false when it is not p_worker's.
create or replace function public.release_backfill_request(
  p_request_id bigint,
  p_worker text,
  p_error text,
  p_retry_after interval default interval '5 minutes'
) returns boolean
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  run bigint;
begin
  update public.backfill_requests
  set state = 'pending', claimed_by = null, lease_expires_at = null,
      not_before = now() + p_retry_after, last_error = p_error
  where id = p_request_id and state = 'running' and claimed_by = p_worker
  returning run_id into run;
  if not found then
    return false;
  end if;
  update public.runs set error = p_error, heartbeat_at = now() where id = run;
  return true;
end
$$;

-- Claims up to p_limit of the request's combinations for p_worker. Every active combination of
-- the user gets its backfill_tracking row first ('pending'), in one order for all callers so
-- that concurrent registrations cannot deadlock. Claimable: pending — a combination nobody has
-- claimed yet (a new paid one) only while the user's allowance has room
-- (private.new_combination_allowance); it is then counted as caused by this user —; failed and
-- due, unless this request tried it settings.backfill_max_attempts times; waiting and due (not
-- an attempt of this request's); claimed by a worker that died; backfilled over a shorter
-- period than this request asks for (then both providers are fetched again, over the longer
-- period). The claim lasts settings.backfill_lease_seconds and renews the request's lease. The
-- allowance is checked per statement: the backfill claims one combination at a time. Returns
-- the rows now claimed; nothing when the request is not leased to p_worker any more.
create or replace function public.claim_backfill_combinations(
  p_request_id bigint,
  p_worker text,
  p_limit integer default 1
) returns setof public.backfill_tracking
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  days integer;
  new_left integer;
  lease interval;
  max_attempts integer;
begin
  select * into req from public.backfill_requests where id = p_request_id;
  if not found or req.state <> 'running' or req.claimed_by is distinct from p_worker then
    return;
  end if;
  days := coalesce(req.days, 30);
  select make_interval(secs => s.backfill_lease_seconds), s.backfill_max_attempts
  into lease, max_attempts from public.settings s;
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
  set lease_expires_at = greatest(lease_expires_at, now() + lease)
  where id = req.id and state = 'running' and claimed_by = p_worker;
  update public.runs set heartbeat_at = now() where id = req.run_id;

  return query
  update public.backfill_tracking bt
  set state = 'claimed', claimed_by = p_worker, claimed_at = now(),
      claim_expires_at = now() + lease, attempts = bt.attempts + 1,
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
                        and t.request_attempts >= max_attempts))
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

-- Records how a claimed combination's attempt went. p_providers_done: the providers fetched to
-- the end in this attempt, over p_days; p_credits_by_provider: credits this attempt spent, e.g.
-- {"jsearch": 2, "active_jobs_db": 3}. Every provider done -> 'backfilled' (jobs_found counts
-- the jobs linked to it); else, when p_wait_until is given (the providers not done wait for a
-- pause or a Retry-After, none failed) -> 'waiting' until then; else 'failed' with p_error and a
-- backoff of p_retry_base * 4^(attempts-1), at most 6 hours. Returns the state, or 'lost' when
-- the claim is not p_worker's any more (it expired and another worker took it: the jobs are
-- stored, the state is theirs to set).
create or replace function public.finish_backfill_combination(
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

-- Adds one step's counts to the run's stats and moves its heartbeat.
create or replace function public.record_backfill_progress(p_run_id bigint, p_delta jsonb)
returns void
language sql volatile security invoker set search_path = ''
as $$
  update public.runs
  set stats = private.jsonb_add(stats, p_delta), heartbeat_at = now()
  where id = p_run_id and status = 'running'
$$;

-- Decides what is left of a request after an invocation's work, and releases it:
--   'continue'  combinations are claimable now: pending again at once, and a follow-up
--               invocation is queued (pg_net) when p_chain;
--   'waiting'   the rest is claimed by other workers (pending again after p_poll), failed and
--               waiting for its retry time, waiting for a provider pause or a Retry-After, or
--               new and over the user's allowance: pending from the earliest of those (the
--               sweep wakes it);
--   'done'      every combination is backfilled over (at least) the request's period;
--   'failed'    this request tried some combination settings.backfill_max_attempts times; the
--               rest is done;
--   'lost'      the request is not leased to p_worker any more.
-- Every call writes the run's counts, so the runs row always shows where the request stands.
create or replace function public.settle_backfill_request(
  p_request_id bigint,
  p_worker text,
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
  max_attempts integer := (select s.backfill_max_attempts from public.settings s);
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
                    and bt.request_attempts >= max_attempts, false) as given_up
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
                          then c.given_up || ' combination(s) failed ' || max_attempts
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

revoke execute on function public.request_backfill(uuid, integer, text),
  public.take_backfill_request(text, bigint),
  public.release_backfill_request(bigint, text, text, interval),
  public.claim_backfill_combinations(bigint, text, integer),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, timestamptz, interval),
  public.record_backfill_progress(bigint, jsonb),
  public.settle_backfill_request(bigint, text, interval, boolean),
  public.backfill_waits()
  from public, anon, authenticated;
grant execute on function public.request_backfill(uuid, integer, text),
  public.take_backfill_request(text, bigint),
  public.release_backfill_request(bigint, text, text, interval),
  public.claim_backfill_combinations(bigint, text, integer),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, timestamptz, interval),
  public.record_backfill_progress(bigint, jsonb),
  public.settle_backfill_request(bigint, text, interval, boolean),
  public.backfill_waits()
  to service_role;

-- For the calling user's active searches: how far their jobs are (the combination's backfill
-- state, 'untracked' before anybody claimed it), how many jobs it found, and its attempts (a
-- pending one never attempted is new, and may wait for the user's allowance).
-- backfill_tracking is the service's; this shows a user the part about their own searches.
create or replace function private.search_states()
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

-- ---- wake-ups and the sweep ------------------------------------------------------------------

create or replace function private.handle_backfill_request() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
begin
  begin
    perform private.invoke_edge_function('backfill', jsonb_build_object('request_id', new.id));
  exception when others then
    raise warning 'Could not call the backfill function for request %: % (%); the sweep will',
      new.id, sqlerrm, sqlstate;
  end;
  return null;
end
$$;

revoke execute on function private.handle_backfill_request() from public, anon, authenticated;

create trigger on_backfill_requested
  after insert on public.backfill_requests
  for each row execute function private.handle_backfill_request();

-- Re-sends due requests to the backfill function, at most p_batch per run: pending past their
-- time, or running with an expired lease. Each is re-sent with a doubling wait (p_resend_after,
-- 2x, 4x, ... at most 64x) while nothing takes it; after p_warn_after unanswered sends its
-- last_error says what to check. Then failed and waiting combinations that no open request will
-- retry get one (requested_by 'sweep', for a user whose active query uses them), so a failure is
-- retried even after the requests that met it have ended — a failed one at most
-- settings.backfill_sweep_max_attempts times. It also expires ledger rows left pending
-- (private.expire_pending_usage). Returns how many calls were queued.
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
  max_attempts integer := (select s.backfill_sweep_max_attempts from public.settings s);
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
      and (bt.state = 'waiting' or bt.attempts < max_attempts)
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

revoke execute on function private.resend_due_backfills(interval, integer, integer)
  from public, anon, authenticated;
grant execute on function private.resend_due_backfills(interval, integer, integer) to service_role;
