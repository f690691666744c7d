-- ---------------------------------------------------------------------------
-- The backfill's claims, so that each combination is fetched by exactly one worker:
--
--   take_backfill_request        a due request -> running, leased to one invocation (SKIP LOCKED);
--                                its run-ledger row is made on the first take
--   claim_backfill_combinations  registers the user's active combinations in backfill_tracking
--                                (INSERT ... ON CONFLICT DO NOTHING) and claims the claimable ones
--                                (FOR UPDATE SKIP LOCKED): pending, failed and due, or a claim
--                                whose worker died (expired)
--   finish_backfill_combination  claimed -> backfilled when both providers are done, else failed
--                                with a reason and a retry time; the jobs stored stay either way,
--                                and a retry fetches only the providers not done yet
--   record_backfill_progress     adds a combination's counts to the run's stats (live progress)
--   settle_backfill_request      what is left: continue now, wait (for another worker or a retry
--                                time), or finish the request and its run with the final stats
--   request_backfill             a request made by hand, with a custom period (the seed's
--                                "partial backfill")
--
-- The user-facing meaning does not change: a combination is unbacked until it is 'backfilled'.
-- ---------------------------------------------------------------------------

alter table public.backfill_tracking
  -- providers whose part of the backfill is stored; a retry fetches only the others
  add column providers_done text[] not null default '{}'
    check (providers_done <@ array['jsearch', 'active_jobs_db']::text[]),
  -- a failed combination is claimable again from this time (backoff by attempts)
  add column next_attempt_at timestamptz,
  -- the period the backfill fetched (days back); NULL for rows marked by the seed's function
  add column backfill_days integer check (backfill_days between 1 and 90),
  -- the request that completed the backfill; others that needed it count it as "skipped"
  add column backfill_request_id bigint references public.backfill_requests (id) on delete set null,
  -- the request that claimed it last, and how often in a row: a request gives up on a
  -- combination after its own attempts, not after other requests' ones
  add column attempted_by_request bigint,
  add column request_attempts integer not null default 0 check (request_attempts >= 0);

comment on column public.backfill_tracking.providers_done is
  'Providers whose backfill of this combination is stored; a retry fetches only the others.';

alter table public.backfill_requests
  add column run_id bigint references public.runs (id) on delete set null,
  -- the invocation working on it, and until when; an expired lease is taken again
  add column claimed_by text,
  add column lease_expires_at timestamptz,
  -- a pending request is due from this time (waiting for another worker or a retry)
  add column not_before timestamptz not null default now(),
  -- times an invocation died holding it (its lease expired and another took it over)
  add column interruptions integer not null default 0 check (interruptions >= 0),
  -- how often the sweep has sent it since it was last taken, and when last
  add column sends integer not null default 0 check (sends >= 0),
  add column last_sent_at timestamptz,
  add constraint backfill_requests_running_is_leased
    check (state <> 'running' or (claimed_by is not null and lease_expires_at is not null));

create index backfill_tracking_request_idx on public.backfill_tracking (backfill_request_id);
create index backfill_requests_user_idx on public.backfill_requests (user_id);
create index backfill_requests_run_idx on public.backfill_requests (run_id);

-- Adds the numbers of b into a, key by key and into nested objects; other values of b win.
create or replace function private.jsonb_add(a jsonb, b jsonb) returns jsonb
language plpgsql immutable set search_path = ''
as $$
declare
  result jsonb := coalesce(a, '{}'::jsonb);
  k text;
  v jsonb;
begin
  for k, v in select * from jsonb_each(coalesce(b, '{}'::jsonb)) loop
    if jsonb_typeof(v) = 'number' and jsonb_typeof(result -> k) = 'number' then
      result := jsonb_set(result, array[k], to_jsonb((result ->> k)::numeric + (v #>> '{}')::numeric));
    elsif jsonb_typeof(v) = 'object' and jsonb_typeof(result -> k) = 'object' then
      result := jsonb_set(result, array[k], private.jsonb_add(result -> k, v));
    else
      result := jsonb_set(result, array[k], v);
    end if;
  end loop;
  return result;
end
$$;

-- The distinct active combinations of a user.
create or replace function private.user_combination_keys(p_user_id uuid) returns setof text
language sql stable set search_path = ''
as $$
  select distinct q.combination_key from public.user_search_queries q
  where q.user_id = p_user_id and q.is_active
$$;

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
-- nothing. A request interrupted p_max_interruptions times fails instead of looping.
create or replace function public.take_backfill_request(
  p_worker text,
  p_request_id bigint default null,
  p_lease interval default interval '5 minutes',
  p_max_interruptions integer default 5
) returns setof public.backfill_requests
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  new_run bigint;
begin
  with gave_up as (
    update public.backfill_requests r
    set state = 'failed', finished_at = now(), claimed_by = null, lease_expires_at = null,
        interruptions = r.interruptions + 1,
        last_error = 'The backfill stopped without finishing ' || (r.interruptions + 1)
                     || ' times (the invocation died or hit the Edge limits); see the runs row '
                     || 'for its progress and the function logs, then ask again with '
                     || 'request_backfill.'
    where r.state = 'running' and r.lease_expires_at < now()
      and r.interruptions + 1 >= p_max_interruptions
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
  set state = 'running', claimed_by = p_worker, lease_expires_at = now() + p_lease,
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

-- Claims up to p_limit of the request's combinations for p_worker. Every active combination
-- of the user gets its backfill_tracking row first ('pending'), in one order for all callers so
-- that concurrent registrations cannot deadlock. Claimable: pending; failed and due (unless this
-- request already tried it p_max_attempts times); claimed by a worker that died; or backfilled
-- over a shorter period than this request asks for (then both providers are fetched again, over
-- the longer period). Returns the rows now claimed; nothing when the request is not leased to
-- p_worker any more.
create or replace function public.claim_backfill_combinations(
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
begin
  select * into req from public.backfill_requests where id = p_request_id;
  if not found or req.state <> 'running' or req.claimed_by is distinct from p_worker then
    return;
  end if;
  days := coalesce(req.days, 30);

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

  -- the claim renews the request's lease: this invocation is alive
  update public.backfill_requests
  set lease_expires_at = greatest(lease_expires_at, now() + p_lease)
  where id = req.id and state = 'running' and claimed_by = p_worker;
  update public.runs set heartbeat_at = now() where id = req.run_id;

  return query
  update public.backfill_tracking bt
  set state = 'claimed', claimed_by = p_worker, claimed_at = now(),
      claim_expires_at = now() + p_lease, attempts = bt.attempts + 1,
      providers_done = case when bt.state = 'backfilled' then '{}' else bt.providers_done end,
      request_attempts = case when bt.attempted_by_request = req.id
                              then bt.request_attempts + 1 else 1 end,
      attempted_by_request = req.id
  where bt.id in (
    select t.id from public.backfill_tracking t
    where t.combination_key in (select private.user_combination_keys(req.user_id))
      and (t.state = 'pending'
           or (t.state = 'failed' and coalesce(t.next_attempt_at, '-infinity') <= now()
               and not (t.attempted_by_request = req.id
                        and t.request_attempts >= p_max_attempts))
           or (t.state = 'claimed' and t.claim_expires_at < now())
           or (t.state = 'backfilled' and coalesce(t.backfill_days, 30) < days))
    order by t.id
    limit greatest(p_limit, 0)
    for update skip locked
  )
  returning bt.*;
end
$$;

-- Records how a claimed combination's backfill went. p_providers_done: the providers fetched to
-- the end in this attempt, over p_days; p_credits_by_provider: credits this attempt spent, e.g.
-- {"jsearch": 2, "active_jobs_db": 3}. Both providers done -> 'backfilled' (jobs_found counts the
-- jobs linked to it); otherwise 'failed' with p_error, claimable again after a backoff of
-- p_retry_base * 4^(attempts-1), at most 6 hours. Returns 'backfilled', 'failed', or 'lost'
-- when the claim is no longer p_worker's (it expired and another worker took it: the jobs are
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
  p_retry_base interval default interval '1 minute'
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  bt public.backfill_tracking;
  done text[];
  spent integer;
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

  if done @> array['active_jobs_db', 'jsearch'] then
    update public.backfill_tracking t
    set state = 'backfilled', providers_done = done, backfilled_date = now(),
        backfill_request_id = p_request_id,
        backfill_days = greatest(coalesce(t.backfill_days, 0), p_days),
        jobs_found = (select count(*) from public.combination_jobs c
                      where c.combination_id = t.id),
        credits_used = t.credits_used + spent,
        credits_by_provider = private.jsonb_add(t.credits_by_provider, p_credits_by_provider),
        -- the earliest moment a provider's part was fetched: the daily refresh starts there,
        -- so a provider done in an earlier attempt leaves no gap
        last_refreshed_at = coalesce(t.last_refreshed_at, p_fetched_until),
        claimed_at = null, claimed_by = null, claim_expires_at = null,
        next_attempt_at = null, last_error = null
    where t.id = bt.id;
    return 'backfilled';
  end if;

  update public.backfill_tracking t
  set state = 'failed', providers_done = done,
      credits_used = t.credits_used + spent,
      credits_by_provider = private.jsonb_add(t.credits_by_provider, p_credits_by_provider),
      last_refreshed_at = case when cardinality(done) > cardinality(t.providers_done)
                               then coalesce(t.last_refreshed_at, p_fetched_until)
                               else t.last_refreshed_at end,
      last_error = coalesce(nullif(btrim(p_error), ''), 'The backfill did not finish.'),
      next_attempt_at = now() + least(interval '6 hours',
                                      p_retry_base * power(4, greatest(t.attempts - 1, 0))),
      claimed_at = null, claimed_by = null, claim_expires_at = null
  where t.id = bt.id;
  return 'failed';
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
--               invocation is queued (pg_net) when p_chain — or, when p_pause_until is given
--               (a provider is stopped: quota, budget, key), pending from then, not chained;
--   'waiting'   the rest is claimed by other workers, or failed and waiting for its retry time:
--               pending again from then (the sweep wakes it);
--   'done'      every combination is backfilled over (at least) the request's period;
--   'failed'    this request tried some combination p_max_attempts times; the rest is done;
--   'lost'      the request is not leased to p_worker any more.
-- Every call writes the run's counts, so the runs row always shows where the request stands.
create or replace function public.settle_backfill_request(
  p_request_id bigint,
  p_worker text,
  p_max_attempts integer default 5,
  p_poll interval default interval '15 seconds',
  p_chain boolean default true,
  p_pause_until timestamptz default null,
  p_pause_reason text default null
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  req public.backfill_requests;
  days integer;
  c record;
  outcome text;
begin
  select * into req from public.backfill_requests where id = p_request_id for update;
  if not found or req.state <> 'running' or req.claimed_by is distinct from p_worker then
    return 'lost';
  end if;
  days := coalesce(req.days, 30);

  select
    count(*)::integer as total,
    count(*) filter (where x.covered)::integer as backfilled,
    count(*) filter (where x.covered
                       and x.backfill_request_id is distinct from req.id)::integer as skipped,
    coalesce(sum(x.credits_used) filter (
      where x.covered and x.backfill_request_id is distinct from req.id), 0)::integer as saved,
    count(*) filter (where x.id is null or x.state = 'pending'
                       or (x.state = 'claimed' and x.claim_expires_at < now())
                       or (x.state = 'failed' and not x.given_up
                           and coalesce(x.next_attempt_at, '-infinity') <= now())
                       or (x.state = 'backfilled' and not x.covered))::integer as claimable,
    count(*) filter (where x.state = 'claimed' and x.claim_expires_at >= now())::integer
      as elsewhere,
    count(*) filter (where x.state = 'failed' and not x.given_up
                       and x.next_attempt_at > now())::integer as retry_later,
    count(*) filter (where x.given_up)::integer as given_up,
    min(x.next_attempt_at) filter (where x.state = 'failed' and not x.given_up
                                     and x.next_attempt_at > now()) as next_retry,
    string_agg(x.title_keyword || ' in ' || x.location || ': ' || x.last_error, '; '
               order by x.id) filter (where x.given_up) as failures,
    string_agg(x.title_keyword || ' in ' || x.location || ': ' || x.last_error, '; '
               order by x.id) filter (where x.state = 'failed' and not x.given_up) as retrying
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
        'combinations_waiting', c.elsewhere + c.retry_later,
        'credits_saved', c.saved)
  where id = req.run_id;

  if c.claimable > 0 and p_pause_until is not null then
    outcome := 'continue';
    update public.backfill_requests
    set state = 'pending', not_before = p_pause_until, claimed_by = null, lease_expires_at = null,
        last_error = 'Paused until ' || to_char(p_pause_until at time zone 'UTC',
                                                'YYYY-MM-DD HH24:MI "UTC"')
                     || ': ' || coalesce(p_pause_reason, 'a provider is stopped')
    where id = req.id;
  elsif c.claimable > 0 then
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
  elsif c.elsewhere > 0 or c.retry_later > 0 then
    outcome := 'waiting';
    update public.backfill_requests
    set state = 'pending', claimed_by = null, lease_expires_at = null,
        not_before = least(case when c.elsewhere > 0 then now() + p_poll end, c.next_retry),
        last_error = case when c.retry_later > 0 then 'Waiting to retry: ' || c.retrying end
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

revoke execute on function private.jsonb_add(jsonb, jsonb),
  private.user_combination_keys(uuid) from public, anon, authenticated;
grant execute on function private.jsonb_add(jsonb, jsonb),
  private.user_combination_keys(uuid) to service_role;

revoke execute on function public.request_backfill(uuid, integer, text),
  public.take_backfill_request(text, bigint, interval, integer),
  public.release_backfill_request(bigint, text, text, interval),
  public.claim_backfill_combinations(bigint, text, integer, interval, integer),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, interval),
  public.record_backfill_progress(bigint, jsonb),
  public.settle_backfill_request(bigint, text, integer, interval, boolean, timestamptz, text)
  from public, anon, authenticated;
grant execute on function public.request_backfill(uuid, integer, text),
  public.take_backfill_request(text, bigint, interval, integer),
  public.release_backfill_request(bigint, text, text, interval),
  public.claim_backfill_combinations(bigint, text, integer, interval, integer),
  public.finish_backfill_combination(bigint, text, bigint, text[], jsonb, timestamptz, integer,
                                     text, interval),
  public.record_backfill_progress(bigint, jsonb),
  public.settle_backfill_request(bigint, text, integer, interval, boolean, timestamptz, text)
  to service_role;
