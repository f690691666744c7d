-- ---------------------------------------------------------------------------
-- What the feed shows, read as its user.
-- "New" means new since the person last looked. A visit is a stretch of feed reads less than 30
-- minutes apart (public.mark_feed_visited); a job is new when it entered the feed
-- (feed_items.listed_at) after the previous visit. On a first visit nothing is new: everything
-- would be, so the badge would say nothing. A reload, or signing out and in again, within the
-- visit keeps the same jobs new; the next visit shows only what came after this one.
-- private.feed_new_since is the one home of that rule; job_feed reads it.
-- The reason names the search as the person typed it ("matches SRE · Berlin"): job_feed passes
-- private.shown_label of the matching search to private.feed_reason, which no longer changes
-- the case itself.
-- ---------------------------------------------------------------------------

create or replace function private.feed_new_since() returns timestamptz
language sql stable security invoker set search_path = ''
as $$
  -- no visit yet, or the first one: 'infinity', so that nothing is new
  select coalesce(
    (select v.previous_visit_at from public.feed_visits v where v.user_id = (select auth.uid())),
    'infinity')
$$;

comment on function private.feed_new_since() is
  'The caller''s "new since" mark: the end of their previous feed visit; infinity before one.';

revoke execute on function private.feed_new_since() from public;
grant execute on function private.feed_new_since() to authenticated, service_role;

create or replace function private.feed_reason(
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
  case when p_s_title >= 40 then 'matches ' || p_matched_title
       when p_s_title > 0 then 'close to ' || p_matched_title end,
  case when p_s_location > 0 then p_matched_location end,
  case when p_s_seniority = 10 then 'your level' end,
  case when p_s_arrangement = 10 then p_work_arrangement end,
  private.age_phrase(p_posted_at),
  case when p_s_salary > 0 then 'salary listed' end);

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
  new_since := private.feed_new_since();
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
      private.feed_reason(private.shown_label(l.title_label, b.matched_title),
                          private.shown_label(l.location_label, b.matched_location), b.s_title,
                          b.s_location, b.s_seniority, b.s_arrangement, b.s_salary,
                          b.work_arrangement::text, b.posted_at),
      b.listed_at > %6$L::timestamptz
    from ranked b
    -- the matching search's labels, as typed (the page's rows only)
    left join lateral (
      select q.title_label, q.location_label from public.user_search_queries q
      where q.user_id = %1$L and q.is_active and q.title_keyword = b.matched_title
        and q.location = b.matched_location
      order by q.title_label is null, q.id
      limit 1
    ) l on true
    order by b.total desc, b.posted_at desc nulls last, b.job_id
    $q$, me, filters, lim::bigint + skip + due, lim, skip, new_since, stale_days);
end
$fn$;
comment on function public.job_feed(integer, integer, boolean, text, text) is
  'The calling user''s feed: one row per job, ranked against their CV profile, explained.';


