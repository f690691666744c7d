-- ---------------------------------------------------------------------------
-- The skills-sweep in passes: a vocabulary change writes only the jobs it changes.
--
-- The sweep moved every job_skills row to the new vocabulary version, whether or not its text
-- named a new term: on 200,000 stored ads (0.9 kB each) one new skill cost 25.8 s, 93 MB of WAL
-- and doubled the table (40 → 81 MB, every update also an index update). At a year's data and a
-- new skill with most CVs that is a steady rewrite of the whole table. Now: 4.2 s, 1.5 MB of WAL
-- and no growth on 200,000 ads; 21 s and 7.7 MB on 1,000,000 (22 ms a batch of 1,000 at both:
-- a batch finds its jobs by the primary key after the cursor: as a plain join the planner
-- scanned the table each batch, 16 s at 200,000).
--
-- Now the sweep reads the stored jobs once a pass, in id order from a cursor kept in
-- private.job_skills_passes, and writes only the jobs whose skills change. A pass covers the
-- terms of versions (from_version, to_version]; the jobs stored after it began were matched
-- against the vocabulary when they were stored. The one gap: a store that began before a new
-- term committed and commits after the cursor passed its jobs. A pass therefore reads nothing
-- until every transaction that had an id before its own has ended (wait_for: its own id); a
-- store that takes its id later matches its jobs in a statement of its own, after its insert
-- (the triggers are VOLATILE plpgsql: each statement reads with a new snapshot; stores run
-- under READ COMMITTED) and sees the new term. Versions still commit in order (a lock held to
-- commit, now taken by a statement trigger on every insert into the vocabulary), so "every
-- version up to to_version" is what a pass's snapshot shows.
--
-- A batch never waits for a lock (it skips what a store holds and stops its cursor before it),
-- so stores that wait for the sweep's rows cannot deadlock with it, and a store that rolls back
-- leaves its job to the next batch.
--
-- Synonyms get a version of their own (from the skills' sequence): a synonym added to an older
-- skill ("pyspark" → Apache Spark) is looked for in the stored jobs too. (The starter synonyms
-- are numbered above every starter skill by this migration: on a database with stored jobs the
-- first pass looks for them once.) A skill or synonym whose in_text is turned on or off takes a
-- new version too: the next pass finds it in the stored jobs, or takes it off them.
-- ---------------------------------------------------------------------------

alter table public.skill_synonyms
  add column version bigint not null default nextval('public.skills_version_seq');

create index skill_synonyms_version_idx on public.skill_synonyms (version);

comment on column public.skill_synonyms.version is
  'When the synonym joined the vocabulary (the same sequence as skills.version): the '
  'skills-sweep looks for it in the jobs stored before.';

-- No query reads job_skills by version any more: without the index, the rows the sweep does
-- write are updated in place (HOT) when their page has room.
drop index public.job_skills_vocabulary_idx;

comment on column public.job_skills.vocabulary_version is
  'The vocabulary version the job''s skills were last found against (when stored, when its '
  'text changed, or when a skills-sweep pass found a new term in it).';

-- What is looked for in job text, each term with the version it joined at.
create or replace view private.skill_terms as
  select s.skill as term, s.skill, s.version from public.skills s where s.in_text
  union all
  select y.term, y.skill, y.version
  from public.skill_synonyms y
  where y.in_text;

-- Every insert into the vocabulary takes its versions under one lock held to commit, so that
-- versions commit in order: a snapshot that shows version v shows every version below it.
create function private.lock_skill_vocabulary() returns trigger
language plpgsql set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('skill-vocabulary', 0));
  return null;
end
$$;

create trigger skills_versions_in_order before insert on public.skills
  for each statement execute function private.lock_skill_vocabulary();
create trigger skill_synonyms_versions_in_order before insert on public.skill_synonyms
  for each statement execute function private.lock_skill_vocabulary();

-- A term looked for in ads from now on, or no longer: the row takes a new version (under the
-- same lock), and the skills-sweep's next pass matches the stored jobs that name it again.
create function private.version_changed_term() returns trigger
language plpgsql set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('skill-vocabulary', 0));
  new.version := nextval('public.skills_version_seq');
  return new;
end
$$;

create trigger skills_in_text_changed before update of in_text on public.skills
  for each row when (old.in_text is distinct from new.in_text)
  execute function private.version_changed_term();
create trigger skill_synonyms_in_text_changed before update of in_text on public.skill_synonyms
  for each row when (old.in_text is distinct from new.in_text)
  execute function private.version_changed_term();

-- Adds the skills the vocabulary lacks (labels of at most 100 characters). The insert takes the
-- vocabulary's lock (skills_versions_in_order) only when there is something to add: most CVs
-- bring nothing new, and their parses do not wait for each other.
create or replace function private.add_skills(p_skills jsonb) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  added integer;
  fresh constant jsonb := (
    select coalesce(jsonb_agg(e), '[]') from jsonb_array_elements(p_skills) e
    where private.skill_key(e ->> 'label') <> ''
      and char_length(btrim(e ->> 'label')) <= 100
      and private.canonical_skill(e ->> 'label') is null);
begin
  if jsonb_array_length(fresh) = 0 then
    return 0;
  end if;
  insert into public.skills (skill, label, kind, source, in_text)
  select distinct on (private.skill_key(e ->> 'label'))
         private.skill_key(e ->> 'label'), btrim(e ->> 'label'), e ->> 'kind', 'cv',
         private.cv_skill_in_text(btrim(e ->> 'label'))
  from jsonb_array_elements(fresh) e
  order by private.skill_key(e ->> 'label')
  on conflict (skill) do nothing;
  get diagnostics added = row_count;
  return added;
end
$$;

-- ---- passes ----------------------------------------------------------------------------------

create table private.job_skills_passes (
  id bigint generated always as identity primary key,
  -- the pass looks for the terms of the versions after from_version, up to to_version
  from_version bigint not null,
  to_version bigint not null check (to_version >= from_version),
  -- the pass's own transaction: it reads once every transaction that had an id before it ended
  wait_for xid8 not null,
  -- the newest job when it began reading; the jobs up to next_job_id are read
  until_job_id bigint,
  next_job_id bigint not null default 0,
  jobs_read bigint not null default 0,
  -- the jobs whose skills changed
  jobs_indexed bigint not null default 0,
  started_at timestamptz not null default now(),
  reading_at timestamptz,
  finished_at timestamptz
);

-- one pass at a time
create unique index job_skills_passes_one_open on private.job_skills_passes ((true))
  where finished_at is null;

comment on table private.job_skills_passes is
  'The skills-sweep''s passes over the stored jobs, one for each growth of the vocabulary '
  '(terms of versions from_version < v <= to_version): its cursor, what it read and changed.';

-- The vocabulary's newest version: never lower than a pass's (deleting the newest skill must
-- not let a store index a job below a pass that is reading it).
create or replace function private.skill_vocabulary_version() returns bigint
language sql stable set search_path = ''
as $$
  select greatest(coalesce((select max(s.version) from public.skills s), 0),
                  coalesce((select max(y.version) from public.skill_synonyms y), 0),
                  coalesce((select p.to_version from private.job_skills_passes p
                            order by p.id desc limit 1), 0))
$$;

-- Where the sweep starts: the jobs stored so far were matched against the vocabulary as it is
-- (or, for rows an older vocabulary indexed, from the oldest of them).
insert into private.job_skills_passes (from_version, to_version, wait_for, next_job_id,
  reading_at, finished_at)
select v.version, v.version, '0'::xid8, 0, now(), now()
from (select least(private.skill_vocabulary_version(),
                   coalesce((select min(js.vocabulary_version) from public.job_skills js),
                            private.skill_vocabulary_version())) as version) v;

-- Whether every transaction that had an id before p_xid has ended: the snapshot's xmin is the
-- oldest id still running, the caller's own included. (The snapshot's xmax is not the next id
-- but the newest finished one + 1: a transaction with a later id may still run.)
create function private.transactions_ended(p_xid xid8) returns boolean
language sql volatile set search_path = ''
as $$ select pg_snapshot_xmin(pg_current_snapshot()) >= p_xid $$;

-- Begins a pass when the vocabulary grew past the last one (at most 200 versions a pass, so
-- that the alternation of their first words stays small), waiting for the transactions that had
-- an id before its own. One statement: two sweeps at once meet on the one open pass.
create function private.begin_job_skills_pass() returns bigint
language sql volatile security definer set search_path = ''
as $$
  insert into private.job_skills_passes (from_version, to_version, wait_for)
  select w.version, least(private.skill_vocabulary_version(), w.version + 200),
         pg_current_xact_id()
  from (select max(p.to_version) as version from private.job_skills_passes p) w
  where private.skill_vocabulary_version() > w.version
    and not exists (select 1 from private.job_skills_passes p where p.finished_at is null)
  on conflict do nothing
  returning id
$$;

-- One batch of the open pass: the next p_limit jobs after its cursor, claimed with the pass
-- (skip locked: a second sweep finds nothing to do). The jobs whose text holds a first word of
-- one of the pass's terms (one case-insensitive alternation: 15 us a 2.3 kB ad; ä, ö, ü match
-- their capitals as the normal form folds them, whatever the collation: folding the text first
-- doubled the pass) are matched again in one statement, and those whose skills
-- change are written. The batch never waits for a lock: it takes the job_skills rows it
-- writes and their feed_items (which the update scores again) with SKIP LOCKED, and stops its
-- cursor before the first job it could not take, so a store that holds it and rolls back
-- leaves it to the next batch, and a store that waits for the sweep cannot wait in a cycle.
-- A job a store changed meanwhile has its row at the pass's version or later and drops out.
-- Returns the jobs read: 0 when no pass is reading or the first job is held.
create or replace function private.index_jobs_for_new_skills(p_limit integer default 1000)
returns integer
language sql volatile security definer set search_path = ''
as $$
  with pass as materialized (
    select p.id, p.from_version, p.to_version, p.next_job_id,
           coalesce(p.until_job_id, (select coalesce(max(j.id), 0) from public.jobs j))
             as until_job_id
    from private.job_skills_passes p
    where p.finished_at is null and private.transactions_ended(p.wait_for)
    for update skip locked
  ),
  batch as materialized (
    select j.id, j.body
    from pass
    cross join lateral (
      select j.id, private.job_skill_text(j.title, j.description) as body
      from public.jobs j
      where j.id > pass.next_job_id and j.id <= pass.until_job_id
      order by j.id
      limit p_limit) j
  ),
  newer as materialized (
    select coalesce('(' || string_agg(distinct
             replace(replace(replace(
               regexp_replace(split_part(t.term, ' ', 1), '([.+#*?()\[\]{}|^$\\])', '\\\1',
                              'g'),
               'ä', '[äÄ]'), 'ö', '[öÖ]'), 'ü', '[üÜ]'),
             '|') || ')', '(?!)') as pattern
    -- every term that changed, looked for in ads now or no longer (its jobs lose it)
    from (select s.skill as term, s.version from public.skills s
          union all
          select y.term, y.version from public.skill_synonyms y) t, pass
    where t.version > pass.from_version and t.version <= pass.to_version
  ),
  candidates as materialized (
    select js.job_id, js.skills, b.body
    from public.job_skills js
    join batch b on b.id = js.job_id
    cross join pass
    cross join newer n
    where js.vocabulary_version < pass.to_version and b.body ~* n.pattern
  ),
  found as materialized (
    select f.id, f.skills
    from private.find_skills_many(array(select c.job_id from candidates c order by c.job_id),
                                  array(select c.body from candidates c order by c.job_id)) f
    join candidates c on c.job_id = f.id
    where f.skills is distinct from c.skills
  ),
  taken as materialized (
    select js.job_id
    from public.job_skills js
    cross join pass
    where js.job_id in (select f.id from found f) and js.vocabulary_version < pass.to_version
    order by js.job_id
    for update of js skip locked
  ),
  taken_items as materialized (
    select e.user_id, e.job_id
    from public.feed_items e
    where e.job_id in (select t.job_id from taken t)
    order by e.user_id, e.job_id
    for update skip locked
  ),
  held as materialized (
    select min(x.job_id) as first_id
    from (select f.id as job_id from found f
          where f.id not in (select t.job_id from taken t)
          union all
          select e.job_id from public.feed_items e
          where e.job_id in (select t.job_id from taken t)
            and (e.user_id, e.job_id) not in (select i.user_id, i.job_id from taken_items i)) x
  ),
  indexed as (
    update public.job_skills js set skills = f.skills, vocabulary_version = pass.to_version
    from pass, found f
    where js.job_id = f.id
      and js.job_id in (select t.job_id from taken t)
      and js.job_id < coalesce((select h.first_id from held h), pass.until_job_id + 1)
    returning js.job_id
  ),
  counts as (
    select
      (select count(*) from batch b
       where b.id < coalesce((select h.first_id from held h), b.id + 1)) as read,
      (select count(*) from batch) as fetched,
      (select h.first_id from held h) as held_at,
      (select count(*) from indexed) as indexed
  ),
  moved as (
    update private.job_skills_passes p set
      until_job_id = pass.until_job_id,
      next_job_id = coalesce(c.held_at - 1, (select max(b.id) from batch b), pass.until_job_id),
      reading_at = coalesce(p.reading_at, now()),
      jobs_read = p.jobs_read + c.read,
      jobs_indexed = p.jobs_indexed + c.indexed,
      finished_at = case when c.fetched < p_limit and c.held_at is null then now() end
    from pass, counts c
    where p.id = pass.id
    returning c.read
  )
  select coalesce((select m.read from moved m), 0)::integer
$$;

-- The sweep: begins a pass when the vocabulary grew, then reads batches until the pass is done,
-- a batch reads nothing (a job is held) or 10 seconds passed (one transaction: pg_cron calls it
-- every minute); a run row when it read. Returns the jobs read.
create or replace function private.sweep_job_skills(p_batch integer default 1000)
returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  batch integer;
  done integer := 0;
  run_id bigint;
  open_pass private.job_skills_passes;
  started constant timestamptz := clock_timestamp();
begin
  perform private.begin_job_skills_pass();
  loop
    batch := private.index_jobs_for_new_skills(p_batch);
    exit when batch = 0;
    done := done + batch;
    select * into open_pass from private.job_skills_passes p order by p.id desc limit 1;
    if run_id is null then
      -- the pass's jobs left when this call began reading (counted once)
      insert into public.runs (kind, triggered_by, progress_total, stats)
      select 'sweep', 'cron', batch + count(*),
             jsonb_build_object('sweep', 'job_skills', 'pass', open_pass.id)
      from public.jobs j
      where j.id > open_pass.next_job_id and j.id <= open_pass.until_job_id
      returning id into run_id;
    end if;
    update public.runs set progress_done = done, progress_total = greatest(progress_total, done),
      heartbeat_at = now()
    where id = run_id;
    exit when open_pass.finished_at is not null
      or clock_timestamp() > started + interval '10 seconds';
  end loop;
  if run_id is not null then
    update public.runs
    set status = case when open_pass.finished_at is not null then 'succeeded' else 'partial' end,
        finished_at = now(),
        stats = stats || jsonb_build_object('jobs_read', done,
          'pass_jobs_read', open_pass.jobs_read, 'pass_jobs_indexed', open_pass.jobs_indexed,
          'from_version', open_pass.from_version, 'to_version', open_pass.to_version)
    where id = run_id;
  end if;
  return done;
end
$$;

-- The batch reads each job's text once, in its own statement: nothing calls this any more.
drop function private.find_job_skills_now(bigint, text);

revoke all on private.job_skills_passes from public, anon, authenticated;
revoke execute on function private.lock_skill_vocabulary(), private.version_changed_term(),
  private.transactions_ended(xid8),
  private.begin_job_skills_pass() from public, anon, authenticated;
