-- ---------------------------------------------------------------------------
-- Users editing their own searches (the web page's `searches` function, or PostgREST):
--
-- * A user who adds or edits a search gets its jobs: when a user (auth.uid() set) writes their
--   own queries and one of their active combinations has not been backfilled, a backfill request
--   is recorded for them, which wakes the backfill (trigger on backfill_requests). A pending
--   request of theirs is reused (locked until the edit commits), so a burst of edits asks once;
--   a *running* one is not: it may already have settled its list of combinations, and the new
--   one would be left untracked. The
--   pipeline's own writes (cv-ingest as the service role) record their request themselves, one
--   per parsed CV, so they are left alone.
-- * Each new combination costs provider credits for everybody's budget: a user has at most 20
--   active searches (a CV yields at most 9).
-- * private.search_states() shows a user how far their searches' jobs are.
-- ---------------------------------------------------------------------------

alter table public.backfill_requests
  drop constraint backfill_requests_requested_by_check,
  add constraint backfill_requests_requested_by_check
    check (requested_by in ('cv_ingest', 'cli', 'manual', 'sweep', 'user'));

create or replace function private.request_backfill_after_search_edit() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    return null;
  end if;
  if not exists (select 1 from public.get_unbacked_combinations_for_user(uid)) then
    return null;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('backfill_requests.user:' || uid::text, 0));
  -- reuse a pending request, locked until this edit commits: a worker taking requests skips
  -- locked rows, so it cannot start that request without seeing the new search
  perform 1 from public.backfill_requests
  where user_id = uid and state = 'pending' and days is null
  for update;
  if not found then
    insert into public.backfill_requests (user_id, requested_by) values (uid, 'user');
  end if;
  return null;
end
$$;

comment on function private.request_backfill_after_search_edit() is
  'After a user writes their own searches: request a backfill when one of their active '
  'combinations is not backfilled yet.';

revoke execute on function private.request_backfill_after_search_edit()
  from public, anon, authenticated;

create trigger user_search_queries_request_backfill
  after insert or update on public.user_search_queries
  for each statement execute function private.request_backfill_after_search_edit();

-- At most 20 active searches per user. Counted under the user's lock, so two inserts at once
-- cannot both pass at 19.
create or replace function private.limit_active_searches() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
declare
  active integer;
begin
  if not new.is_active or (tg_op = 'UPDATE' and old.is_active) then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('user_search_queries.user:' || new.user_id::text,
                                                 0));
  select count(*) into active from public.user_search_queries
  where user_id = new.user_id and is_active and id <> new.id;
  if active >= 20 then
    raise exception 'You have 20 active searches, the most allowed: remove one before adding '
      'another.' using errcode = '23514', constraint = 'user_search_queries_at_most_20_active';
  end if;
  return new;
end
$$;

revoke execute on function private.limit_active_searches() from public, anon, authenticated;

create trigger user_search_queries_limit_active
  before insert or update of is_active on public.user_search_queries
  for each row execute function private.limit_active_searches();

-- For the calling user's active searches: how far their jobs are (the combination's backfill
-- state, 'untracked' before anybody claimed it) and how many jobs it found. backfill_tracking
-- is the service's; this shows a user the part about their own searches.
create or replace function private.search_states()
returns table (combination_key text, state text, job_count bigint)
language sql stable security definer set search_path = ''
as $$
  select q.combination_key, coalesce(bt.state, 'untracked'),
         (select count(*) from public.combination_jobs cj where cj.combination_id = bt.id)
  from public.user_search_queries q
  left join public.backfill_tracking bt on bt.combination_key = q.combination_key
  where q.user_id = (select auth.uid()) and q.is_active
$$;

revoke execute on function private.search_states() from public, anon;
grant execute on function private.search_states() to authenticated;
