-- ---------------------------------------------------------------------------
-- The feed reads the skills (20261208100000_skills.sql): private.relist_feed_items scores each
-- item's skills (private.feed_skills) and keeps what matched and what is missing; a job whose
-- skills change (a new title or description, the vocabulary grew) has its items scored again;
-- the reason names the matched skills; public.job_feed returns them and the gap as labels.
-- The score is out of 140 (title 40, skills 40, location 15, level 10, arrangement 10,
-- employment type 5, salary 5, recency 15); job_feed shows it as a share of 100.
-- ---------------------------------------------------------------------------

-- PL/pgSQL for its plan cache (see 20261129121000_feed.sql); now with the skills.
create or replace function private.relist_feed_items(p_user_ids uuid[], p_job_ids bigint[])
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
    select u.user_id, w.levels, w.arrangements, w.employment,
           private.feed_user_skills(u.user_id, 'skill') as skills,
           private.feed_user_skills(u.user_id, 'language') as languages
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
      p.user_id, p.job_id, q.title_keyword, q.location, j.posted_at, sc.*, c.*, k.*
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
    left join public.job_skills js on js.job_id = p.job_id
    cross join lateral private.feed_skills(w.skills, w.languages, coalesce(js.skills, '{}')) k
    cross join lateral private.feed_currency(j, st.feed_stale_after_days) c
    order by p.user_id, p.job_id, sc.s_title + sc.s_location desc, q.id
  ),
  upserted as (
    insert into public.feed_items as e (user_id, job_id, matched_title, matched_location,
      s_title, s_location, s_seniority, s_arrangement, s_employment, s_salary, s_skills,
      matched_skills, missing_skills, posted_at, recency, recency_until, covered, live_until,
      live)
    select m.user_id, m.job_id, m.title_keyword, m.location, m.s_title, m.s_location,
      m.s_seniority, m.s_arrangement, m.s_employment, m.s_salary, m.s_skills, m.matched,
      m.missing, m.posted_at, m.recency, m.recency_until, true, m.live_until,
      m.live_until > now()
    from matched m
    order by m.user_id, m.job_id
    on conflict (user_id, job_id) do update set
      matched_title = excluded.matched_title, matched_location = excluded.matched_location,
      s_title = excluded.s_title, s_location = excluded.s_location,
      s_seniority = excluded.s_seniority, s_arrangement = excluded.s_arrangement,
      s_employment = excluded.s_employment, s_salary = excluded.s_salary,
      s_skills = excluded.s_skills, matched_skills = excluded.matched_skills,
      missing_skills = excluded.missing_skills, posted_at = excluded.posted_at,
      recency = excluded.recency,
      recency_until = excluded.recency_until, covered = true,
      live_until = excluded.live_until, live = excluded.live, updated_at = now()
    -- an item that comes out the same is not written again (a newer CV with the same levels)
    where (e.matched_title, e.matched_location, e.s_title, e.s_location, e.s_seniority,
           e.s_arrangement, e.s_employment, e.s_salary, e.s_skills, e.matched_skills,
           e.missing_skills, e.posted_at, e.recency, e.recency_until, e.covered, e.live_until,
           e.live)
          is distinct from
          (excluded.matched_title, excluded.matched_location, excluded.s_title,
           excluded.s_location, excluded.s_seniority, excluded.s_arrangement,
           excluded.s_employment, excluded.s_salary, excluded.s_skills, excluded.matched_skills,
           excluded.missing_skills, excluded.posted_at, excluded.recency,
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


-- job_skills changed: the items of the jobs whose skills changed are scored again (a job's
-- skills are written after the jobs insert, which may already have listed it).
create function private.feed_after_job_skills_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.relist_feed_items(array_agg(e.user_id), array_agg(e.job_id))
    from public.feed_items e
    where e.covered and e.job_id in (select n.job_id from new_skills n);
  else
    perform private.relist_feed_items(array_agg(e.user_id), array_agg(e.job_id))
    from public.feed_items e
    where e.covered
      and e.job_id in (select n.job_id from new_skills n join old_skills o using (job_id)
                       where n.skills is distinct from o.skills);
  end if;
  return null;
end
$$;

create trigger job_skills_feed_insert after insert on public.job_skills
  referencing new table as new_skills
  for each statement execute function private.feed_after_job_skills_change();

create trigger job_skills_feed_update after update on public.job_skills
  referencing old table as old_skills new table as new_skills
  for each statement execute function private.feed_after_job_skills_change();

revoke execute on function private.feed_after_job_skills_change()
  from public, anon, authenticated;

-- The labels of skill keys ("apache spark" → "Apache Spark"), for a page at once: job_feed
-- calls it once, not twice a row (38 us a call). SECURITY DEFINER: job_feed runs as its caller,
-- who does not read the vocabulary (it holds what other people's CVs brought); this maps the
-- keys it is given and nothing else.
create function private.skill_label_map(p_skills text[])
returns table (skill text, label text)
language sql stable security definer set search_path = ''
as $$
  select s.skill, s.label from public.skills s where s.skill = any(p_skills)
$$;

-- A total out of 140 as the page's "of 100".
create function private.feed_percent(p_total integer) returns integer
language sql immutable
return round(p_total * 100.0 / 140)::integer;

revoke execute on function private.skill_label_map(text[]), private.feed_percent(integer)
  from public;
grant execute on function private.skill_label_map(text[]), private.feed_percent(integer)
  to authenticated, service_role;

-- "matches Data Engineer · Berlin · Python, Apache Spark, SQL +2 · your level · ..."
drop function private.feed_reason(text, text, integer, integer, integer, integer, integer, text,
  timestamptz);
create function private.feed_reason(
  p_matched_title text,
  p_matched_location text,
  p_s_title integer,
  p_s_location integer,
  p_s_seniority integer,
  p_s_arrangement integer,
  p_s_salary integer,
  p_work_arrangement text,
  p_posted_at timestamptz,
  p_matched_skills text[]
) returns text
language sql stable
return concat_ws(' · ',
  case when p_s_title >= 40 then 'matches ' || p_matched_title
       when p_s_title > 0 then 'close to ' || p_matched_title end,
  case when p_s_location > 0 then p_matched_location end,
  case when cardinality(p_matched_skills) > 0
       then array_to_string(p_matched_skills[1:3], ', ')
            || case when cardinality(p_matched_skills) > 3
                    then ' +' || (cardinality(p_matched_skills) - 3) else '' end end,
  case when p_s_seniority = 10 then 'your level' end,
  case when p_s_arrangement = 10 then p_work_arrangement end,
  private.age_phrase(p_posted_at),
  case when p_s_salary > 0 then 'salary listed' end);

revoke execute on function private.feed_reason(text, text, integer, integer, integer, integer,
  integer, text, timestamptz, text[]) from public;
grant execute on function private.feed_reason(text, text, integer, integer, integer, integer,
  integer, text, timestamptz, text[]) to authenticated, service_role;

drop function public.job_feed(integer, integer, boolean, text, text);
create function public.job_feed(
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
  is_new boolean,
  matched_skills text[],
  missing_skills text[]
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
        e.matched_skills, e.missing_skills,
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
    ),
    page_labels as materialized (
      select * from private.skill_label_map(
        array(select distinct k from ranked r, unnest(r.matched_skills || r.missing_skills) k))
    )
    select b.job_id, b.title, b.company, b.location_city, b.location_country,
      b.work_arrangement::text, b.employment_type::text, b.seniority::text, b.salary_min,
      b.salary_max, b.salary_currency, b.salary_period, b.posted_at, b.apply_url,
      b.matched_title, b.matched_location, private.feed_percent(b.total),
      private.feed_reason(private.shown_label(l.title_label, b.matched_title),
                          private.shown_label(l.location_label, b.matched_location), b.s_title,
                          b.s_location, b.s_seniority, b.s_arrangement, b.s_salary,
                          b.work_arrangement::text, b.posted_at, m.labels),
      b.listed_at > %6$L::timestamptz, m.labels, g.labels
    from ranked b
    cross join lateral (
      select coalesce(array_agg(pl.label order by k.n), '{}')
      from unnest(b.matched_skills) with ordinality k(skill, n)
      join page_labels pl on pl.skill = k.skill
    ) m(labels)
    cross join lateral (
      select coalesce(array_agg(pl.label order by k.n), '{}')
      from unnest(b.missing_skills) with ordinality k(skill, n)
      join page_labels pl on pl.skill = k.skill
    ) g(labels)
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
  'The calling user''s feed: one row per job, ranked against their CV profile and skills, '
  'explained, with the skills it asks for that the CV does not show.';

revoke execute on function public.job_feed(integer, integer, boolean, text, text)
  from public, anon;
grant execute on function public.job_feed(integer, integer, boolean, text, text)
  to authenticated, service_role;

-- ---- what was stored before: indexed by the skills-sweep, CVs read again ---------------------
-- Jobs stored before this migration get an empty row at version 0, which the skills-sweep
-- indexes; users with a parsed CV get their skills, and their items are scored with them.
insert into public.job_skills (job_id, skills, vocabulary_version)
select j.id, '{}', 0 from public.jobs j
on conflict (job_id) do nothing;

select private.sync_user_skills(array_agg(distinct d.user_id)),
       private.relist_feed_for_users(array_agg(distinct d.user_id))
from public.cv_documents d where d.status = 'parsed'
having count(*) > 0;
