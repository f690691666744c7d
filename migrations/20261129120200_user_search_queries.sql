-- ---------------------------------------------------------------------------
-- user_search_queries: the seed's normalized query rows, one per user and search combination
-- (title x location x filters). A newer CV deactivates the previous rows; they are kept.
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
