-- ---------------------------------------------------------------------------
-- user_search_queries: a user's searches, one row per user and search combination (title x
-- location x filters), derived from a CV or edited by the user (the web page's `searches`
-- function, or PostgREST). A newer CV deactivates the previous rows; they are kept.
--
-- * Labels are kept in normal form by a trigger (private.normalize_search_labels), and the
--   checks refuse a blank one.
-- * A user who adds or edits a search gets its jobs: when a user (auth.uid() set) writes their
--   own queries and one of their active combinations has not been backfilled, a backfill request
--   is recorded for them, which wakes the backfill (trigger on backfill_requests). A pending
--   request of theirs is reused (locked until the edit commits), so a burst of edits asks once;
--   a *running* one is not: it may already have settled its list of combinations, and the new
--   one would be left untracked. The pipeline's own writes (cv-ingest as the service role)
--   record their request themselves, one per parsed CV, so they are left alone.
-- * Each new combination costs provider credits for everybody's budget: a user has at most 20
--   active searches (a CV yields at most 9).
-- ---------------------------------------------------------------------------

create table public.user_search_queries (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  cv_document_id uuid references public.cv_documents (id) on delete set null,
  title_keyword text not null
    check (private.is_normalized_label(title_keyword)),
  location text not null
    check (private.is_normalized_label(location)),
  ai_work_arrangement public.work_arrangement,
  ai_employment_type public.employment_type,
  ai_seniority public.seniority_level,
  ai_industry public.industry,
  combination_key text not null generated always as (
    private.combination_key(title_keyword, location, ai_work_arrangement, ai_employment_type,
                            ai_seniority, ai_industry)
  ) stored,
  is_active boolean not null default true,
  deactivated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_search_queries_deactivated_consistent
    check (is_active = (deactivated_at is null))
);

comment on table public.user_search_queries is
  'One row per user and search combination, derived from a CV or edited by the user.';
comment on column public.user_search_queries.combination_key is
  'private.combination_key() of the six combination columns; joins to backfill_tracking.';

-- One active row per user and combination, NULL filters included (the key is NULL-safe).
create unique index user_search_queries_one_active_per_combination
  on public.user_search_queries (user_id, combination_key) where is_active;

create index user_search_queries_active_combination_idx
  on public.user_search_queries (combination_key) where is_active;
create index user_search_queries_cv_idx on public.user_search_queries (cv_document_id);

create trigger user_search_queries_touch_updated_at before update on public.user_search_queries
  for each row execute function private.touch_updated_at();

create trigger user_search_queries_normalize_labels
  before insert or update of title_keyword, location on public.user_search_queries
  for each row execute function private.normalize_search_labels();

alter table public.user_search_queries enable row level security;
revoke all on public.user_search_queries from anon, authenticated;
grant select, insert, delete on public.user_search_queries to authenticated;
grant update (title_keyword, location, ai_work_arrangement, ai_employment_type, ai_seniority,
              ai_industry, is_active, deactivated_at)
  on public.user_search_queries to authenticated;
grant all on public.user_search_queries to service_role;

create policy "Users read their own queries" on public.user_search_queries
  for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Users add queries for themselves" on public.user_search_queries
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (cv_document_id is null
         or exists (select 1 from public.cv_documents d
                    where d.id = cv_document_id and d.user_id = (select auth.uid())))
  );

create policy "Users edit their own queries" on public.user_search_queries
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Users delete their own queries" on public.user_search_queries
  for delete to authenticated
  using (user_id = (select auth.uid()));

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
