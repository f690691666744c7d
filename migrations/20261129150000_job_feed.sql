-- ---------------------------------------------------------------------------
-- The user's feed (issue 8): the jobs their active searches found, one row per job, ranked
-- against their CV profile and explained, without expired jobs and without what they hid, with
-- "new since my last visit". `public.job_feed(...)` is SECURITY INVOKER: it reads `jobs` through
-- its RLS policy (the caller's feed) and the caller's own CV and hidden rows; only the link from
-- a job to the search that found it comes from a definer helper scoped to auth.uid().
-- ---------------------------------------------------------------------------

create table public.hidden_jobs (
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  job_id bigint not null references public.jobs (id) on delete cascade,
  hidden_at timestamptz not null default now(),
  primary key (user_id, job_id)
);

create table public.hidden_companies (
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  company text not null check (btrim(company) <> ''),
  company_key text not null generated always as (lower(btrim(company))) stored,
  hidden_at timestamptz not null default now(),
  primary key (user_id, company_key)
);

create table public.feed_visits (
  user_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  last_visit_at timestamptz not null default now(),
  -- the visit before the last one: jobs first seen after it are "new" during this visit
  previous_visit_at timestamptz
);

comment on table public.hidden_jobs is 'Jobs a user hid from their feed; they do not come back.';
comment on table public.hidden_companies is 'Companies a user hid from their feed.';
comment on table public.feed_visits is 'When each user last opened their feed ("new since").';

alter table public.hidden_jobs enable row level security;
alter table public.hidden_companies enable row level security;
alter table public.feed_visits enable row level security;

revoke all on public.hidden_jobs, public.hidden_companies, public.feed_visits
  from anon, authenticated;
grant select, delete on public.hidden_jobs, public.hidden_companies to authenticated;
-- user_id may be sent (supabase-js clients often do); the policies hold it to auth.uid()
grant insert (user_id, job_id) on public.hidden_jobs to authenticated;
grant insert (user_id, company) on public.hidden_companies to authenticated;
grant select on public.feed_visits to authenticated;
grant all on public.hidden_jobs, public.hidden_companies, public.feed_visits to service_role;

create policy "Users see their hidden jobs" on public.hidden_jobs
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users hide jobs for themselves" on public.hidden_jobs
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Users unhide their jobs" on public.hidden_jobs
  for delete to authenticated using (user_id = (select auth.uid()));
create policy "Users see their hidden companies" on public.hidden_companies
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users hide companies for themselves" on public.hidden_companies
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Users unhide their companies" on public.hidden_companies
  for delete to authenticated using (user_id = (select auth.uid()));
create policy "Users see their visits" on public.feed_visits
  for select to authenticated using (user_id = (select auth.uid()));

-- For the calling user: each job in their feed with the active search that found it (a job
-- found by several searches appears once per search; job_feed keeps the best).
create or replace function private.feed_matches()
returns table (job_id bigint, title_keyword text, location text)
language sql stable security definer set search_path = ''
as $$
  select cj.job_id, q.title_keyword, q.location
  from public.user_search_queries q
  join public.backfill_tracking bt on bt.combination_key = q.combination_key
  join public.combination_jobs cj on cj.combination_id = bt.id
  where q.user_id = (select auth.uid()) and q.is_active
$$;

revoke execute on function private.feed_matches() from public, anon;
grant execute on function private.feed_matches() to authenticated;

-- "posted today", "posted yesterday", "posted 3 days ago", ...
create or replace function private.age_phrase(p_at timestamptz) returns text
language sql stable set search_path = ''
as $$
  select case
    when p_at is null then null
    when p_at > now() - interval '1 day' then 'posted today'
    when p_at > now() - interval '2 days' then 'posted yesterday'
    else 'posted ' || extract(day from now() - p_at)::int || ' days ago'
  end
$$;

grant execute on function private.age_phrase(timestamptz) to authenticated;

-- Records a visit: the previous one becomes the "new since" mark. Returns the mark.
create or replace function public.mark_feed_visited() returns timestamptz
language sql volatile security definer set search_path = ''
as $$
  insert into public.feed_visits as v (user_id, last_visit_at, previous_visit_at)
  values ((select auth.uid()), now(), null)
  on conflict (user_id) do update
    set previous_visit_at = v.last_visit_at, last_visit_at = now()
  returning previous_visit_at
$$;

revoke execute on function public.mark_feed_visited() from public, anon;
grant execute on function public.mark_feed_visited() to authenticated;

-- The calling user's ranked feed. Score out of 100:
--   title 40 (the search's title in the job title; else the share of its words found),
--   location 15 (the search's place in the job's city or place; remote searches: remote jobs),
--   recency 15 (today 15, 3 days 12, a week 8, two weeks 5, a month 2),
--   seniority 10 (a level the CV names; 5 for a neighbouring level; 3 when the job has none),
--   work arrangement 10 (one the CV accepts; 3 when unknown), employment type 5 (accepted; 2
--   unknown), salary listed 5.
create or replace function public.job_feed(
  p_limit integer default 50,
  p_offset integer default 0,
  p_only_new boolean default false,
  p_work_arrangement text default null,
  p_search text default null
) returns table (
  job_id bigint,
  title text,
  company text,
  location_city text,
  location_country text,
  work_arrangement text,
  employment_type text,
  seniority text,
  salary_min numeric,
  salary_max numeric,
  salary_currency text,
  salary_period text,
  posted_at timestamptz,
  apply_url text,
  matched_title text,
  matched_location text,
  score integer,
  reason text,
  is_new boolean
)
language sql stable security invoker set search_path = ''
as $$
  with profile as (
    select d.profile from public.cv_documents d
    where d.user_id = (select auth.uid()) and d.status = 'parsed' and d.profile is not null
    order by d.created_at desc limit 1
  ),
  wants as (
    select
      coalesce((select array_agg(distinct t ->> 'seniority')
                from profile, jsonb_array_elements(profile -> 'job_titles') t), '{}') as levels,
      coalesce((select array_agg(value)
                from profile, jsonb_array_elements_text(profile -> 'work_arrangements')), '{}')
        as arrangements,
      coalesce((select array_agg(value)
                from profile, jsonb_array_elements_text(profile -> 'employment_types')), '{}')
        as employment,
      coalesce((select v.previous_visit_at from public.feed_visits v
                where v.user_id = (select auth.uid())), '-infinity'::timestamptz) as new_since
  ),
  candidates as (
    select j.*, m.title_keyword, m.location as search_location
    from public.jobs j
    join private.feed_matches() m on m.job_id = j.id
    where (j.valid_through is null or j.valid_through > now())
      and not exists (select 1 from public.hidden_jobs h
                      where h.user_id = (select auth.uid()) and h.job_id = j.id)
      and not exists (select 1 from public.hidden_companies hc
                      where hc.user_id = (select auth.uid())
                        and hc.company_key = lower(btrim(j.company)))
      and (p_work_arrangement is null or j.work_arrangement = p_work_arrangement)
      and (p_search is null or j.title ilike '%' || p_search || '%'
           or j.company ilike '%' || p_search || '%')
  ),
  scored as (
    select c.*,
      case when lower(c.title) like '%' || c.title_keyword || '%' then 40
           else (select (30 * count(*) / greatest(cardinality(string_to_array(c.title_keyword, ' ')), 1))::int
                 from unnest(string_to_array(c.title_keyword, ' ')) w
                 where lower(c.title) like '%' || w || '%') end as s_title,
      case when c.search_location like 'remote%' and c.work_arrangement like 'Remote%' then 15
           when lower(coalesce(c.location_city, '')) = c.search_location
             or lower(coalesce(c.location_raw, '')) like '%' || c.search_location || '%' then 15
           else 0 end as s_location,
      case when c.posted_at is null then 0
           when c.posted_at > now() - interval '1 day' then 15
           when c.posted_at > now() - interval '3 days' then 12
           when c.posted_at > now() - interval '7 days' then 8
           when c.posted_at > now() - interval '14 days' then 5
           when c.posted_at > now() - interval '30 days' then 2 else 0 end as s_recency,
      case when c.seniority is null then 3
           when c.seniority = any(w.levels) then 10
           when exists (select 1 from unnest(w.levels) l
                        where abs(array_position(array['0-2', '2-5', '5-10', '10+'], l)
                                  - array_position(array['0-2', '2-5', '5-10', '10+'],
                                                   c.seniority::text)) = 1) then 5
           else 0 end as s_seniority,
      case when c.work_arrangement is null then 3
           when c.work_arrangement = any(w.arrangements) then 10 else 0 end as s_arrangement,
      case when c.employment_type is null then 2
           when c.employment_type = any(w.employment) then 5 else 0 end as s_employment,
      case when c.salary_min is not null or c.salary_max is not null then 5 else 0 end as s_salary,
      c.first_seen_at > w.new_since as fresh
    from candidates c cross join wants w
  ),
  best as (
    select distinct on (s.id) s.*,
      (s.s_title + s.s_location + s.s_recency + s.s_seniority + s.s_arrangement + s.s_employment
       + s.s_salary) as total
    from scored s
    order by s.id, (s.s_title + s.s_location) desc
  )
  select b.id, b.title, b.company, b.location_city, b.location_country, b.work_arrangement::text,
         b.employment_type::text, b.seniority::text, b.salary_min, b.salary_max,
         b.salary_currency, b.salary_period, b.posted_at, b.apply_url, b.title_keyword,
         b.search_location, b.total::integer,
         concat_ws(' · ',
           case when b.s_title >= 40 then 'matches ' || initcap(b.title_keyword)
                when b.s_title > 0 then 'close to ' || initcap(b.title_keyword) end,
           case when b.s_location > 0 then initcap(b.search_location) end,
           case when b.s_seniority = 10 then 'your level' end,
           case when b.s_arrangement = 10 then b.work_arrangement::text end,
           private.age_phrase(b.posted_at),
           case when b.s_salary > 0 then 'salary listed' end),
         b.fresh
  from best b
  where not p_only_new or b.fresh
  order by b.total desc, b.posted_at desc nulls last, b.id
  limit least(greatest(p_limit, 1), 200) offset greatest(p_offset, 0)
$$;

comment on function public.job_feed(integer, integer, boolean, text, text) is
  'The calling user''s feed: one row per job, ranked against their CV profile, explained.';

revoke execute on function public.job_feed(integer, integer, boolean, text, text) from public, anon;
grant execute on function public.job_feed(integer, integer, boolean, text, text)
  to authenticated, service_role;
