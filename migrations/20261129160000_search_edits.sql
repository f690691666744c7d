-- ---------------------------------------------------------------------------
-- A user who adds or edits a search gets its jobs: when a user (auth.uid() set: PostgREST, or
-- the `searches` function acting as them) writes their own queries and one of their active
-- combinations has not been backfilled, a backfill request is recorded for them, which wakes
-- the backfill (trigger on backfill_requests). The pipeline's own writes (cv-ingest as the
-- service role) record their request themselves, one per parsed CV, so they are left alone.
-- request_backfill reuses a pending request, so a burst of edits asks once.
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
  if exists (select 1 from public.get_unbacked_combinations_for_user(uid)) then
    perform public.request_backfill(uid, null, 'user');
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
