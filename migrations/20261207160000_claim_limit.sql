-- ---------------------------------------------------------------------------
-- Claims take at most p_limit rows, whatever plan the server picks. claim_backfill_combinations
-- and claim_refresh_items chose their rows in `where id in (select ... limit n for update skip
-- locked)`. When the planner makes that a nested-loop semi join with the subquery on the inner
-- side, the subquery runs again for every row of the update, and each run skips (as locked by
-- this statement) the rows already updated: LIMIT 1 then claimed every claimable row, while the
-- caller used only the first. The others stayed claimed until their lease ended — a backfill
-- invocation stopped after one combination. The plan depends on the tables' statistics, so it
-- came and went with autovacuum. The rows are now picked once, in a materialized CTE.
-- ---------------------------------------------------------------------------

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

  -- the rows to claim are picked once, in a materialized CTE: a LIMIT ... FOR UPDATE SKIP
  -- LOCKED subquery inside `where bt.id in (...)` may be rescanned per row of the update
  -- (a nested-loop semi join), and each rescan skips the rows this statement already updated,
  -- so LIMIT 1 would claim every claimable row
  return query
  with picked as materialized (
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
  from picked
  where bt.id = picked.id
  returning bt.*;
end
$$;

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
  -- picked once (materialized), not in a `where ... in (subquery)` that a nested-loop semi
  -- join may rescan per row, each rescan skipping the rows already updated: p_limit holds
  with picked as materialized (
    select x.run_id, x.combination_id from public.refresh_items x
    where x.run_id = p_run_id
      and ((x.state = 'pending' and coalesce(x.not_before, '-infinity') <= now())
           or (x.state = 'claimed' and x.claim_expires_at < now()))
    order by x.users desc, x.combination_id
    limit greatest(p_limit, 0)
    for update skip locked
  ),
  claimed as (
    update public.refresh_items i
    set state = 'claimed', claimed_by = p_worker,
        claim_expires_at = now() + make_interval(secs => s.refresh_lease_seconds),
        attempts = i.attempts + 1, not_before = null
    from picked p
    where i.run_id = p.run_id and i.combination_id = p.combination_id
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
