-- ---------------------------------------------------------------------------
-- The daily refresh (the original Python backfill system's daily cron job), as rows and
-- functions:
--
--   daily_refresh_due            the local date a firing at p_at should run for, or NULL: not
--                                before the local time (settings), once per local date
--   start_daily_refresh          the date's run row (unique per date; again only when forced)
--                                and one refresh_items row per combination an active query
--                                uses — backfilled, or waiting with one provider done — with
--                                the number of users sharing it (the priority)
--   fire_daily_refresh           what pg_cron calls: if due, start the run and wake the
--                                daily-refresh function several times (fan-out)
--   claim_refresh_items          items for one invocation, most-shared first, SKIP LOCKED, with
--                                the window to fetch (since the combination's last refresh)
--   defer_refresh_item           an item whose page must wait (Retry-After) goes back to pending
--   finish_refresh_item          done | failed | skipped; the combination's last_refreshed_at
--                                moves only on success, so a failed day widens the next window
--   settle_daily_refresh         finishes the run when no item is left, with its counts
--   refresh_waits                what keeps a run's items from being refreshed now, and until
--   next_daily_refresh_at        the next instant the local time comes (the local runner)
--   daily_refresh_utc_times      the UTC times pg_cron fires at (private.schedules)
--   claim/finish/fail_expired_check  the run's expired-postings check, at most once per run
--
-- The item lease and attempt limit are settings (refresh_lease_seconds, refresh_max_attempts).
-- ---------------------------------------------------------------------------

create table public.refresh_items (
  run_id bigint not null references public.runs (id) on delete cascade,
  combination_id bigint not null references public.backfill_tracking (id) on delete cascade,
  -- active users whose queries use the combination: the most shared are refreshed first
  users integer not null check (users >= 0),
  state text not null default 'pending'
    check (state in ('pending', 'claimed', 'done', 'failed', 'skipped')),
  claimed_by text,
  claim_expires_at timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  window_since timestamptz,
  window_until timestamptz,
  stats jsonb not null default '{}'::jsonb,
  error text,
  finished_at timestamptz,
  not_before timestamptz,
  primary key (run_id, combination_id),
  constraint refresh_items_claim_consistent
    check (state <> 'claimed' or (claimed_by is not null and claim_expires_at is not null))
);

comment on table public.refresh_items is
  'One work item per combination and daily run; invocations drain them in parallel.';
comment on column public.refresh_items.not_before is
  'A pending item is not claimed before this (a page that must wait for a Retry-After).';

create index refresh_items_queue_idx on public.refresh_items (run_id, users desc, combination_id)
  where state in ('pending', 'claimed');
create index refresh_items_combination_idx on public.refresh_items (combination_id);

alter table public.refresh_items enable row level security;
revoke all on public.refresh_items from anon, authenticated;
grant all on public.refresh_items to service_role;

-- ---- when ------------------------------------------------------------------------------------

-- The local date a firing at p_at runs for, or NULL when it should not run: before the local
-- time of day, or the date already has its run.
create or replace function public.daily_refresh_due(p_at timestamptz default now())
returns date
language sql stable security invoker set search_path = ''
as $$
  select local_at::date
  from public.settings s,
       lateral (select p_at at time zone s.daily_refresh_time_zone as local_at) l
  where local_at::time >= s.daily_refresh_local_time
    and not exists (select 1 from public.runs r
                    where r.kind = 'daily_refresh' and r.run_date = local_at::date)
$$;

-- The next instant after p_after at which the local time of day comes in the zone (DST-correct:
-- Postgres's zone rules decide the offset of that local date).
create or replace function public.next_daily_refresh_at(p_after timestamptz default now())
returns timestamptz
language sql stable security invoker set search_path = ''
as $$
  select min(candidate)
  from public.settings s,
       lateral (select (p_after at time zone s.daily_refresh_time_zone)::date as today) d,
       lateral (select ((today + k + s.daily_refresh_local_time) at time zone
                        s.daily_refresh_time_zone) as candidate
                from generate_series(0, 2) k) c
  where candidate > p_after
$$;

-- The UTC times of day the local time falls on over a year (one per UTC offset the zone uses:
-- 04:00 and 05:00 for 06:00 Europe/Berlin). pg_cron runs in UTC, so it fires at each of them
-- and daily_refresh_due lets exactly one through per local date.
create or replace function private.daily_refresh_utc_times()
returns setof time
language sql stable set search_path = ''
as $$
  select distinct (((d::date + s.daily_refresh_local_time) at time zone s.daily_refresh_time_zone)
                   at time zone 'UTC')::time
  from public.settings s,
       generate_series(date_trunc('year', now()), date_trunc('year', now()) + interval '2 years',
                       interval '1 day') d
  order by 1
$$;

-- ---- a run and its items ---------------------------------------------------------------------

-- Starts the run of the local date of p_at: its runs row and its work items. A combination that
-- is 'waiting' (one provider done, the other paused) is refreshed too: the provider that is done
-- must not go stale while the other waits; the paused one is skipped. Returns the run id, or
-- NULL when the date has its run already (unless p_force: then that run starts over).
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

  -- one item per combination an active query uses; a combination not backfilled yet is the
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

-- Items for one invocation: pending and due (not_before passed), or claimed by a worker that
-- died, most-shared first; each claim lasts settings.refresh_lease_seconds. Returns each with
-- the combination and, per provider, where its window starts: the provider's last successful
-- refresh, else the combination's, else the backfill's fetch time. An item whose invocations
-- died settings.refresh_max_attempts times is failed with a message instead of being taken
-- again.
create or replace function public.claim_refresh_items(
  p_run_id bigint,
  p_worker text,
  p_limit integer default 1
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
declare
  s public.settings;
begin
  select * into s from public.settings;
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
      and i.attempts >= s.refresh_max_attempts
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
    set state = 'claimed', claimed_by = p_worker,
        claim_expires_at = now() + make_interval(secs => s.refresh_lease_seconds),
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

-- Records one item. p_state: 'done' (both providers fetched), 'failed' or 'skipped' (a budget or
-- a stopped provider; the next run's window covers it). Each provider in p_providers_done moves
-- its mark to p_refreshed_until; last_refreshed_at becomes the earlier of the two marks, so it
-- moves only when both have. p_stats is added to the run's stats; p_error may also note what
-- could not be fetched on a 'done' item. Returns the state written, or 'lost' when the item is
-- not p_worker's any more.
create or replace function public.finish_refresh_item(
  p_run_id bigint,
  p_combination_id bigint,
  p_worker text,
  p_state text,
  p_providers_done text[],
  p_since timestamptz,
  p_until timestamptz,
  p_refreshed_until timestamptz,
  p_stats jsonb default '{}'::jsonb,
  p_error text default null
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  marks jsonb;
begin
  if p_state not in ('done', 'failed', 'skipped') then
    raise exception 'finish_refresh_item: state must be done, failed or skipped, not %', p_state
      using errcode = '22023';
  end if;
  update public.refresh_items
  set state = p_state, claimed_by = null, claim_expires_at = null, window_since = p_since,
      window_until = p_until, stats = coalesce(p_stats, '{}'::jsonb), error = p_error,
      finished_at = now()
  where run_id = p_run_id and combination_id = p_combination_id
    and state = 'claimed' and claimed_by = p_worker;
  if not found then
    return 'lost';
  end if;
  if cardinality(p_providers_done) > 0 then
    select coalesce(jsonb_object_agg(p, to_jsonb(greatest(
             coalesce((t.provider_refreshed_at ->> p)::timestamptz, '-infinity'),
             p_refreshed_until))), '{}'::jsonb)
    into marks
    from public.backfill_tracking t, unnest(p_providers_done) p
    where t.id = p_combination_id;
    update public.backfill_tracking t
    set provider_refreshed_at = t.provider_refreshed_at || marks,
        last_refreshed_at = least(
          coalesce(((t.provider_refreshed_at || marks) ->> 'jsearch')::timestamptz,
                   t.last_refreshed_at),
          coalesce(((t.provider_refreshed_at || marks) ->> 'active_jobs_db')::timestamptz,
                   t.last_refreshed_at)),
        jobs_found = (select count(*) from public.combination_jobs c where c.combination_id = t.id)
    where t.id = p_combination_id;
  end if;
  update public.runs
  set stats = private.jsonb_add(stats, coalesce(p_stats, '{}'::jsonb)
                                       || jsonb_build_object('combinations_' || p_state, 1)),
      progress_done = progress_done + 1, heartbeat_at = now()
  where id = p_run_id;
  return p_state;
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

-- Finishes the run when no item is pending or claimed: 'succeeded' (all done), 'partial' (some
-- done), 'failed' (none done, some failed), with the reasons of what did not refresh. Returns
-- the run's status ('running' while items are left).
create or replace function public.settle_daily_refresh(p_run_id bigint) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  c record;
  result text;
begin
  perform 1 from public.runs where id = p_run_id for update;
  select count(*) filter (where state in ('pending', 'claimed')) as open,
         count(*) filter (where state = 'done') as done,
         count(*) filter (where state = 'failed') as failed,
         count(*) filter (where state = 'skipped') as skipped,
         string_agg(distinct error, '; ') filter (where state in ('failed', 'skipped')) as errors,
         string_agg(distinct error, '; ') filter (where state = 'done') as notes
  into c from public.refresh_items where run_id = p_run_id;
  if c.open > 0 then
    return 'running';
  end if;
  update public.runs
  set status = case when c.failed + c.skipped = 0 then 'succeeded'
                    when c.done > 0 then 'partial'
                    when c.failed > 0 then 'failed'
                    else 'skipped' end,
      finished_at = now(),
      error = nullif(concat_ws('; ',
                case when c.failed + c.skipped > 0
                     then c.failed || ' combination(s) failed, ' || c.skipped
                          || ' skipped (caught up in the next run''s window): ' || c.errors end,
                case when c.notes is not null then 'Refreshed with gaps: ' || c.notes end), ''),
      stats = stats || jsonb_build_object('combinations_done', c.done,
                                          'combinations_failed', c.failed,
                                          'combinations_skipped', c.skipped)
  where id = p_run_id and status = 'running'
  returning status into result;
  return coalesce(result, (select status from public.runs where id = p_run_id));
end
$$;

-- What pg_cron runs: if a run is due, start it and wake p_fan_out invocations of daily-refresh
-- (at most one per 5 items). Returns the run id, or NULL when nothing was due.
create or replace function public.fire_daily_refresh(
  p_at timestamptz default now(),
  p_fan_out integer default 4
) returns bigint
language plpgsql volatile security definer set search_path = ''
as $$
declare
  run bigint;
  items integer;
begin
  if public.daily_refresh_due(p_at) is null then
    return null;
  end if;
  run := public.start_daily_refresh(p_at, false, 'cron');
  if run is null then
    return null;
  end if;
  select count(*) into items from public.refresh_items where run_id = run;
  if items = 0 then
    perform public.settle_daily_refresh(run);
    return run;
  end if;
  for i in 1 .. greatest(1, least(p_fan_out, ceil(items / 5.0)::integer)) loop
    begin
      perform private.invoke_edge_function('daily-refresh', jsonb_build_object('run_id', run),
                                           10000);
    exception when others then
      raise warning 'Could not call daily-refresh for run %: %; the sweep will', run, sqlerrm;
    end;
  end loop;
  return run;
end
$$;

-- Queues one more invocation of daily-refresh for a run that still has items nobody holds and
-- that are due (an item waiting for a Retry-After is not). An invocation that stops at its
-- limits calls it, so a long run goes on at once instead of waiting for the sweep. Returns
-- whether a call was queued.
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
-- left that are due (pending and past not_before, or claimed by a worker that died) — or none
-- left but never settled (the last invocation died between its last item and the settle):
-- those are settled here. Returns how many runs were woken or settled.
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

revoke execute on function public.daily_refresh_due(timestamptz),
  public.next_daily_refresh_at(timestamptz),
  private.daily_refresh_utc_times(),
  public.start_daily_refresh(timestamptz, boolean, text),
  public.claim_refresh_items(bigint, text, integer),
  public.defer_refresh_item(bigint, bigint, text, timestamptz, jsonb, text),
  public.finish_refresh_item(bigint, bigint, text, text, text[], timestamptz, timestamptz,
                             timestamptz, jsonb, text),
  public.refresh_waits(bigint),
  public.continue_daily_refresh(bigint),
  public.settle_daily_refresh(bigint),
  public.fire_daily_refresh(timestamptz, integer),
  private.resend_stalled_refreshes(interval, integer)
  from public, anon, authenticated;
grant execute on function public.daily_refresh_due(timestamptz),
  public.next_daily_refresh_at(timestamptz),
  private.daily_refresh_utc_times(),
  public.start_daily_refresh(timestamptz, boolean, text),
  public.claim_refresh_items(bigint, text, integer),
  public.defer_refresh_item(bigint, bigint, text, timestamptz, jsonb, text),
  public.finish_refresh_item(bigint, bigint, text, text, text[], timestamptz, timestamptz,
                             timestamptz, jsonb, text),
  public.refresh_waits(bigint),
  public.continue_daily_refresh(bigint),
  public.settle_daily_refresh(bigint),
  public.fire_daily_refresh(timestamptz, integer),
  private.resend_stalled_refreshes(interval, integer)
  to service_role;

-- ---- the expired-postings check --------------------------------------------------------------
-- Postings a provider reports expired, asked for once per daily run: Active Jobs DB's GET
-- /active-ats-expired, "IDs of jobs that were flagged as expired yesterday. Updates once per day
-- at 01:30 UTC. Requires Ultra or Mega subscription."
-- (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db); one request
-- credit, no job credits. Asked only when settings.active_jobs_db_expired_enabled is true.
--   claim_expired_check   one statement takes the check for one invocation: parallel
--                         invocations and retries never call twice
--   finish_expired_check  marks the reported ids (private.mark_jobs_expired) and records the
--                         counts on the run (runs.expired_*), in one statement
--   fail_expired_check    records why the call failed, and whether one more attempt may come
--                         later in the run (at most settings.expired_check_max_attempts calls)

-- Takes the run's expired-postings check for one invocation, in one statement: returns the
-- attempt number, or NULL when it is not this caller's to make — the setting is off, the run is
-- not running, another invocation took it (a crash after the claim leaves it 'claimed': never
-- asked again), it is done, or it failed and may not (yet, or any more) be asked again. With
-- p_blocked_by (the provider is paused: asking would be refused), nothing is taken and the
-- reason is written for the SQL editor; a later invocation of the run takes it once the pause
-- is over.
create or replace function public.claim_expired_check(
  p_run_id bigint,
  p_blocked_by text default null
) returns integer
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  attempt integer;
begin
  if p_blocked_by is not null then
    update public.runs r
    set expired_error = p_blocked_by
    from public.settings s
    where r.id = p_run_id and r.kind = 'daily_refresh' and r.status = 'running'
      and s.active_jobs_db_expired_enabled and r.expired_state is null;
    return null;
  end if;
  update public.runs r
  set expired_state = 'claimed', expired_attempts = r.expired_attempts + 1,
      expired_claimed_at = now(), expired_retry_at = null
  from public.settings s
  where r.id = p_run_id and r.kind = 'daily_refresh' and r.status = 'running'
    and s.active_jobs_db_expired_enabled
    and (r.expired_state is null
         or (r.expired_state = 'failed' and r.expired_retry_at <= now()
             and r.expired_attempts < s.expired_check_max_attempts))
  returning r.expired_attempts into attempt;
  return attempt;
end
$$;

-- Marks the reported ids expired and records the outcome on the run in one statement (one call).
-- Returns the distinct ids reported and the postings and jobs marked.
create or replace function public.finish_expired_check(
  p_run_id bigint,
  p_provider text,
  p_ids text[]
) returns table (reported integer, postings integer, jobs integer)
language sql volatile security invoker set search_path = ''
as $$
  with marked as (
    select m.postings, m.jobs from private.mark_jobs_expired(p_provider, p_ids) m
  ),
  reported as (
    select count(distinct u.id)::integer as ids from unnest(p_ids) as u(id)
  ),
  recorded as (
    update public.runs r
    set expired_state = 'done', expired_checked_at = now(), expired_retry_at = null,
        expired_reported = reported.ids, expired_marked_postings = marked.postings,
        expired_marked_jobs = marked.jobs, expired_failure = null, expired_error = null
    from marked, reported
    where r.id = p_run_id
    returning 1
  )
  select reported.ids, marked.postings, marked.jobs from marked, reported
$$;

-- Records a failed check: its code, the reason in words, and from when one more attempt may
-- come in this run (NULL: not again).
create or replace function public.fail_expired_check(
  p_run_id bigint,
  p_failure text,
  p_error text,
  p_retry_at timestamptz default null
) returns void
language sql volatile security invoker set search_path = ''
as $$
  update public.runs
  set expired_state = 'failed', expired_checked_at = now(), expired_failure = p_failure,
      expired_error = p_error, expired_retry_at = p_retry_at
  where id = p_run_id and expired_state = 'claimed'
$$;

revoke execute on function public.claim_expired_check(bigint, text),
  public.finish_expired_check(bigint, text, text[]),
  public.fail_expired_check(bigint, text, text, timestamptz)
  from public, anon, authenticated;
grant execute on function public.claim_expired_check(bigint, text),
  public.finish_expired_check(bigint, text, text[]),
  public.fail_expired_check(bigint, text, text, timestamptz)
  to service_role;
