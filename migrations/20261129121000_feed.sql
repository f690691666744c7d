-- ---------------------------------------------------------------------------
-- The user's feed: the jobs their active searches found, one row per job, ranked against their
-- CV profile and explained, without expired jobs and without what they hid, with "new since my
-- last visit".
--
-- public.feed_items holds, per user and job their active searches found, the job's score
-- against the user's CV (all of it but recency, which moves with the clock) and whether the job
-- is current. Triggers on every table the feed depends on keep it right within the writing
-- transaction, whoever writes (the backfill, the refresh, a user's edit, a bulk insert in the
-- SQL editor):
--   combination_jobs      a combination found a job (or lost it): its users' items
--   user_search_queries   a search added, edited, switched off or removed: its jobs' items
--   cv_documents          a newer parsed CV: the user's items are scored again
--   jobs                  a changed title, place, level, ... : the job's items are scored again;
--                         a changed validity or expiry, a sighting after a gap: only currency
--   settings              feed_stale_after_days changed: when every item stops being current
-- A job stops being current when its validity ends (jobs.valid_through), a provider reports it
-- expired (jobs.expired_at), or no provider has listed it for settings.feed_stale_after_days
-- (jobs.last_seen_at); it leaves every feed and stays in the store for the analytics.
-- public.job_feed reads the first page as an index scan of the user's best items: its cost
-- follows the page, not the history (measured in docs/PERFORMANCE.md, "Feed latency").
-- A sweep (private.schedules: every 10 minutes) moves items past their recency step or out of
-- currency; job_feed reads both from the clock and the job, so the sweep only keeps the scan
-- short. public.job_feed is SECURITY INVOKER: it reads the caller's own items, CV and hidden
-- rows.
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

-- ---- the items -------------------------------------------------------------------------------

create table public.feed_items (
  user_id uuid not null references auth.users (id) on delete cascade,
  job_id bigint not null references public.jobs (id) on delete cascade,
  -- the user's search that matched the job best (title and place points)
  matched_title text not null,
  matched_location text not null,
  -- the score's parts but recency; what they mean: private.feed_score
  s_title smallint not null,
  s_location smallint not null,
  s_seniority smallint not null,
  s_arrangement smallint not null,
  s_employment smallint not null,
  s_salary smallint not null,
  base_score smallint not null
    generated always as (s_title + s_location + s_seniority + s_arrangement + s_employment
                         + s_salary) stored,
  posted_at timestamptz,
  -- recency points and until when they hold (private.feed_recency); rank = what job_feed orders by
  recency smallint not null,
  recency_until timestamptz not null,
  rank smallint not null
    generated always as (s_title + s_location + s_seniority + s_arrangement + s_employment
                         + s_salary + recency) stored,
  -- an active search of the user found the job
  covered boolean not null,
  -- when the job stops being current, as last written (private.feed_live_until): the sweep
  -- looks at the item again then (a sighting less than 20 hours after the last one moves the
  -- job's last_seen_at only)
  live_until timestamptz not null,
  -- covered and current when last written; job_feed and the sweep check the job itself
  live boolean not null,
  -- when the job first entered this user's feed: "new" is measured from here, and it is kept
  -- when the job leaves and comes back (a repost merged into it, a search switched back on)
  listed_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, job_id)
);

comment on table public.feed_items is
  'Each user''s feed as rows: the jobs their searches found, scored against their CV. Kept by '
  'triggers; read through public.job_feed.';
comment on column public.feed_items.listed_at is
  'When the job entered this user''s feed; "new since my last visit" compares it.';

-- The first page: the user's current items, best first (job_feed's order).
create index feed_items_rank_idx on public.feed_items
  (user_id, rank desc, posted_at desc nulls last, job_id) where live;
create index feed_items_job_idx on public.feed_items (job_id);

-- what the sweep moves: items past a recency step or past their currency
create index feed_items_sweep_idx on public.feed_items (least(recency_until, live_until))
  where live;

-- Items whose recency step passed since the sweep: job_feed reads that many more rows, then
-- orders by the exact score (a stored rank is never below the exact one).
create index feed_items_user_recency_due_idx on public.feed_items (user_id, recency_until)
  where live;

alter table public.feed_items enable row level security;
revoke all on public.feed_items from anon, authenticated;
grant select on public.feed_items to authenticated;
grant all on public.feed_items to service_role;

create policy "Users read their feed items" on public.feed_items
  for select to authenticated using (user_id = (select auth.uid()));

-- A job is readable by the users whose active searches found it.
create policy "Users read the jobs in their feed" on public.jobs
  for select to authenticated
  using (exists (select 1 from public.feed_items e
                 where e.user_id = (select auth.uid()) and e.job_id = jobs.id and e.covered));

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

-- ---- the rules, one home each --------------------------------------------------------------
-- SQL-standard bodies (RETURN) are bound when created and need no search_path; without a SET
-- clause and without subqueries the planner inlines them into the statements that score
-- thousands of items at once (feed_recency: 2 us a row inlined).

create type private.feed_score_parts as (
  s_title smallint,
  s_location smallint,
  s_seniority smallint,
  s_arrangement smallint,
  s_employment smallint,
  s_salary smallint
);

create type private.feed_recency_step as (points smallint, until timestamptz);

create type private.feed_job_currency as (
  live_until timestamptz,
  recency smallint,
  recency_until timestamptz
);

-- 30 x the share of a search title's words found in a job title ("data platform engineer" in
-- "Senior Data Engineer": 2 of 3, 20); asked only when the whole search title is not in the job
-- title. PL/pgSQL: 4.6 us a call, where a SQL body (a subquery, so never inlined) took 10.
create function private.feed_title_share(p_title text, p_title_keyword text) returns smallint
language plpgsql immutable set search_path = ''
as $$
declare
  words constant text[] := string_to_array(p_title_keyword, ' ');
  title constant text := lower(p_title);
  word text;
  found integer := 0;
begin
  foreach word in array words loop
    if title like '%' || word || '%' then
      found := found + 1;
    end if;
  end loop;
  return 30 * found / greatest(cardinality(words), 1);
end
$$;

-- The score's parts but recency, out of 85:
--   title 40 (the search's title in the job title; else private.feed_title_share),
--   location 15 (the search's place in the job's city or place; remote searches: remote jobs),
--   seniority 10 (a level the CV names; 5 for a neighbouring level; 3 when the job has none),
--   work arrangement 10 (one the CV accepts; 3 when unknown), employment type 5 (accepted; 2
--   unknown), salary listed 5.
create function private.feed_score(
  p_title text,
  p_city text,
  p_location_raw text,
  p_work_arrangement public.work_arrangement,
  p_employment_type public.employment_type,
  p_seniority public.seniority_level,
  p_salary_min numeric,
  p_salary_max numeric,
  p_title_keyword text,
  p_search_location text,
  p_levels text[],
  p_arrangements text[],
  p_employment text[]
) returns private.feed_score_parts
language sql immutable
return row(
  case when lower(p_title) like '%' || p_title_keyword || '%' then 40
       else private.feed_title_share(p_title, p_title_keyword) end,
  case when p_search_location like 'remote%' and p_work_arrangement::text like 'Remote%' then 15
       when lower(coalesce(p_city, '')) = p_search_location
         or lower(coalesce(p_location_raw, '')) like '%' || p_search_location || '%' then 15
       else 0 end,
  case when p_seniority is null then 3
       when p_seniority::text = any(p_levels) then 10
       -- the level below or above it (the levels in order: 0-2, 2-5, 5-10, 10+)
       when (array['0-2', '2-5', '5-10', '10+'])[
              array_position(array['0-2', '2-5', '5-10', '10+'], p_seniority::text) - 1]
              = any(p_levels)
         or (array['0-2', '2-5', '5-10', '10+'])[
              array_position(array['0-2', '2-5', '5-10', '10+'], p_seniority::text) + 1]
              = any(p_levels) then 5
       else 0 end,
  case when p_work_arrangement is null then 3
       when p_work_arrangement::text = any(p_arrangements) then 10 else 0 end,
  case when p_employment_type is null then 2
       when p_employment_type::text = any(p_employment) then 5 else 0 end,
  case when p_salary_min is not null or p_salary_max is not null then 5 else 0 end
)::private.feed_score_parts;

-- Recency points at p_at and until when they hold: posted within a day 15, 3 days 12, a week 8,
-- two weeks 5, a month 2, else (or no date) 0 for good.
-- (stable, not immutable: callers pass now(), and an immutable body is not inlined with it)
create function private.feed_recency(p_posted_at timestamptz, p_at timestamptz)
returns private.feed_recency_step
language sql stable
return row(
  case when p_posted_at is null then 0
       when p_at < p_posted_at + interval '1 day' then 15
       when p_at < p_posted_at + interval '3 days' then 12
       when p_at < p_posted_at + interval '7 days' then 8
       when p_at < p_posted_at + interval '14 days' then 5
       when p_at < p_posted_at + interval '30 days' then 2
       else 0 end,
  case when p_posted_at is null then 'infinity'::timestamptz
       when p_at < p_posted_at + interval '1 day' then p_posted_at + interval '1 day'
       when p_at < p_posted_at + interval '3 days' then p_posted_at + interval '3 days'
       when p_at < p_posted_at + interval '7 days' then p_posted_at + interval '7 days'
       when p_at < p_posted_at + interval '14 days' then p_posted_at + interval '14 days'
       when p_at < p_posted_at + interval '30 days' then p_posted_at + interval '30 days'
       else 'infinity'::timestamptz end
)::private.feed_recency_step;

-- When a job stops being current: its validity ends, a provider reports it expired, or no
-- provider has listed it for p_stale_days days.
create function private.feed_live_until(
  p_valid_through timestamptz,
  p_expired_at timestamptz,
  p_last_seen_at timestamptz,
  p_stale_days integer
) returns timestamptz
language sql immutable
return least(p_valid_through, p_expired_at, p_last_seen_at + make_interval(days => p_stale_days));

-- A job's currency for its feed items now: when it stops being current (private.feed_live_until
-- with settings.feed_stale_after_days) and its recency points and until when they hold
-- (private.feed_recency). The one home of what relisting, restating and the sweep write.
create function private.feed_currency(p_job public.jobs, p_stale_days integer)
returns private.feed_job_currency
language sql stable
return row(
  private.feed_live_until(p_job.valid_through, p_job.expired_at, p_job.last_seen_at, p_stale_days),
  (private.feed_recency(p_job.posted_at, now())).points,
  (private.feed_recency(p_job.posted_at, now())).until
)::private.feed_job_currency;

-- "matches Data Engineer · Berlin · your level · Hybrid · posted today · salary listed"
create function private.feed_reason(
  p_matched_title text,
  p_matched_location text,
  p_s_title integer,
  p_s_location integer,
  p_s_seniority integer,
  p_s_arrangement integer,
  p_s_salary integer,
  p_work_arrangement text,
  p_posted_at timestamptz
) returns text
language sql stable
return concat_ws(' · ',
  case when p_s_title >= 40 then 'matches ' || initcap(p_matched_title)
       when p_s_title > 0 then 'close to ' || initcap(p_matched_title) end,
  case when p_s_location > 0 then initcap(p_matched_location) end,
  case when p_s_seniority = 10 then 'your level' end,
  case when p_s_arrangement = 10 then p_work_arrangement end,
  private.age_phrase(p_posted_at),
  case when p_s_salary > 0 then 'salary listed' end);

-- What a user's newest parsed CV accepts: levels, work arrangements, employment types.
create function private.feed_wants(p_user_id uuid)
returns table (levels text[], arrangements text[], employment text[])
language sql stable set search_path = ''
as $$
  with profile as (
    select d.profile from public.cv_documents d
    where d.user_id = p_user_id and d.status = 'parsed' and d.profile is not null
    order by d.created_at desc limit 1
  )
  select
    coalesce((select array_agg(distinct t ->> 'seniority')
              from profile, jsonb_array_elements(profile -> 'job_titles') t), '{}'),
    coalesce((select array_agg(value)
              from profile, jsonb_array_elements_text(profile -> 'work_arrangements')), '{}'),
    coalesce((select array_agg(value)
              from profile, jsonb_array_elements_text(profile -> 'employment_types')), '{}')
$$;

revoke execute on function
  private.feed_title_share(text, text),
  private.feed_score(text, text, text, public.work_arrangement, public.employment_type,
                     public.seniority_level, numeric, numeric, text, text, text[], text[], text[]),
  private.feed_recency(timestamptz, timestamptz),
  private.feed_live_until(timestamptz, timestamptz, timestamptz, integer),
  private.feed_currency(public.jobs, integer),
  private.feed_reason(text, text, integer, integer, integer, integer, integer, text, timestamptz),
  private.feed_wants(uuid)
  from public;
-- job_feed runs as its caller
grant execute on function private.feed_recency(timestamptz, timestamptz),
  private.feed_live_until(timestamptz, timestamptz, timestamptz, integer),
  private.feed_reason(text, text, integer, integer, integer, integer, integer, text, timestamptz)
  to authenticated;

-- ---- writing items -------------------------------------------------------------------------
-- One statement decides each given (user, job): the best of the user's active searches that
-- found the job, scored, is upserted (listed_at kept); a pair no active search covers any more
-- is marked so (kept, for listed_at). Rows are taken in (user, job) order, so two writers wait
-- for each other rather than deadlock.

-- PL/pgSQL for its plan cache: as a SQL function the statement was planned on every call, about
-- 200 us, which the per-job triggers paid for every changed job.
create function private.relist_feed_items(p_user_ids uuid[], p_job_ids bigint[])
returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  decided integer;
begin
  with pairs as materialized (
    select distinct p.user_id, p.job_id
    from unnest(p_user_ids, p_job_ids) as p(user_id, job_id)
    where p.user_id is not null and p.job_id is not null
  ),
  wants as materialized (
    select u.user_id, w.levels, w.arrangements, w.employment
    from (select distinct user_id from pairs) u
    cross join lateral private.feed_wants(u.user_id) w
  ),
  -- the combinations that found each job, from the job's side (a job has few): the user's
  -- searches are then one hash join away (5,000 pairs: 12 ms, where starting from the searches
  -- took 200)
  found as materialized (
    select p.user_id, p.job_id, bt.combination_key
    from pairs p
    join public.combination_jobs cj on cj.job_id = p.job_id
    join public.backfill_tracking bt on bt.id = cj.combination_id
  ),
  matched as (
    select distinct on (p.user_id, p.job_id)
      p.user_id, p.job_id, q.title_keyword, q.location, j.posted_at, sc.*, c.*
    from found p
    cross join public.settings st
    join public.user_search_queries q
      on q.user_id = p.user_id and q.combination_key = p.combination_key and q.is_active
    join public.jobs j on j.id = p.job_id
    join wants w on w.user_id = p.user_id
    cross join lateral private.feed_score(
      j.title, j.location_city, j.location_raw, j.work_arrangement, j.employment_type,
      j.seniority, j.salary_min, j.salary_max, q.title_keyword, q.location,
      w.levels, w.arrangements, w.employment) sc
    cross join lateral private.feed_currency(j, st.feed_stale_after_days) c
    order by p.user_id, p.job_id, sc.s_title + sc.s_location desc, q.id
  ),
  upserted as (
    insert into public.feed_items as e (user_id, job_id, matched_title, matched_location,
      s_title, s_location, s_seniority, s_arrangement, s_employment, s_salary, posted_at,
      recency, recency_until, covered, live_until, live)
    select m.user_id, m.job_id, m.title_keyword, m.location, m.s_title, m.s_location,
      m.s_seniority, m.s_arrangement, m.s_employment, m.s_salary, m.posted_at, m.recency,
      m.recency_until, true, m.live_until, m.live_until > now()
    from matched m
    order by m.user_id, m.job_id
    on conflict (user_id, job_id) do update set
      matched_title = excluded.matched_title, matched_location = excluded.matched_location,
      s_title = excluded.s_title, s_location = excluded.s_location,
      s_seniority = excluded.s_seniority, s_arrangement = excluded.s_arrangement,
      s_employment = excluded.s_employment, s_salary = excluded.s_salary,
      posted_at = excluded.posted_at, recency = excluded.recency,
      recency_until = excluded.recency_until, covered = true,
      live_until = excluded.live_until, live = excluded.live, updated_at = now()
    -- an item that comes out the same is not written again (a newer CV with the same levels)
    where (e.matched_title, e.matched_location, e.s_title, e.s_location, e.s_seniority,
           e.s_arrangement, e.s_employment, e.s_salary, e.posted_at, e.recency, e.recency_until,
           e.covered, e.live_until, e.live)
          is distinct from
          (excluded.matched_title, excluded.matched_location, excluded.s_title,
           excluded.s_location, excluded.s_seniority, excluded.s_arrangement,
           excluded.s_employment, excluded.s_salary, excluded.posted_at, excluded.recency,
           excluded.recency_until, true, excluded.live_until, excluded.live)
    returning 1
  ),
  uncovered as (
    update public.feed_items e set covered = false, live = false, updated_at = now()
    from pairs p
    where e.user_id = p.user_id and e.job_id = p.job_id and e.covered
      and not exists (select 1 from matched m where m.user_id = p.user_id and m.job_id = p.job_id)
    returning 1
  )
  select ((select count(*) from upserted) + (select count(*) from uncovered))::integer
  into decided;
  return decided;
end
$$;

-- The jobs' items when only their currency moved (a provider listed them again, their validity
-- changed, a provider reported them expired): no scoring.
create function private.restate_feed_items(p_job_ids bigint[]) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  restated_count integer;
begin
  with restated as (
    update public.feed_items e set
      live_until = c.live_until,
      live = e.covered and c.live_until > now(),
      recency = c.recency,
      recency_until = c.recency_until,
      updated_at = now()
    from public.jobs j
    cross join public.settings st
    cross join lateral private.feed_currency(j, st.feed_stale_after_days) c
    where j.id = any(p_job_ids) and e.job_id = j.id
      and (e.live_until is distinct from c.live_until
           or e.live is distinct from (e.covered and c.live_until > now()))
    returning 1
  )
  select count(*)::integer from restated into restated_count;
  return restated_count;
end
$$;

-- ---- the triggers -----------------------------------------------------------------------------
-- Statement-level on combination_jobs, user_search_queries and cv_documents, so a bulk write
-- costs one set-based statement; one function per table, for its inserts, updates and deletes.
-- Row-level with WHEN clauses on jobs (see feed_after_job_change).

-- A combination's lock between the two sides that meet in a feed: a page store linking jobs to
-- it (exclusive) and users adding, editing or switching searches of it (shared). Each side reads
-- the other only once it holds the lock, in a statement of its own, so it sees what the other
-- committed; without it, a search added while a page of its combination was stored missed that
-- page's jobs for good (each side looked before the other committed).
create function private.feed_combination_lock(p_combination_key text) returns bigint
language sql immutable
return hashtextextended('feed-combination:' || p_combination_key, 0);

-- combination_jobs changed (a statement's rows at once):
--   inserted   a combination found jobs: the items of its users' active searches, under the
--              combination's lock;
--   updated    only a link re-pointed to another combination or job changes a feed (the store's
--              updates move last_found_at only);
--   deleted    the items of those jobs are decided again.
create function private.feed_after_links_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  key text;
begin
  if tg_op = 'INSERT' then
    for key in
      select distinct bt.combination_key
      from new_links n join public.backfill_tracking bt on bt.id = n.combination_id
      order by 1
    loop
      perform pg_advisory_xact_lock(private.feed_combination_lock(key));
    end loop;
    perform private.relist_feed_items(array_agg(q.user_id), array_agg(n.job_id))
    from new_links n
    join public.backfill_tracking bt on bt.id = n.combination_id
    join public.user_search_queries q on q.combination_key = bt.combination_key and q.is_active;
  elsif tg_op = 'UPDATE' then
    perform private.relist_feed_items(array_agg(k.user_id), array_agg(k.job_id))
    from (
      select e.user_id, e.job_id
      from public.feed_items e
      where e.covered
        and e.job_id in (select r.job_id
                         from (select o.combination_id, o.job_id from old_links o
                               except
                               select n.combination_id, n.job_id from new_links n) r)
      union
      select q.user_id, a.job_id
      from (select n.combination_id, n.job_id from new_links n
            except
            select o.combination_id, o.job_id from old_links o) a
      join public.backfill_tracking bt on bt.id = a.combination_id
      join public.user_search_queries q on q.combination_key = bt.combination_key and q.is_active
    ) k;
  else
    perform private.relist_feed_items(array_agg(e.user_id), array_agg(e.job_id))
    from public.feed_items e
    where e.covered and e.job_id in (select o.job_id from old_links o);
  end if;
  return null;
end
$$;

create trigger combination_jobs_feed_insert after insert on public.combination_jobs
  referencing new table as new_links
  for each statement execute function private.feed_after_links_change();

create trigger combination_jobs_feed_update after update on public.combination_jobs
  referencing old table as old_links new table as new_links
  for each statement execute function private.feed_after_links_change();

create trigger combination_jobs_feed_delete after delete on public.combination_jobs
  referencing old table as old_links
  for each statement execute function private.feed_after_links_change();

-- Jobs changed. Row triggers whose WHEN clause the server checks without a call, because the
-- store updates thousands of jobs a page: a statement trigger with transition tables made every
-- page store 3x slower (5,500 instead of 17,000 jobs a second) though it found nothing to do.
--   'rescore' (jobs_feed_rescored): a changed title, place, level, arrangement, employment type,
--     salary or posting date: the job's items are scored again;
--   'restate' (jobs_feed_restated): a changed validity or provider expiry, or a sighting after
--     20 hours or more: when the items stop being current is written again. A job that went
--     stale was last seen a day ago at least (feed_stale_after_days >= 1), so its next sighting
--     always counts; sightings closer together only move last_seen_at, which job_feed and the
--     sweep read from the job itself.
create function private.feed_after_job_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  -- most stored jobs are in nobody's feed: one index probe, then nothing
  if not exists (select 1 from public.feed_items e where e.job_id = new.id) then
    return null;
  end if;
  if tg_argv[0] = 'rescore' then
    perform private.relist_feed_items(array_agg(e.user_id), array_agg(e.job_id))
    from public.feed_items e
    where e.job_id = new.id and e.covered;
  else
    perform private.restate_feed_items(array[new.id]);
  end if;
  return null;
end
$$;

create trigger jobs_feed_rescored
  after update of title, location_city, location_raw, work_arrangement, employment_type,
    seniority, salary_min, salary_max, posted_at on public.jobs
  for each row
  when ((old.title, old.location_city, old.location_raw, old.work_arrangement,
         old.employment_type, old.seniority, old.salary_min, old.salary_max, old.posted_at)
        is distinct from
        (new.title, new.location_city, new.location_raw, new.work_arrangement,
         new.employment_type, new.seniority, new.salary_min, new.salary_max, new.posted_at))
  execute function private.feed_after_job_change('rescore');

create trigger jobs_feed_restated
  after update of last_seen_at, valid_through, expired_at on public.jobs
  for each row
  when (old.valid_through is distinct from new.valid_through
        or old.expired_at is distinct from new.expired_at
        or new.last_seen_at >= old.last_seen_at + interval '20 hours')
  execute function private.feed_after_job_change('restate');

-- Searches added, changed or removed: the items of every job their combinations found.
create function private.relist_feed_for_searches(p_user_ids uuid[], p_keys text[])
returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  key text;
  decided integer;
begin
  for key in select distinct k from unnest(p_keys) k where k is not null order by 1 loop
    perform pg_advisory_xact_lock_shared(private.feed_combination_lock(key));
  end loop;
  select coalesce(private.relist_feed_items(array_agg(s.user_id), array_agg(cj.job_id)), 0)
  into decided
  from (select distinct * from unnest(p_user_ids, p_keys) as s(user_id, key)) s
  join public.backfill_tracking bt on bt.combination_key = s.key
  join public.combination_jobs cj on cj.combination_id = bt.id;
  return decided;
end
$$;

-- user_search_queries changed: the items of every job the combinations of the searches added,
-- switched on or off, re-pointed or removed found (for both sides of an edit).
create function private.feed_after_searches_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.relist_feed_for_searches(array_agg(n.user_id), array_agg(n.combination_key))
    from new_searches n
    where n.is_active;
  elsif tg_op = 'UPDATE' then
    perform private.relist_feed_for_searches(array_agg(k.user_id), array_agg(k.combination_key))
    from new_searches n
    join old_searches o on o.id = n.id
    cross join lateral (values (n.user_id, n.combination_key), (o.user_id, o.combination_key))
      as k(user_id, combination_key)
    where (n.user_id, n.combination_key, n.is_active)
          is distinct from (o.user_id, o.combination_key, o.is_active);
  else
    perform private.relist_feed_for_searches(array_agg(o.user_id), array_agg(o.combination_key))
    from old_searches o
    where o.is_active;
  end if;
  return null;
end
$$;

create trigger user_search_queries_feed_insert after insert on public.user_search_queries
  referencing new table as new_searches
  for each statement execute function private.feed_after_searches_change();

create trigger user_search_queries_feed_update after update on public.user_search_queries
  referencing old table as old_searches new table as new_searches
  for each statement execute function private.feed_after_searches_change();

create trigger user_search_queries_feed_delete after delete on public.user_search_queries
  referencing old table as old_searches
  for each statement execute function private.feed_after_searches_change();

-- A user's newest parsed CV may have changed: all their covered items are scored again.
create function private.relist_feed_for_users(p_user_ids uuid[]) returns integer
language sql volatile security definer set search_path = ''
as $$
  select coalesce(private.relist_feed_items(array_agg(e.user_id), array_agg(e.job_id)), 0)
  from public.feed_items e
  where e.covered and e.user_id = any(p_user_ids)
$$;

-- cv_documents changed: a user's newest parsed CV may have changed (one parsed, re-read,
-- re-dated or removed), so all their covered items are scored again.
create function private.feed_after_cvs_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.relist_feed_for_users(array_agg(distinct n.user_id))
    from new_cvs n
    where n.status = 'parsed'
    having count(*) > 0;
  elsif tg_op = 'UPDATE' then
    perform private.relist_feed_for_users(array_agg(distinct n.user_id))
    from new_cvs n
    join old_cvs o on o.id = n.id
    where (n.status, n.profile, n.created_at) is distinct from (o.status, o.profile, o.created_at)
      and 'parsed' in (n.status, o.status)
    having count(*) > 0;
  else
    perform private.relist_feed_for_users(array_agg(distinct o.user_id))
    from old_cvs o
    where o.status = 'parsed'
    having count(*) > 0;
  end if;
  return null;
end
$$;

create trigger cv_documents_feed_insert after insert on public.cv_documents
  referencing new table as new_cvs
  for each statement execute function private.feed_after_cvs_change();

create trigger cv_documents_feed_update after update on public.cv_documents
  referencing old table as old_cvs new table as new_cvs
  for each statement execute function private.feed_after_cvs_change();

create trigger cv_documents_feed_delete after delete on public.cv_documents
  referencing old table as old_cvs
  for each statement execute function private.feed_after_cvs_change();

-- feed_stale_after_days changed: when every item stops being current.
create function private.feed_after_settings_update() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.restate_feed_items(array(select distinct e.job_id from public.feed_items e));
  return null;
end
$$;

create trigger settings_feed_update after update of feed_stale_after_days on public.settings
  for each row when (old.feed_stale_after_days is distinct from new.feed_stale_after_days)
  execute function private.feed_after_settings_update();

revoke execute on function private.relist_feed_items(uuid[], bigint[]),
  private.restate_feed_items(bigint[]),
  private.relist_feed_for_searches(uuid[], text[]),
  private.relist_feed_for_users(uuid[]),
  private.feed_combination_lock(text),
  private.feed_after_links_change(),
  private.feed_after_job_change(),
  private.feed_after_searches_change(),
  private.feed_after_cvs_change(),
  private.feed_after_settings_update()
  from public, anon, authenticated;

-- ---- the sweep (private.schedules: every 10 minutes) -----------------------------------------
-- Items whose job stopped being current leave the index job_feed scans; items past a recency
-- step take the next. job_feed is exact without it.

create function private.sweep_feed_items(out ended integer, out restepped integer)
language sql volatile security definer set search_path = ''
as $$
  with due as (
    select e.user_id, e.job_id, e.updated_at, c.live_until, c.recency, c.recency_until
    from public.feed_items e
    join public.jobs j on j.id = e.job_id
    cross join public.settings st
    cross join lateral private.feed_currency(j, st.feed_stale_after_days) c
    where e.live and least(e.recency_until, e.live_until) <= now()
  ),
  swept as (
    update public.feed_items e set
      live_until = d.live_until,
      live = d.live_until > now(),
      recency = d.recency,
      recency_until = d.recency_until,
      updated_at = now()
    from due d
    -- an item written since (a sighting brought it back, a rescore moved it) is left as it is:
    -- the write read newer rows than this sweep did
    where e.user_id = d.user_id and e.job_id = d.job_id and e.updated_at = d.updated_at
    returning e.live
  )
  select (count(*) filter (where not s.live))::integer, (count(*) filter (where s.live))::integer
  from swept s
$$;

revoke execute on function private.sweep_feed_items() from public, anon, authenticated;
grant execute on function private.sweep_feed_items() to service_role;

-- ---- reading ---------------------------------------------------------------------------------

-- Records a visit and returns the "new since" mark. A visit is a stretch of feed reads less than
-- 30 minutes apart; what entered the feed after the previous visit ended is new (the rule:
-- private.feed_new_since, in 20261207140000_feed_reads.sql).
create or replace function public.mark_feed_visited() returns timestamptz
language sql volatile security definer set search_path = ''
as $$
  insert into public.feed_visits as v (user_id, last_visit_at, previous_visit_at)
  values ((select auth.uid()), now(), null)
  on conflict (user_id) do update
    set previous_visit_at = case when v.last_visit_at < now() - interval '30 minutes'
                                 then v.last_visit_at else v.previous_visit_at end,
        last_visit_at = now()
  returning previous_visit_at
$$;

revoke execute on function public.mark_feed_visited() from public, anon;
grant execute on function public.mark_feed_visited() to authenticated;

-- The setting, for job_feed, which runs as its caller (settings is the service's table).
create function private.feed_stale_after_days() returns integer
language sql stable security definer set search_path = ''
as $$ select s.feed_stale_after_days from public.settings s $$;

revoke execute on function private.feed_stale_after_days() from public, anon;
grant execute on function private.feed_stale_after_days() to authenticated;

-- The calling user's ranked feed: the first page is an index scan of their current items,
-- best first (private.feed_score + private.feed_recency), explained (private.feed_reason).
-- The statement is built for the call (only the filters asked for, the user and the bounds as
-- literals) so that the planner takes that index scan: planned once for every user and filter,
-- it sorted all current items of all users instead (40 ms instead of 3 at a year's data).
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
language plpgsql stable security invoker set search_path = ''
as $fn$
declare
  me constant uuid := (select auth.uid());
  lim constant integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  skip constant integer := greatest(coalesce(p_offset, 0), 0);
  new_since timestamptz;
  due integer;
  stale_days integer;
  filters text := '';
begin
  if me is null then
    return;
  end if;
  select coalesce(max(v.previous_visit_at), '-infinity') into new_since
  from public.feed_visits v where v.user_id = me;
  stale_days := private.feed_stale_after_days();
  -- items past a recency step since the sweep: read that many more, then order exactly (a
  -- stored rank is never below the exact one)
  select count(*) into due from public.feed_items e
  where e.user_id = me and e.live and e.recency_until <= now();
  if p_only_new then
    filters := filters || format(' and e.listed_at > %L::timestamptz', new_since);
  end if;
  if p_work_arrangement is not null then
    filters := filters || format(' and j.work_arrangement::text = %L', p_work_arrangement);
  end if;
  if p_search is not null then
    filters := filters || format(' and (j.title ilike %1$L or j.company ilike %1$L)',
                                 '%' || p_search || '%');
  end if;
  return query execute format($q$
    with scanned as (
      select e.job_id, e.matched_title, e.matched_location, e.s_title, e.s_location,
        e.s_seniority, e.s_arrangement, e.s_salary, e.base_score, e.posted_at, e.listed_at,
        j.title, j.company, j.location_city, j.location_country, j.work_arrangement,
        j.employment_type, j.seniority, j.salary_min, j.salary_max, j.salary_currency,
        j.salary_period, j.apply_url
      from public.feed_items e
      join public.jobs j on j.id = e.job_id
      where e.user_id = %1$L and e.live %2$s
        and private.feed_live_until(j.valid_through, j.expired_at, j.last_seen_at, %7$s) > now()
        and not exists (select 1 from public.hidden_jobs h
                        where h.user_id = %1$L and h.job_id = e.job_id)
        and not exists (select 1 from public.hidden_companies hc
                        where hc.user_id = %1$L and hc.company_key = lower(btrim(j.company)))
      order by e.rank desc, e.posted_at desc nulls last, e.job_id
      limit %3$s
    ),
    ranked as (
      select s.*, s.base_score + r.points as total
      from scanned s
      cross join lateral private.feed_recency(s.posted_at, now()) r
      order by total desc, s.posted_at desc nulls last, s.job_id
      limit %4$s offset %5$s
    )
    select b.job_id, b.title, b.company, b.location_city, b.location_country,
      b.work_arrangement::text, b.employment_type::text, b.seniority::text, b.salary_min,
      b.salary_max, b.salary_currency, b.salary_period, b.posted_at, b.apply_url,
      b.matched_title, b.matched_location, b.total::integer,
      private.feed_reason(b.matched_title, b.matched_location, b.s_title, b.s_location,
                          b.s_seniority, b.s_arrangement, b.s_salary, b.work_arrangement::text,
                          b.posted_at),
      b.listed_at > %6$L::timestamptz
    from ranked b
    order by b.total desc, b.posted_at desc nulls last, b.job_id
    $q$, me, filters, lim::bigint + skip + due, lim, skip, new_since, stale_days);
end
$fn$;
comment on function public.job_feed(integer, integer, boolean, text, text) is
  'The calling user''s feed: one row per job, ranked against their CV profile, explained.';

revoke execute on function public.job_feed(integer, integer, boolean, text, text)
  from public, anon;
grant execute on function public.job_feed(integer, integer, boolean, text, text)
  to authenticated, service_role;
